"""Opening a deregistration case and its one effect, the deregistration itself (DER-1, DER-5,
REG-3; 2022 p.19-23, 2020 p.15-19)."""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deregistration.eligibility import readmission_terms
from deregistration.models import DeregistrationCase
from portal import deadlines
from portal.audit.services import record
from portal.editions import edition_for
from portal.errors import PortalError
from portal.models import User
from portal.notifications.services import Recipient, notify
from registers.services.exits import close_open_entries

DEREGISTERED_EMAIL = "deregistration/email/deregistered"  # _subject.txt, _body.txt
KEPT_EMAIL = "deregistration/email/kept"  # the commission decided not to deregister


class DeregistrationRefused(PortalError):
    code = "deregistration_refused"


def open_case(
    *,
    supplier: Any,
    ground: str,
    source: str,
    on: datetime.date | None = None,
    evidence: dict[str, Any] | None = None,
    opened_by: User | None = None,
    state_source: str = "",
    sync_run: Any = None,
    raw_record: Any = None,
) -> DeregistrationCase:
    """Open a case against ``supplier`` on ``ground`` (a ground code of the edition in force on
    ``on``, default today; 2022 p.19, 2020 p.15; DER-1, E20-6), with its decision deadline from
    the edition (CAL-2). ``source`` is a ``DeregistrationCase.Source``; automatic grounds give
    the state system, the sync run and the record as received (DER-2).

    Idempotent per ground: if the supplier already has a case going on that ground, that case is
    returned and nothing is opened (a second identical sync run opens nothing more).
    """
    day = on or deadlines.today()
    edition = edition_for(day)
    try:
        rule = edition.ground_by_code(ground)
    except KeyError as exc:
        raise DeregistrationRefused(
            _("The rules in force have no such ground of deregistration."), detail=str(exc)
        ) from exc
    if source not in DeregistrationCase.Source.values:
        raise ValueError(f"Unknown source of a deregistration case: {source!r}")
    due: deadlines.Deadline | None = None
    if rule.decision_period and edition.parameter(rule.decision_period) is not None:
        due = deadlines.deadline(edition=edition, parameter=rule.decision_period, after=day)
    with transaction.atomic():
        # The supplier's row serialises openings for it, so two runs cannot both open a case.
        Supplier = apps.get_model("suppliers", "Supplier")  # noqa: N806
        Supplier.objects.select_for_update().filter(pk=supplier.pk).first()
        existing = (
            DeregistrationCase.objects.filter(
                supplier_id=supplier.pk,
                ground=ground,
                status__in=DeregistrationCase.ACTIVE_STATES,
            )
            .order_by("pk")
            .first()
        )
        if existing is not None:
            return existing
        case = DeregistrationCase.objects.create(
            supplier_id=supplier.pk,
            edition_code=edition.code,
            ground=ground,
            source=source,
            evidence=evidence or {},
            state_source=state_source,
            sync_run=sync_run,
            raw_record=raw_record,
            opened_on=day,
            opened_by=opened_by,
            decision_due=due.day if due else None,
            decision_period=rule.decision_period if due else "",
        )
        record(
            actor=opened_by,
            action="deregistration_case.opened",
            obj=case,
            after={
                "supplier": supplier.pk,
                "ground": ground,
                "source": source,
                "state_source": state_source,
                "sync_run": getattr(sync_run, "pk", None),
                "decision_due": case.decision_due,
            },
            basis=rule.clause,
        )
    return case


