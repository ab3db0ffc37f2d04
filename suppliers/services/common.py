"""Helpers shared by the acts: who may act, eligibility, locking, the draft check, signing,
the last-change marks and the status e-mail.
"""

from __future__ import annotations

from deregistration.eligibility import admission_eligibility
from egov_gateway.eds.services import record_signature, verify_signature
from egov_gateway.eds.signer import Purpose
from portal.models import Role, User
from suppliers import selectors
from suppliers.models import (
    Application,
    Supplier,
)
from suppliers.services.errors import NotAuthorised, NotEditable, NotEligible, NotEntitledToSign
from suppliers.services.notifications import notify_status_change

# --- helpers ---


def require_rights(*, user: User, supplier: Supplier) -> None:
    if not selectors.may_act_for(user=user, supplier=supplier):
        raise NotAuthorised()


def require_eligible(identifier: str) -> None:
    eligibility = admission_eligibility(identifier=identifier)
    if not eligibility.allowed:
        raise NotEligible(eligibility.reason, code=eligibility.code)


def lock_application(application: Application) -> Application:
    """The application re-read under a row lock (one act at a time)."""
    return Application.objects.select_for_update().select_related("supplier").get(pk=application.pk)


def require_draft(application: Application) -> None:
    if application.status != Application.Status.DRAFT:
        raise NotEditable()


def verified_signer(*, supplier: Supplier, user: User, cms: bytes, data: bytes | None):
    """Verify a signature of ``data`` by ``user`` acting for ``supplier``; before any
    transaction, because verification may ask NCANode and OCSP responders.

    A legal entity binds itself only through the key of its head or of a person with the right
    to sign (role OIDs, ``VerifiedSigner.may_sign_for_organisation``); an employee's key of the
    same BIN is refused before anything is stored (SUP-2). A natural person signs with their own
    key for their own IIN.
    """
    if not supplier.is_legal_entity and supplier.identifier != user.iin:
        raise NotAuthorised()
    signer = verify_signature(
        cms=cms,
        data=data,
        purpose=Purpose.SIGN,
        expected_iin=user.iin,
        expected_bin=supplier.identifier if supplier.is_legal_entity else None,
    )
    if supplier.is_legal_entity and not signer.may_sign_for_organisation:
        raise NotEntitledToSign(detail=f"role OIDs {list(signer.role_oids)}")
    return signer


def sign(
    *,
    supplier: Supplier,
    user: User,
    cms: bytes,
    data: bytes | None,
    signer,
    obj=None,
    document_kind: str,
    basis: str,
):
    """Record the signature ``verified_signer`` verified, inside the act's transaction."""
    return record_signature(
        cms=cms,
        data=data,
        purpose=Purpose.SIGN,
        signer_user=user,
        expected_iin=user.iin,
        expected_bin=supplier.identifier if supplier.is_legal_entity else None,
        obj=obj,
        document_kind=document_kind,
        basis=basis,
        role=Role.SUPPLIER,
        signer=signer,
    )


def mark_changed(application: Application, section: str | None = None) -> None:
    """Count a change of the data: a rendered Annex 1 of an older revision is no longer signed."""
    application.revision += 1
    fields = ["revision", "updated_at"]
    if section and section not in application.sections_saved:
        application.sections_saved = [*application.sections_saved, section]
        fields.append("sections_saved")
    application.save(update_fields=fields)


def notify_status(application: Application, event) -> None:
    """The status e-mail of the change ``event`` recorded, into the outbox; sent on commit."""
    notify_status_change(application_id=application.pk, event_key=f"audit:{event.pk}")
