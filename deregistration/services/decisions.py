"""The commission's part in a deregistration case: on an agenda, decided by vote, given effect
when its protocol is published (2022 p.21-23; 2020 p.19; DER-3 … DER-5). The commission's
services call these inside their own transactions; they never start a durable one."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deregistration.models import DeregistrationCase
from deregistration.selectors import is_decided_by_commission
from deregistration.services.cases import (
    KEPT_EMAIL,
    DeregistrationRefused,
    deregister_supplier,
    notify_supplier,
)
from portal.audit.services import record
from portal.models import User


def put_case_on_agenda(*, case: DeregistrationCase) -> DeregistrationCase:
    """The case goes on a meeting's agenda (2022 p.21-22; 2020 p.19). Only a case the
    commission decides, still awaiting its decision."""
    with transaction.atomic():
        case = DeregistrationCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if not is_decided_by_commission(case) or case.status not in (
            DeregistrationCase.Status.OPEN,
            DeregistrationCase.Status.UNDER_REVIEW,
        ):
            raise DeregistrationRefused(
                _(
                    "This deregistration case cannot be put on the agenda: it is not awaiting the "
                    "commission's decision."
                )
            )
        case.put_on_agenda()
        case.save(update_fields=["status"])
    return case


def record_case_decision(
    *, case: DeregistrationCase, outcome: str, decided_on: datetime.date
) -> DeregistrationCase:
    """The commission adopted ``outcome`` (deregister or not) by vote (COM-4, COM-5). The effect
    follows the publication of the protocol (2022 p.23)."""
    if outcome not in DeregistrationCase.Outcome.values:
        raise ValueError(f"Unknown outcome {outcome!r}")
    with transaction.atomic():
        case = DeregistrationCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
        case.decide()
        case.outcome = outcome
        case.decided_on = decided_on
        case.save(update_fields=["status", "outcome", "decided_on"])
    return case


def attach_protocol(*, case: DeregistrationCase, protocol: Any) -> DeregistrationCase:
    """The protocol of the case's decision, once numbered (Annex 2 layout with the ground)."""
    DeregistrationCase.objects.filter(pk=case.pk, protocol__isnull=True).update(protocol=protocol)
    case.refresh_from_db(fields=["protocol"])
    return case


def give_effect_to_decision(
    *, case: DeregistrationCase, protocol: Any, on: datetime.date, actor: User | None
) -> DeregistrationCase:
    """The protocol is published (2022 p.23; DER-5): a decision to deregister deregisters the
    supplier with the protocol's number and date; a decision not to closes the case."""
    with transaction.atomic():
        case = DeregistrationCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if case.protocol_id is None:
            case.protocol = protocol
            case.save(update_fields=["protocol"])
        if case.outcome == DeregistrationCase.Outcome.DEREGISTER:
            return deregister_supplier(case=case, on=on, protocol_label=protocol.label, actor=actor)
        case.dismiss()
        case.protocol_label = protocol.label
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "protocol_label", "closed_at"])
        event = record(
            actor=actor,
            action="deregistration_case.dismissed",
            obj=case,
            after={"protocol": protocol.label, "outcome": case.outcome},
            basis=case.ground_rule.clause,
        )
        notify_supplier(case=case, template=KEPT_EMAIL, event_key=f"audit:{event.pk}")
    return case
