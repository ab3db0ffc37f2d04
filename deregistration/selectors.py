"""Reads of deregistration cases that are more than one line: which commission decides a case,
the cases awaiting a commission, a supplier's cases."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from deregistration.models import DeregistrationCase

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
