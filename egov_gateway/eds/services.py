"""Recording signatures: verify, store, audit (ID-2)."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from egov_gateway.eds import conf
from egov_gateway.eds.cms import parse_cms
from egov_gateway.eds.errors import SignatureError
from egov_gateway.eds.models import Signature
from egov_gateway.eds.signer import Purpose, VerifiedSigner
from egov_gateway.eds.verify import verify_cms
from portal.audit.services import record

logger = logging.getLogger(__name__)


def record_signature(
    *,
    cms: bytes,
    data: bytes | None,
    purpose: Purpose,
    signer_user=None,
    expected_iin: str,
    expected_bin: str | None = None,
    obj: models.Model | None = None,
    document_kind: str = "",
    keep_document: bool | None = None,
    basis: str = "",
    role: str = "",
    signer: VerifiedSigner | None = None,
) -> Signature:
    """Verify ``cms`` over ``data`` and keep it as a ``Signature`` (ID-2: "signed by EDS").

    The signature must be by ``expected_iin`` (and the organisation ``expected_bin``, when the
    act binds one) with a key for ``purpose``; otherwise the ``SignatureError`` of
    ``verify_cms`` is raised and nothing is stored. What was signed is kept as its exact bytes
    unless ``obj`` (the stored, immutable document) is given; ``keep_document=True`` keeps the
    bytes as well. Every stored signature writes an audit event (``basis`` is the legal clause).

    Verification may ask NCANode and OCSP responders, so it must not run inside a transaction
    that holds locks (the audit chain's above all). Called on its own, this function verifies
    first and then stores in its own transaction. A service that stores the signature inside its
    transaction verifies before it (``verify_signature``) and passes the result as ``signer``.
    """
    if signer is None:
        signer = verify_signature(
            cms=cms,
            data=data,
            purpose=purpose,
            expected_iin=expected_iin,
            expected_bin=expected_bin,
        )
    elif (signer.iin, signer.purpose) != (expected_iin, purpose) or (
        expected_bin and signer.bin != expected_bin
    ):
        raise ValueError("The signer was verified for another person, organisation or purpose.")
    if data is None:
        data = _attached_content(cms)
    if keep_document is None:
        keep_document = obj is None
    if obj is not None and obj.pk is None:
        raise ValueError("Save the signed object before recording its signature.")
    with transaction.atomic():
        signature = Signature.objects.create(
            purpose=signer.purpose,
            document_kind=document_kind,
            document_sha256=hashlib.sha256(data).hexdigest(),
            document=data if keep_document else None,
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
            cms=cms,
            certificate=signer.certificate,
            signer=signer_user,
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
            actor=signer_user,
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
            role=role,
        )
    return signature


def verify_signature(
    *, cms: bytes, data: bytes | None, purpose: Purpose, expected_iin: str, expected_bin=None
) -> VerifiedSigner:
    """``verify_cms``, with the refusal logged: call it before any transaction (network)."""
    try:
        return verify_cms(
            cms, data, purpose=purpose, expected_iin=expected_iin, expected_bin=expected_bin
        )
    except SignatureError as error:
        logger.warning(
            "Signature refused (%s) for IIN %s: %s", error.code, expected_iin, error.detail
        )
        raise


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
