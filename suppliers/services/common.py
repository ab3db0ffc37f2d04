"""Helpers shared by the acts: who may act, eligibility, locking, the draft check, signing,
the last-change marks and the status e-mail.
"""

from __future__ import annotations

from django.db import transaction

from deregistration.eligibility import admission_eligibility
from egov_gateway.eds.services import VerifiedDocument, verify_document
from egov_gateway.eds.signer import Purpose
from portal.models import Role, User
from suppliers import selectors
from suppliers.models import (
    Application,
    Supplier,
)
from suppliers.services.errors import NotAuthorised, NotEditable, NotEligible
from suppliers.services.notifications import notify_status_change
from suppliers.signals import draft_changed

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


def verify_supplier_signature(
    *, supplier: Supplier, user: User, cms: bytes, data: bytes
) -> VerifiedDocument:
    """Verify once, before any transaction, a signature of the exact ``data`` by ``user`` acting
    for ``supplier`` (ID-2, SUP-2); the act keeps it in its transaction (``.keep``).

    A legal entity is bound only by the key of its head or of a person with the right to sign
    (``binds_organisation``: the rule of ``egov_gateway.eds.signer``); an employee's key of the
    same BIN is refused before anything is stored. A natural person signs with their own key for
    their own IIN.
    """
    if not supplier.is_legal_entity and supplier.identifier != user.iin:
        raise NotAuthorised()
    return verify_document(
        cms=cms,
        data=data,
        purpose=Purpose.SIGN,
        signer_user=user,
        role=Role.SUPPLIER,
        expected_bin=supplier.identifier if supplier.is_legal_entity else None,
        binds_organisation=supplier.is_legal_entity,
    )


def mark_changed(application: Application, section: str | None = None) -> None:
    """Count a change of the data: a rendered Annex 1 of an older revision is no longer signed."""
    application.revision += 1
    fields = ["revision", "updated_at"]
    if section and section not in application.sections_saved:
        application.sections_saved = [*application.sections_saved, section]
        fields.append("sections_saved")
    application.save(update_fields=fields)
    # Annex 1 of the data as they are now is formed after the commit, not while the supplier
    # waits on the sign page (issue 9, item 8): ``suppliers.tasks`` receives the signal.
    application_id, revision = application.pk, application.revision
    transaction.on_commit(
        lambda: draft_changed.send(
            sender=Application, application_id=application_id, revision=revision
        ),
        robust=True,  # the save stands even if the broker is away: the sign page forms it then
    )


def notify_status(application: Application, event) -> None:
    """The status e-mail of the change ``event`` recorded, into the outbox; sent on commit."""
    notify_status_change(application_id=application.pk, event_key=f"audit:{event.pk}")
