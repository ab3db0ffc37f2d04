"""Reads of deregistration for the workspace: the weekly check of the procurement register
(2020 p.17; E20-7) and what the sync says for it."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.apps import apps
from django.http import Http404
from django.utils import timezone

from deregistration.models import DeregistrationCase, ProcurementRegisterCheck
from egov_gateway.models import StateListing, SyncRun
from portal.calendar import ALMATY
from registers.models import RegisterEntry

PROCUREMENT_GROUND = "procurement_register"
RNU = "rnu"


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the week of ``day``."""
    return day - datetime.timedelta(days=day.weekday())


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), ALMATY)


@dataclasses.dataclass(frozen=True)
class ListedSupplier:
    supplier: Any
    listing: StateListing
    case: DeregistrationCase | None


@dataclasses.dataclass(frozen=True)
class CheckFindings:
    """What the sync says for one check: its latest successful run of the register this week
    (None when there is none: no data is not "not listed", SYNC-3) and the region's registered
    suppliers it lists, each with its case on the ground."""

    run: SyncRun | None
    failed_runs: int
    listed: list[ListedSupplier]


def latest_register_run(*, since: datetime.date) -> SyncRun | None:
    start = _start_of(since)
    return (
        SyncRun.objects.filter(
            source=RNU,
            status=SyncRun.Status.SUCCEEDED,
            dry_run=False,
            finished_at__gte=start,
        )
        .order_by("-finished_at")
        .first()
    )


def check_findings(*, check: ProcurementRegisterCheck) -> CheckFindings:
    """The sync's data for the check (2020 p.17), read now."""
    run = latest_register_run(since=check.week_of)
    start = _start_of(check.week_of)
    failed = SyncRun.objects.filter(
        source=RNU, status=SyncRun.Status.FAILED, started_at__gte=start
    ).count()
    listed: list[ListedSupplier] = []
    if run is not None:
        Supplier = apps.get_model("suppliers", "Supplier")  # noqa: N806
        registered = RegisterEntry.objects.filter(
            region_id=check.region_id, deregistered_on__isnull=True
        ).values("supplier_id")
        suppliers = {
            s.identifier: s
            for s in Supplier.objects.filter(pk__in=registered).order_by("name", "pk")
        }
        listings = StateListing.objects.filter(
            source=RNU, identifier__in=list(suppliers), removed_run__isnull=True
        ).order_by("identifier")
        for listing in listings:
            supplier = suppliers[listing.identifier]
            case = (
                DeregistrationCase.objects.filter(supplier=supplier, ground=PROCUREMENT_GROUND)
                .order_by("-opened_at", "-pk")
                .first()
            )
            listed.append(ListedSupplier(supplier=supplier, listing=listing, case=case))
    return CheckFindings(run=run, failed_runs=failed, listed=listed)


def checks_for(*, regions: list[int]) -> list[ProcurementRegisterCheck]:
    """The checks of these regions still due, and the latest done one of each."""
    return list(
        ProcurementRegisterCheck.objects.filter(region_id__in=regions)
        .select_related("region")
        .order_by("status", "-week_of")[:10]
    )


def check_for(*, regions: list[int], pk: int) -> ProcurementRegisterCheck:
    """One check of the user's regions; 404 outside them."""
    check = (
        ProcurementRegisterCheck.objects.filter(region_id__in=regions, pk=pk)
        .select_related("region", "sync_run", "checked_by")
        .first()
    )
    if check is None:
        raise Http404
    return check
