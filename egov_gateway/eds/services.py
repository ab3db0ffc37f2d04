"""Signing an exact document (ID-2): verify once, keep the signature with the act it binds.

``verify_document`` verifies before any transaction and returns a ``VerifiedDocument``; the act
keeps it inside its own transaction (``VerifiedDocument.keep``). ``sign_document`` does both for
an act that is the signature alone. The page side of the same flow is ``eds.flow``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from egov_gateway.eds import conf
from egov_gateway.eds.cms import parse_cms
from egov_gateway.eds.errors import SignatureError
from egov_gateway.eds.models import Signature
from egov_gateway.eds.signer import Purpose, VerifiedSigner, require_may_bind_organisation
from egov_gateway.eds.verify import verify_cms
from portal.audit.services import record
from portal.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifiedDocument:
    """A signature of an exact document, verified once and not yet kept (ID-2).

    Made by ``verify_document`` before any transaction; the act that the signature binds keeps
    it inside its own transaction with ``keep``, so that the signature and the act are stored
    together or not at all, and nothing is verified while the act holds its locks.
    """

    cms: bytes = field(repr=False)
    data: bytes = field(repr=False)
    signer: VerifiedSigner
    signer_user: User | None
    role: str

    def keep(
        self,
        *,
        obj: models.Model | None = None,
        document_kind: str = "",
        basis: str = "",
        keep_document: bool | None = None,
    ) -> Signature:
        """Store the signature as a ``Signature`` with an audit event (``basis``: the clause).

        What was signed is kept as its exact bytes unless ``obj`` (the stored, immutable
        document the signature binds) is given; ``keep_document=True`` keeps them as well.
        Verifies nothing: call it inside the act's transaction.
        """
        if keep_document is None:
            keep_document = obj is None
        if obj is not None and obj.pk is None:
            raise ValueError("Save the signed object before recording its signature.")
        signer = self.signer
        with transaction.atomic():
            signature = Signature.objects.create(
                purpose=signer.purpose,
                document_kind=document_kind,
                document_sha256=hashlib.sha256(self.data).hexdigest(),
                document=self.data if keep_document else None,
                content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
                object_id=str(obj.pk) if obj is not None else "",
                cms=self.cms,
                certificate=signer.certificate,
                signer=self.signer_user,
                iin=signer.iin,
                bin=signer.bin,
                common_name=signer.common_name,
                organisation=signer.organisation,
                role_oids=list(signer.role_oids),
                certificate_serial=signer.serial,
                issuer=signer.issuer,
                certificate_not_before=signer.not_before,
                certificate_not_after=signer.not_after,
                algorithm=signer.algorithm,
                signing_time=signer.signing_time,
                verified_at=timezone.now(),
                backend=signer.backend,
                verification=verification_record(signer),
            )
            record(
                actor=self.signer_user,
                action="signature.recorded",
                obj=signature,
                after={
                    "purpose": signature.purpose,
                    "document_kind": document_kind,
                    "document_sha256": signature.document_sha256,
                    "signed_object": f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else "",
                    "iin": signature.iin,
                    "bin": signature.bin,
                    "certificate_serial": signature.certificate_serial,
                    "signing_time": signature.signing_time,
                    "backend": signature.backend,
                },
                basis=basis,
                role=self.role,
            )
        return signature


def verify_document(
    *,
    cms: bytes,
    data: bytes | None,
    purpose: Purpose,
    signer_user: User | None,
    role: str,
    expected_iin: str | None = None,
    expected_bin: str | None = None,
    binds_organisation: bool = False,
) -> VerifiedDocument:
    """Verify ``cms`` over the exact bytes ``data`` once (ID-2: "signed by EDS"), before any
    transaction: verification may ask NCANode and OCSP responders.

    The signature must be by ``expected_iin`` (``signer_user``'s IIN by default) with a key for
    ``purpose``; with ``expected_bin``, a key of that organisation; with ``binds_organisation``
    (the act binds the organisation ``expected_bin``: the public offer, Annex 1, Annex 3), the key
    of its head or of a person with the right to sign (``signer.may_bind_organisation``;
    ``NotEntitledToSign`` otherwise). ``role`` is the role in which ``signer_user`` acts, for the
    audit trail. ``data=None`` takes the document from an attached CMS. A refusal is a
    ``SignatureError`` (logged); nothing is stored.
    """
    if binds_organisation and not expected_bin:
        raise ValueError("An act that binds an organisation names its BIN (expected_bin).")
    if expected_iin is None:
        if signer_user is None:
            raise ValueError("Name the signer: signer_user or expected_iin.")
        expected_iin = signer_user.iin
    try:
        signer = verify_cms(
            cms, data, purpose=purpose, expected_iin=expected_iin, expected_bin=expected_bin
        )
        if binds_organisation:
            require_may_bind_organisation(signer, organisation_bin=expected_bin or "")
    except SignatureError as error:
        logger.warning(
            "Signature refused (%s) for IIN %s: %s", error.code, expected_iin, error.detail
        )
        raise
    return VerifiedDocument(
        cms=cms,
        data=_attached_content(cms) if data is None else data,
        signer=signer,
        signer_user=signer_user,
        role=role,
    )


def sign_document(
    *,
    cms: bytes,
    data: bytes | None,
    purpose: Purpose,
    signer_user: User | None,
    role: str,
    document_kind: str = "",
    basis: str = "",
    expected_iin: str | None = None,
    expected_bin: str | None = None,
    binds_organisation: bool = False,
    obj: models.Model | None = None,
    keep_document: bool | None = None,
) -> Signature:
    """Verify a signature of an exact document once and keep it (ID-2), for an act that is the
    signature alone: ``verify_document`` (outside any transaction), then
    ``VerifiedDocument.keep`` in a transaction of its own. An act that stores more than the
    signature calls the two itself, ``keep`` inside the act's transaction.
    """
    verified = verify_document(
        cms=cms,
        data=data,
        purpose=purpose,
        signer_user=signer_user,
        role=role,
        expected_iin=expected_iin,
        expected_bin=expected_bin,
        binds_organisation=binds_organisation,
    )
    return verified.keep(
        obj=obj, document_kind=document_kind, basis=basis, keep_document=keep_document
    )


def verification_record(signer: VerifiedSigner) -> dict:
    """What the verification established, as JSON (kept with the signature)."""
    settings = conf.verification()
    return {
        "valid": True,
        "backend": signer.backend,
        "algorithm": signer.algorithm,
        "purpose": str(signer.purpose),
        "checked": [
            "structure",
            "content_type",
            "message_digest",
            "signature_value",
            "key_purpose",
            "iin",
            "bin",
            "signing_time",
            "validity",
            "certificate_path",
            "revocation",
        ],
        "revocation_mode": settings.revocation_mode,
        "signing_time": signer.signing_time.astimezone(UTC).isoformat(),
        "certificate_serial": signer.serial,
        "issuer": signer.issuer,
        "verified_at": datetime.now(UTC).isoformat(),
    }


def _attached_content(cms_bytes: bytes) -> bytes:
    content = parse_cms(cms_bytes).content
    if content is None:  # verify_cms has already refused this case
        raise ValueError("detached signature without the document")
    return content