def deregister_supplier(
    *,
    case: DeregistrationCase,
    on: datetime.date | None = None,
    protocol_label: str = "",
    actor: User | None = None,
) -> DeregistrationCase:
    """Deregister the supplier of ``case`` on day ``on`` (default today): the one effect of
    every ground (2022 p.20, p.23; 2020 p.19; DER-2, DER-5, REG-3).

    Every open register entry of the supplier is closed with the day, the ground and the
    protocol (``protocol_label``, default the label of the case's protocol), so the supplier
    leaves the active registers and stands in the register of deregistered suppliers; the case
    is closed; the supplier is e-mailed why and when it may apply again.

    A case on an automatic ground (2022: 2-4) takes effect from its opening; any other needs the
    commission's decision to deregister (``outcome``), its protocol being published. Runs in the
    caller's transaction when there is one (the protocol's publication), else in its own.
    Calling it again for a deregistered case changes nothing and returns it.
    """
    day = on or deadlines.today()
    with transaction.atomic():
        case = (
            DeregistrationCase.objects.select_for_update(of=("self",))
            .select_related("supplier", "protocol")
            .get(pk=case.pk)
        )
        if case.status == DeregistrationCase.Status.DEREGISTERED:
            return case
        rule = case.ground_rule
        if case.status == DeregistrationCase.Status.OPEN:
            if not rule.automatic:
                raise DeregistrationRefused(
                    _(
                        "On this ground the supplier is deregistered only by the commission's "
                        "decision, once its protocol is published."
                    )
                )
        elif case.status == DeregistrationCase.Status.DECIDED:
            if case.outcome != DeregistrationCase.Outcome.DEREGISTER:
                raise DeregistrationRefused(
                    _("The commission decided not to deregister this supplier.")
                )
        else:
            raise DeregistrationRefused(
                _("This deregistration case is not awaiting deregistration.")
            )
        label = protocol_label or (case.protocol.label if case.protocol else "")
        if not label:
            raise ValueError("A deregistration names its protocol or the automatic act.")
        entries = close_open_entries(
            supplier_id=case.supplier_id,
            on=day,
            ground=case.ground,
            protocol=label,
            published_protocol=case.protocol,
        )
        case.deregister()
        case.deregistered_on = day
        case.protocol_label = label[:100]
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "deregistered_on", "protocol_label", "closed_at"])
        event = record(
            actor=actor,
            action="supplier.deregistered",
            obj=case,
            after={
                "supplier": case.supplier_id,
                "ground": case.ground,
                "protocol": label,
                "deregistered_on": day,
                "entries": [entry.pk for entry in entries],
                "registers": [entry.register for entry in entries],
            },
            basis=_effect_basis(case),
        )
        notify_supplier(case=case, template=DEREGISTERED_EMAIL, event_key=f"audit:{event.pk}")
    return case


def _effect_basis(case: DeregistrationCase) -> str:
    edition = case.edition
    rule = case.ground_rule
    period = (
        "automatic_deregistration_working_days"
        if rule.automatic
        else "deregistration_protocol_publication_working_days"
    )
    return f"{rule.clause}; {edition.clause_for(period)}"


def notify_supplier(*, case: DeregistrationCase, template: str, event_key: str) -> None:
    """E-mail the supplier about its case (``template``: deregistered — the ground, the day,
    the protocol and when it may apply again; kept — the commission decided not to), once per
    event, in the language of its admitted application."""
    Application = apps.get_model("suppliers", "Application")  # noqa: N806
    application = (
        Application.objects.select_related("created_by")
        .filter(supplier_id=case.supplier_id)
        .order_by(F("decided_on").desc(nulls_last=True), "-pk")
        .first()
    )
    address = ""
    language = ""
    if application is not None:
        address = application.email or (
            application.created_by.email if application.created_by else ""
        )
        language = application.language
    notify(
        event_key=event_key,
        recipient=Recipient(email=address, language=language),
        template=template,
        context={
            "case": case,
            "supplier": case.supplier,
            "ground": case.ground_rule,
            "readmission": readmission_terms(case=case),
        },
        about=case,
    )


def hold_case(
    *, case: DeregistrationCase, reason: str, actor: User | None = None
) -> DeregistrationCase:
    """Hold an automatic case for an operator's confirmation (the sync's mass-removal guard,
    issue 14 item 3): nothing takes effect until ``release_case`` or ``dismiss_case``."""
    with transaction.atomic():
        case = DeregistrationCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
        case.hold()
        case.evidence = {**case.evidence, "held": reason}
        case.save(update_fields=["status", "evidence"])
        record(
            actor=actor,
            action="deregistration_case.held",
            obj=case,
            after={"reason": reason},
            basis=case.ground_rule.clause,
        )
    return case


def release_case(*, case: DeregistrationCase, actor: User) -> DeregistrationCase:
    """An operator confirms a held case: it is open again and may take effect."""
    with transaction.atomic():
        case = DeregistrationCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
        case.release()
        case.save(update_fields=["status"])
        record(
            actor=actor,
            action="deregistration_case.released",
            obj=case,
            basis=case.ground_rule.clause,
        )
    return case


def dismiss_case(
    *, case: DeregistrationCase, reason: str, actor: User | None
) -> DeregistrationCase:
    """Close an open or held case without deregistration (the state data proved wrong, or the
    commission's decision not to deregister was published): the supplier stays registered."""
    with transaction.atomic():
        case = DeregistrationCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
        case.dismiss()
        case.closed_at = timezone.now()
        case.evidence = {**case.evidence, "dismissed": reason}
        case.save(update_fields=["status", "closed_at", "evidence"])
        record(
            actor=actor,
            action="deregistration_case.dismissed",
            obj=case,
            after={"reason": reason},
            basis=case.ground_rule.clause,
        )
    return case
