"""The supplier's own application for deregistration (ground 1; 2022 p.19(1), p.22, Annex 3;
2020 p.15(1), Annex 2; DER-4): prepared as the exact PDF to sign, then signed with EDS, which
opens the case for the commission with its decision deadline (2022: two working days)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from deregistration.application_form import form_fields, render_application_form
from deregistration.models import DeregistrationApplication, DeregistrationCase
from deregistration.selectors import own_application_refusal
from deregistration.services.cases import DeregistrationRefused, open_case
from egov_gateway.eds.services import VerifiedDocument
from portal import deadlines
from portal.audit.services import record
from portal.editions import edition_for
from portal.models import Role, User

OWN_APPLICATION = "own_application"
STATEMENTS = ("confirms_contacts", "confirms_documents", "consent_personal_data")


class DeregistrationApplicationStale(DeregistrationRefused):
    code = "deregistration_application_stale"
    message = _(
        "The application was signed on a form that has since been replaced. Check it and sign "
        "again."
    )


def prepare_deregistration_application(
    *,
    supplier: Any,
    user: User,
    data: Mapping[str, Any],
    language: str = "",
    on: datetime.date | None = None,
) -> DeregistrationApplication:
    """Form the application for deregistration from ``data`` (the fields of the edition's form,
    in its order) as the PDF the supplier signs (2022 Annex 3; 2020 Annex 2).

    Refused while the supplier may not apply (not registered, or an own application already
    with the commission), and unless every statement of the form is confirmed. The PDF is made
    before anything is written; the row keeps its exact bytes.
    """
    day = on or deadlines.today()
    edition = edition_for(day)
    refusal = own_application_refusal(supplier_id=supplier.pk)
    if refusal:
        raise DeregistrationRefused(refusal)
    fields = form_fields(edition)
    values = {name: data.get(name, "") for name in fields}
    if not all(values.get(name) for name in STATEMENTS):
        raise DeregistrationRefused(_("Confirm every statement of the form to sign it."))
    signer_name = user.full_name
    pdf = render_application_form(edition=edition, data=values, signer_name=signer_name, on=day)
    return DeregistrationApplication.objects.create(
        supplier_id=supplier.pk,
        edition_code=edition.code,
        signer_name=signer_name,
        form_date=day,
        language=language,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        prepared_by=user,
        **{name: values[name] or _blank(name) for name in fields},
    )


def _blank(name: str) -> Any:
    return False if name in STATEMENTS else ""


def file_deregistration_application(
    *, application: DeregistrationApplication, verified: VerifiedDocument, user: User
) -> DeregistrationCase:
    """The signed application is filed: its signature kept with the exact bytes, the case on
    ground 1 opened for the commission with the decision deadline of the edition (2022 p.22: two
    working days; DER-4, CAL-2). ``verified`` is the supplier's signature over ``application.pdf``,
    verified before this call (by the cabinet, which knows who may bind the supplier).
    """
    if verified.data != bytes(application.pdf):
        raise DeregistrationApplicationStale()
    with transaction.atomic(durable=True):
        locked = DeregistrationApplication.objects.select_for_update().get(pk=application.pk)
        if locked.is_signed:
            raise DeregistrationRefused(_("This application has already been signed."))
        if locked.form_date != deadlines.today() or edition_for().code != locked.edition_code:
            raise DeregistrationApplicationStale()
        refusal = own_application_refusal(supplier_id=locked.supplier_id)
        if refusal:
            raise DeregistrationRefused(refusal)
        edition = locked.edition
        signature = verified.keep(
            obj=locked,
            document_kind="deregistration_application",
            basis=edition.form("deregistration_application").clause,
        )
        case = open_case(
            supplier=locked.supplier,
            ground=OWN_APPLICATION,
            source=DeregistrationCase.Source.SUPPLIER,
            evidence={
                "application": locked.pk,
                "sha256": locked.sha256,
                "signature": signature.pk,
            },
            opened_by=user,
        )
        locked.signature = signature
        locked.signed_at = timezone.now()
        locked.case = case
        locked.save(update_fields=["signature", "signed_at", "case"])
        record(
            actor=user,
            action="deregistration_application.filed",
            obj=locked,
            after={
                "case": case.pk,
                "sha256": locked.sha256,
                "signature": signature.pk,
                "decision_due": case.decision_due,
            },
            basis=edition.form("deregistration_application").clause,
            role=Role.SUPPLIER,
        )
    return case


def withdraw_deregistration_application(
    *, application: DeregistrationApplication, user: User
) -> DeregistrationCase:
    """The supplier withdraws its own application for deregistration before the commission
    decides (2022 p.22; DER-4): the case is closed as withdrawn, the supplier stays registered
    and may apply again. Refused once the commission's vote on the case has begun or it has
    decided. Who may act for the supplier is the cabinet's rule, checked by its caller."""
    with transaction.atomic(durable=True):
        locked = DeregistrationApplication.objects.select_for_update().get(pk=application.pk)
        if locked.case_id is None:
            raise DeregistrationRefused(_("This application has not been filed."))
        case = DeregistrationCase.objects.select_for_update().get(pk=locked.case_id)
        AgendaItem = apps.get_model("commission", "AgendaItem")  # noqa: N806
        voting = AgendaItem.objects.filter(
            deregistration_case_id=case.pk,
            status__in=[AgendaItem.Status.VOTING, AgendaItem.Status.ADOPTED],
        ).exists()
        before = {"status": case.status}
        try:
            if voting:
                raise TransitionNotAllowed("the vote has begun")
            case.withdraw()
        except TransitionNotAllowed:
            raise DeregistrationRefused(
                _(
                    "The application can no longer be withdrawn: the commission has begun its "
                    "vote or decided."
                ),
                code="cannot_withdraw",
            ) from None
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "closed_at"])
        record(
            actor=user,
            action="deregistration_case.withdrawn",
            obj=case,
            before=before,
            after={"status": case.status, "application": locked.pk},
            basis=case.edition.form("deregistration_application").clause,
            role=Role.SUPPLIER,
        )
    return case
