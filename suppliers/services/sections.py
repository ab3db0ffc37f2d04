"""The application's start and its sections (SUP-3..SUP-5, SUP-7, SUP-10, E20-1, E20-3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.audit import services as audit
from portal.editions import edition_for
from portal.models import Role, User
from suppliers import selectors
from suppliers.models import (
    Application,
    Supplier,
)
from suppliers.services.common import (
    lock_application,
    mark_changed,
    require_draft,
    require_eligible,
    require_rights,
)
from suppliers.services.errors import OfferNotAccepted, SupplierActionError
from suppliers.services.savers import SAVERS


def start_application(*, supplier: Supplier, user: User, language: str = "") -> Application:
    """Open the supplier's draft application, or return the one it has (2022 p.7; SUP-4).

    The application is handled under the edition in force today, kept in ``edition_code``.
    """
    require_rights(user=user, supplier=supplier)
    if not selectors.has_accepted_offer(supplier):
        raise OfferNotAccepted()
    require_eligible(supplier.identifier)
    with transaction.atomic(durable=True):
        Supplier.objects.select_for_update().get(pk=supplier.pk)
        draft = selectors.draft_of(supplier)
        if draft is not None:
            return draft
        edition = edition_for()
        application = Application.objects.create(
            supplier=supplier,
            edition_code=edition.code,
            region=supplier.region,
            created_by=user,
            language=(language or translation.get_language() or "kk")[:2],
        )
        previous = prefill_from_previous(application=application)
        audit.record(
            actor=user,
            action="application.started",
            obj=application,
            after={
                "status": application.status,
                "edition": edition.code,
                "prefilled_from": previous.pk if previous else None,
            },
            basis=edition.clause_for("supplier_data_items"),
            role=Role.SUPPLIER,
        )
    return application


# Copied into a new draft from the supplier's previous application — the one that admitted it
# before (readmission, RDM-3), or one it withdrew or was refused (issue 9, item 7): what the
# supplier entered itself. Never its consents (given anew with each application, SUP-10), its
# documents (each file belongs to one application) or signatures; state data is asked again.
PREFILLED_FIELDS = (
    "mobile_phone",
    "email",
    "phone",
    "fax",
    "website",
    "iban",
    "bic",
    "bank_name",
    "places_count",
    "department_type",
    "department_kind",
    "department_name",
    "department_premises_owned",
    "staff_count",
    "material_resources",
)


def prefill_from_previous(*, application: Application) -> Application | None:
    """A new application starts from the supplier's previous one — a readmission is a new
    application through the same procedure (2022 p.25; RDM-3), and one after a withdrawal or a
    refusal need not be typed again (issue 9, item 7): the new draft takes what the supplier
    entered — the offers the edition in force allows, contacts, bank details, offerings,
    addresses, specialists, what it entered in place of state data — and no section counts as
    saved, so the supplier confirms every one of them before signing. Supporting documents,
    consents and signatures are never carried over. Returns the application copied from, None
    when there is none."""
    previous = (
        Application.objects.filter(
            supplier_id=application.supplier_id,
            status__in=(
                Application.Status.APPROVED,
                Application.Status.WITHDRAWN,
                Application.Status.REFUSED,
            ),
        )
        .exclude(pk=application.pk)
        .order_by("-created_at", "-pk")
        .first()
    )
    if previous is None:
        return None
    allowed = set(application.edition.offers_for(supplier_kind=application.supplier.kind))
    for name in PREFILLED_FIELDS:
        setattr(application, name, getattr(previous, name))
    application.offers = [offer for offer in previous.offers if offer in allowed]
    application.prefilled_from = previous
    application.save()
    for related in ("offerings", "addresses", "specialists", "supplied_state_items"):
        for row in getattr(previous, related).all():
            row.pk = None
            row.application = application
            row.save()
    return previous


# --- the sections (SUP-3..SUP-5, SUP-7, SUP-10, E20-1, E20-3) ---


def save_section(
    *, application: Application, section: str, data: Mapping[str, Any], user: User
) -> Application:
    """Save one section of the draft (2022 p.7; 2020 p.5; SUP-4). Drafts save on every step.

    ``data`` holds the section's cleaned values (see each ``_save_<section>``); blank values are
    kept as blank (the completeness check reports them), invalid ones are refused with a
    ``ValidationError`` whose keys are the field names, and nothing is saved then.
    """
    saver = SAVERS.get(section)
    if saver is None:
        raise SupplierActionError(_("This section cannot be edited."), code="unknown_section")
    require_rights(user=user, supplier=application.supplier)
    with transaction.atomic(durable=True):
        locked = lock_application(application)
        require_draft(locked)
        before, after = saver(locked, dict(data), user)
        mark_changed(locked, section)
        audit.record(
            actor=user,
            action="application.section_saved",
            obj=locked,
            before=before,
            after={"section": section, **after},
            basis=locked.edition.clause_for("supplier_data_items"),
            role=Role.SUPPLIER,
        )
    application.refresh_from_db()
    return application
