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
        previous = _previous_application(supplier)
        if previous is not None:
            _prefill(application, previous=previous)
        audit.record(
            actor=user,
            action="application.started",
            obj=application,
            after={
                "status": application.status,
                "edition": edition.code,
                "prefilled_from": previous.pk if previous is not None else None,
            },
            basis=edition.clause_for("supplier_data_items"),
            role=Role.SUPPLIER,
        )
    return application


# --- the sections (SUP-3..SUP-5, SUP-7, SUP-10, E20-1, E20-3) ---


# What a new application takes from the supplier's withdrawn or refused one (issue 9, item 7).
# Not the consents (given anew with each application, SUP-10), nor the documents (uploaded
# again, so that each file belongs to one application), nor state data (asked again; what the
# supplier entered in its place is kept).
_PREFILLED_FIELDS = (
    "offers",
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


def _previous_application(supplier: Supplier) -> Application | None:
    return (
        supplier.applications.filter(
            status__in=(Application.Status.WITHDRAWN, Application.Status.REFUSED)
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _prefill(application: Application, *, previous: Application) -> None:
    """A new application starts from the previous one's answers; no section counts as saved, so
    the task list asks the supplier to open and confirm each one."""
    for name in _PREFILLED_FIELDS:
        setattr(application, name, getattr(previous, name))
    application.save(update_fields=[*_PREFILLED_FIELDS, "updated_at"])
    for related in ("offerings", "addresses", "specialists", "supplied_state_items"):
        for row in getattr(previous, related).all():
            row.pk = None
            row.application = application
            row.save()


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
