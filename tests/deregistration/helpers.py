"""Registered suppliers for the deregistration tests: an approved application and its register
entries, as the commission's publication leaves them (REG-1)."""

from __future__ import annotations

import datetime

from portal.editions import edition_by_code
from registers.models import RegisterEntry
from suppliers.models import Application
from tests.suppliers.factories import ApplicationFactory


def registered_supplier(
    *,
    edition_code: str = "2022",
    admitted_on: datetime.date,
    offers: list[str] | None = None,
    email: str = "supplier@example.kz",
    language: str = "ru",
    **application_fields,
):
    """A supplier admitted on ``admitted_on``: its approved application and one open entry in
    every register of the edition that fits it. Returns the application."""
    extra = {"offers": offers} if offers else {}
    application = ApplicationFactory(
        edition_code=edition_code,
        status=Application.Status.APPROVED,
        decided_on=admitted_on,
        decision_protocol=f"№ 1/{admitted_on.year} ({admitted_on:%d.%m.%Y})",
        email=email,
        language=language,
        **extra,
        **application_fields,
    )
    supplier = application.supplier
    registers = edition_by_code(edition_code).registers_for(
        supplier_kind=supplier.kind, offers=application.offers
    )
    RegisterEntry.objects.bulk_create(
        RegisterEntry(
            supplier=supplier,
            register=register.code,
            edition_code=edition_code,
            region=application.region,
            application=application,
            admitted_on=admitted_on,
            admission_protocol=application.decision_protocol,
        )
        for register in registers
    )
    return application


def astana_supplier(*, admitted_on: datetime.date, **fields):
    """A supplier admitted by the Astana commission (``load_demo``'s) on ``admitted_on``."""
    from tests.factories import RegionFactory
    from tests.suppliers.factories import ASTANA_KATO

    return registered_supplier(
        admitted_on=admitted_on, region=RegionFactory(kato=ASTANA_KATO), **fields
    )


def meeting_on_cases(commission, cases, *, absent: int = 0):
    """An open meeting of ``commission`` today with ``cases`` on its agenda, every member but
    ``absent`` of them present."""
    from commission import selectors, services
    from tests.commission.helpers import chair

    composition = commission.compositions.get()
    meeting = services.schedule_meeting(
        commission=commission,
        secretary=composition.secretary,
        held_on=composition.effective_from,
        applications=[],
        cases=cases,
    )
    members = selectors.members_of(composition)
    services.record_attendance(
        meeting=meeting, secretary=composition.secretary, present=members[: len(members) - absent]
    )
    return services.open_meeting(meeting=meeting, by=chair(commission))


def deregistered(application, *, ground: str, on: datetime.date, state_source: str = ""):
    """The supplier of ``application`` deregistered on ``on`` on ``ground`` through the one
    effect service; a ground the commission decides is first decided as its services do."""
    from deregistration.models import DeregistrationCase
    from deregistration.services import deregister_supplier, open_case

    case = open_case(
        supplier=application.supplier,
        ground=ground,
        source=DeregistrationCase.Source.STATE_DATA
        if state_source
        else DeregistrationCase.Source.COMMISSION,
        state_source=state_source,
        on=on,
    )
    if not case.ground_rule.automatic:
        DeregistrationCase.objects.filter(pk=case.pk).update(
            status=DeregistrationCase.Status.DECIDED,
            outcome=DeregistrationCase.Outcome.DEREGISTER,
            decided_on=on,
        )
    return deregister_supplier(case=case, on=on, protocol_label=f"№ 9/{on.year}")
