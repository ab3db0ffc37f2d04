"""Reads of deregistration cases that are more than one line: which commission decides a case,
the cases awaiting a commission, a supplier's cases."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from deregistration.models import DeregistrationCase
from portal.deadlines import today

# The states in which a case waits for the commission (in its inbox or on an agenda).
AWAITING_COMMISSION = (DeregistrationCase.Status.OPEN, DeregistrationCase.Status.UNDER_REVIEW)


def region_of_case(case: DeregistrationCase) -> Any:
    """The region whose commission decides the case: the one that admitted the supplier (its
    open register entries'), else the region of its registration (2022 p.10)."""
    RegisterEntry = apps.get_model("registers", "RegisterEntry")  # noqa: N806
    entry = (
        RegisterEntry.objects.filter(supplier_id=case.supplier_id)
        .select_related("region")
        .order_by("deregistered_on", "-admitted_on", "-pk")
        .first()
    )
    if entry is not None:
        return entry.region
    return case.supplier.region


def is_decided_by_commission(case: DeregistrationCase) -> bool:
    """Whether the commission decides the case: every ground but the automatic ones of its
    edition (2022 p.20-22; 2020 p.19: the commission decides on every ground)."""
    return not case.ground_rule.automatic


def cases_awaiting_commission(*, region_ids: Iterable[int]) -> list[DeregistrationCase]:
    """The cases a commission of ``region_ids`` has to decide, the earliest deadline first
    (CAL-2), with the day the supplier was admitted there."""
    ids = list(region_ids)
    candidates = (
        DeregistrationCase.objects.filter(status__in=AWAITING_COMMISSION)
        .filter(Q(supplier__register_entries__region_id__in=ids) | Q(supplier__region_id__in=ids))
        .select_related("supplier", "supplier__region")
        .distinct()
        .order_by("decision_due", "opened_at", "pk")
    )
    return [
        case
        for case in candidates
        if is_decided_by_commission(case) and region_of_case(case).pk in ids
    ]


def cases_of_supplier(*, supplier_id: int) -> QuerySet[DeregistrationCase]:
    """Every case of a supplier, the latest first."""
    return DeregistrationCase.objects.filter(supplier_id=supplier_id).select_related("protocol")


def is_registered(*, supplier_id: int) -> bool:
    """Whether the supplier stands in at least one active register today."""
    RegisterEntry = apps.get_model("registers", "RegisterEntry")  # noqa: N806
    return RegisterEntry.objects.filter(
        supplier_id=supplier_id, deregistered_on__isnull=True
    ).exists()


def own_application_refusal(*, supplier_id: int) -> str:
    """Why the supplier may not apply for its deregistration now, in words; empty when it may
    (2022 p.19(1); 2020 p.15(1)): it must be registered, and have no own application with the
    commission already."""
    if not is_registered(supplier_id=supplier_id):
        return str(_("You are not registered on the portal, so there is nothing to deregister."))
    going = DeregistrationCase.objects.filter(
        supplier_id=supplier_id,
        ground="own_application",
        status__in=DeregistrationCase.ACTIVE_STATES,
    ).first()
    if going is not None:
        return str(
            _(
                "Your application for deregistration of %(date)s is with the commission. You "
                "can follow it on its page."
            )
            % {"date": f"{going.opened_on:%d.%m.%Y}"}
        )
    return ""


def own_applications_of(*, supplier_id: int) -> QuerySet[Any]:
    """The supplier's signed applications for deregistration with their cases, latest first."""
    DeregistrationApplication = apps.get_model(  # noqa: N806
        "deregistration", "DeregistrationApplication"
    )
    return DeregistrationApplication.objects.filter(
        supplier_id=supplier_id, signature__isnull=False
    ).select_related("case", "case__protocol")


def obligations_surviving(*, case: DeregistrationCase) -> list[DeregistrationCase]:
    """What the supplier still owes after ``case`` deregistered it (2022 p.23; DER-6): on the
    grounds that do not release it (2022: 1, 3 and 4), every other case against it that was open
    on the day of deregistration — a complaint's case above all — stays visible and is handled
    to its end; none on the other grounds, nor under edition 2020 (it has no such rule)."""
    if case.deregistered_on is None or not case.ground_rule.obligations_survive:
        return []
    day = case.deregistered_on
    others = (
        DeregistrationCase.objects.filter(supplier_id=case.supplier_id, opened_on__lte=day)
        .exclude(pk=case.pk)
        .select_related("protocol")
        .order_by("opened_on", "pk")
    )
    return [
        other
        for other in others
        if other.is_active or (other.closed_at is not None and other.closed_at.date() >= day)
    ]


def open_cases_against(*, supplier_id: int) -> list[DeregistrationCase]:
    """The cases still going against the supplier, registered or not (DER-6: shown in the
    cabinet with their deadlines until they end)."""
    return list(
        DeregistrationCase.objects.filter(
            supplier_id=supplier_id, status__in=DeregistrationCase.ACTIVE_STATES
        )
        .exclude(ground="own_application")
        .order_by("decision_due", "opened_at", "pk")
    )


def overdue_cases(*, on: datetime.date | None = None) -> QuerySet[DeregistrationCase]:
    """Cases past their decision deadline on ``on`` (default today) whose protocol is not yet
    signed — the deadline covers the decision and the signing of its protocol (2022 p.22) — for
    the reports of missed deadlines (CAL-2), the longest overdue first. The publication that
    follows has its own deadline (``overdue_publications``)."""
    return (
        DeregistrationCase.objects.filter(
            status__in=DeregistrationCase.ACTIVE_STATES,
            decision_due__lt=on or today(),
            protocol__signed_at__isnull=True,
        )
        .select_related("supplier")
        .order_by("decision_due", "pk")
    )


def overdue_publications(*, on: datetime.date | None = None) -> QuerySet[Any]:
    """Signed protocols of deregistration decisions not published by their day (2022 p.23: one
    working day of the signing; DER-5, CAL-2), the longest overdue first."""
    Protocol = apps.get_model("commission", "Protocol")  # noqa: N806
    return Protocol.objects.filter(
        status="signed",
        publication_due__lt=on or today(),
        item__deregistration_case__isnull=False,
    ).order_by("publication_due", "pk")
