"""The secretary's weekly check of the procurement register (edition 2020 p.17; E20-7), fed by
the weekly state-data sync (SYNC-2)."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deregistration.check_selectors import PROCUREMENT_GROUND, check_findings, week_of
from deregistration.models import ProcurementRegisterCheck
from deregistration.services.cases import DeregistrationRefused
from portal import deadlines
from portal.audit.services import record
from portal.editions import Edition, edition_by_code, edition_for
from portal.models import User


class CheckRefused(DeregistrationRefused):
    code = "procurement_check_refused"


def checks_weekly(edition: Edition) -> bool:
    """Whether the secretary checks the procurement register by hand under ``edition``: its
    procurement-register ground exists and is decided by the commission (2020 p.17, p.19)."""
    try:
        rule = edition.ground_by_code(PROCUREMENT_GROUND)
    except KeyError:
        return False
    return not rule.automatic


def open_procurement_register_checks(
    *, on: datetime.date | None = None
) -> list[ProcurementRegisterCheck]:
    """This week's check for every region that has a commission, under an edition where the
    secretary checks the register weekly (2020 p.17; E20-7); none under edition 2022, where the
    sync deregisters automatically (p.20). Idempotent: a week's check is opened once."""
    day = on or deadlines.today()
    edition = edition_for(day)
    if not checks_weekly(edition):
        return []
    Commission = apps.get_model("commission", "Commission")  # noqa: N806
    opened = []
    for region_id in Commission.objects.order_by("region_id").values_list("region_id", flat=True):
        with transaction.atomic():
            check, created = ProcurementRegisterCheck.objects.get_or_create(
                region_id=region_id,
                week_of=week_of(day),
                defaults={"edition_code": edition.code},
            )
            if created:
                record(
                    actor=None,
                    action="procurement_check.opened",
                    obj=check,
                    after={"region": region_id, "week_of": check.week_of},
                    basis=edition.clause_for("state_data_refresh_days"),
                )
                opened.append(check)
    return opened


def complete_procurement_register_check(
    *, check: ProcurementRegisterCheck, secretary: User
) -> ProcurementRegisterCheck:
    """The secretary records this week's check of the procurement register as done (2020 p.17;
    E20-7), on the data of the latest successful sync of the register this week, which is kept
    with the check. Refused while no successful sync of this week is there (SYNC-3)."""
    findings = check_findings(check=check)
    if findings.run is None:
        raise CheckRefused(
            _(
                "The register of unscrupulous participants has not been received successfully "
                "this week. The check can be recorded once a sync of it succeeds."
            )
        )
    with transaction.atomic(durable=True):
        check = ProcurementRegisterCheck.objects.select_for_update().get(pk=check.pk)
        if check.status != ProcurementRegisterCheck.Status.DUE:
            raise CheckRefused(_("This week's check has been recorded already."))
        check.complete()
        check.sync_run = findings.run
        check.findings = [
            {
                "supplier": row.supplier.pk,
                "identifier": row.supplier.identifier,
                "case": row.case.pk if row.case else None,
            }
            for row in findings.listed
        ]
        check.checked_by = secretary
        check.checked_at = timezone.now()
        check.save(update_fields=["status", "sync_run", "findings", "checked_by", "checked_at"])
        record(
            actor=secretary,
            action="procurement_check.done",
            obj=check,
            after={"sync_run": findings.run.pk, "findings": check.findings},
            basis=edition_by_code(check.edition_code).clause_for("state_data_refresh_days"),
        )
    return check
