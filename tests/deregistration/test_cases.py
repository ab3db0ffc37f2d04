"""DER-1, DER-2, REG-3, E20-6: a deregistration case opened on a ground of the edition in force,
with its deadline from the edition, and its one effect: the supplier's register entries closed
with the day, the ground and the protocol, the supplier told why and when it may apply again."""

from __future__ import annotations

import datetime

import pytest

from deregistration.models import DeregistrationCase
from deregistration.services import DeregistrationRefused, deregister_supplier, open_case
from egov_gateway.models import SyncRun
from portal.audit.models import AuditEvent
from portal.calendar import add_working_days
from portal.editions import EDITION_2020, EDITION_2022
from portal.notifications.models import Notification
from registers.models import RegisterEntry
from tests.deregistration.helpers import registered_supplier

pytestmark = pytest.mark.django_db

DAY_2022 = datetime.date(2024, 3, 4)  # a Monday, edition 2022 in force
DAY_2020 = datetime.date(2021, 6, 1)  # edition 2020 in force


@pytest.mark.req("DER-1")
def test_the_2022_grounds_are_the_five_of_item_19_and_2020_the_four_of_item_15():
    assert [g.code for g in EDITION_2022.deregistration_grounds] == [
        "own_application",
        "death_or_termination",
        "procurement_register",
        "quasi_public_procurement_register",
        "non_performance",
    ]
    assert [g.number for g in EDITION_2020.deregistration_grounds] == [1, 2, 3, 4]
    assert EDITION_2020.ground_by_code("non_performance").number == 4
    assert not EDITION_2020.automatic_grounds


@pytest.mark.req("DER-1", "DER-4")
def test_a_case_on_the_own_application_is_due_within_two_working_days(settings):
    application = registered_supplier(admitted_on=datetime.date(2023, 5, 2))
    case = open_case(
        supplier=application.supplier,
        ground="own_application",
        source=DeregistrationCase.Source.SUPPLIER,
        on=DAY_2022,
    )
    assert case.edition_code == "2022"
    assert case.status == DeregistrationCase.Status.OPEN
    assert case.ground_rule.number == 1
    assert case.decision_deadline.day == add_working_days(DAY_2022, 2)
    assert case.decision_deadline.clause == "2022 p.22"
    assert AuditEvent.objects.filter(
        action="deregistration_case.opened", object_id=str(case.pk), basis="2022 p.19(1)"
    ).exists()


@pytest.mark.req("E20-6")
def test_under_edition_2020_the_own_application_has_no_deadline_and_the_ground_is_annex_2():
    application = registered_supplier(edition_code="2020", admitted_on=datetime.date(2020, 9, 1))
    case = open_case(
        supplier=application.supplier,
        ground="own_application",
        source=DeregistrationCase.Source.SUPPLIER,
        on=DAY_2020,
    )
    assert case.edition_code == "2020"
    assert case.decision_deadline is None
    assert "Annex 2" in str(case.ground_rule.text)
    with pytest.raises(DeregistrationRefused):
        open_case(
            supplier=application.supplier,
            ground="quasi_public_procurement_register",  # no Samruk ground in 2020
            source=DeregistrationCase.Source.STATE_DATA,
            on=DAY_2020,
        )


@pytest.mark.req("DER-2")
def test_a_second_opening_on_the_same_ground_returns_the_case_going():
    application = registered_supplier(admitted_on=datetime.date(2023, 5, 2))
    run = SyncRun.objects.create(source="rnu", status=SyncRun.Status.SUCCEEDED)
    first = open_case(
        supplier=application.supplier,
        ground="procurement_register",
        source=DeregistrationCase.Source.STATE_DATA,
        state_source="rnu",
        sync_run=run,
        raw_record={"bin": application.supplier.identifier},
        on=DAY_2022,
    )
    again = open_case(
        supplier=application.supplier,
        ground="procurement_register",
        source=DeregistrationCase.Source.STATE_DATA,
        sync_run=run,
        on=DAY_2022,
    )
    assert again.pk == first.pk
    assert DeregistrationCase.objects.count() == 1
    assert first.decision_deadline.day == add_working_days(DAY_2022, 1)
    assert first.decision_deadline.clause == "2022 p.20"


@pytest.mark.req("DER-2", "REG-3")
def test_an_automatic_ground_closes_every_open_entry_with_day_ground_and_act(mailoutbox):
    application = registered_supplier(admitted_on=datetime.date(2023, 5, 2))
    supplier = application.supplier
    assert RegisterEntry.objects.filter(supplier=supplier, deregistered_on__isnull=True).exists()
    run = SyncRun.objects.create(source="gbd_ul", status=SyncRun.Status.SUCCEEDED)
    case = open_case(
        supplier=supplier,
        ground="death_or_termination",
        source=DeregistrationCase.Source.STATE_DATA,
        state_source="gbd_ul",
        sync_run=run,
        raw_record={"status": "liquidated"},
        on=DAY_2022,
    )
    case = deregister_supplier(case=case, on=DAY_2022, protocol_label=f"sync run {run.pk}")

    assert case.status == DeregistrationCase.Status.DEREGISTERED
    assert case.deregistered_on == DAY_2022
    entries = RegisterEntry.objects.filter(supplier=supplier)
    assert entries.exists()
    for entry in entries:
        assert entry.deregistered_on == DAY_2022
        assert entry.deregistration_ground == "death_or_termination"
        assert entry.deregistration_protocol == f"sync run {run.pk}"
        assert not entry.is_active_on(DAY_2022)
        assert entry.is_active_on(DAY_2022 - datetime.timedelta(days=1))
    event = AuditEvent.objects.get(action="supplier.deregistered", object_id=str(case.pk))
    assert event.basis == "2022 p.19(2); 2022 p.20"
    notification = Notification.objects.get(event_key=f"audit:{event.pk}")
    assert notification.recipient == "supplier@example.kz"
    assert notification.language == "ru"
    assert "04.03.2024" in notification.body
    # Ground 2 restricts nothing (2022 p.24): the supplier may apply again at once.
    assert "в любое время" in notification.body  # written in Russian
    # Deregistering again changes nothing and sends nothing more.
    deregister_supplier(case=case, on=DAY_2022, protocol_label="other")
    assert RegisterEntry.objects.get(pk=entries.first().pk).deregistration_protocol == (
        f"sync run {run.pk}"
    )
    assert Notification.objects.filter(object_id=str(case.pk)).count() == 1


@pytest.mark.req("DER-1", "REG-3")
def test_a_ground_of_the_commission_is_not_deregistered_before_its_decision():
    application = registered_supplier(admitted_on=datetime.date(2023, 5, 2))
    case = open_case(
        supplier=application.supplier,
        ground="non_performance",
        source=DeregistrationCase.Source.COMPLAINT,
        on=DAY_2022,
    )
    with pytest.raises(DeregistrationRefused):
        deregister_supplier(case=case, on=DAY_2022, protocol_label="none")
    assert not RegisterEntry.objects.filter(deregistered_on__isnull=False).exists()
    assert DeregistrationCase.objects.get(pk=case.pk).status == DeregistrationCase.Status.OPEN


@pytest.mark.req("E20-6")
def test_under_edition_2020_no_ground_is_automatic():
    application = registered_supplier(edition_code="2020", admitted_on=datetime.date(2020, 9, 1))
    case = open_case(
        supplier=application.supplier,
        ground="procurement_register",
        source=DeregistrationCase.Source.STATE_DATA,
        on=DAY_2020,
    )
    with pytest.raises(DeregistrationRefused):
        deregister_supplier(case=case, on=DAY_2020, protocol_label="none")


@pytest.mark.req("REG-3")
def test_the_email_says_from_when_after_non_performance(settings):
    settings.LANGUAGE_CODE = "en"
    application = registered_supplier(admitted_on=datetime.date(2023, 5, 2), language="en")
    case = open_case(
        supplier=application.supplier,
        ground="non_performance",
        source=DeregistrationCase.Source.COMPLAINT,
        on=DAY_2022,
    )
    # The commission's decision, as its services will record it (issue 14, step 2).
    DeregistrationCase.objects.filter(pk=case.pk).update(
        status=DeregistrationCase.Status.DECIDED,
        outcome=DeregistrationCase.Outcome.DEREGISTER,
        decided_on=DAY_2022,
    )
    case = deregister_supplier(case=case, on=DAY_2022, protocol_label="№ 7/2024 (04.03.2024)")
    body = Notification.objects.get(object_id=str(case.pk)).body
    assert "from 04.03.2025" in body
    assert "№ 7/2024 (04.03.2024)" in body
    assert "2022 p.24" in body


@pytest.mark.req("DER-2")
def test_a_held_case_takes_effect_only_once_released_and_a_dismissed_one_never():
    from deregistration.services import dismiss_case, hold_case, release_case
    from tests.factories import UserFactory

    operator = UserFactory()
    first = registered_supplier(admitted_on=datetime.date(2023, 5, 2))
    case = open_case(
        supplier=first.supplier,
        ground="procurement_register",
        source=DeregistrationCase.Source.STATE_DATA,
        state_source="rnu",
        on=DAY_2022,
    )
    case = hold_case(case=case, reason="mass removal: 12% of a register")
    with pytest.raises(DeregistrationRefused):
        deregister_supplier(case=case, on=DAY_2022, protocol_label="sync")
    case = release_case(case=case, actor=operator)
    assert deregister_supplier(case=case, on=DAY_2022, protocol_label="sync").status == (
        DeregistrationCase.Status.DEREGISTERED
    )

    second = registered_supplier(admitted_on=datetime.date(2023, 5, 2))
    held = hold_case(
        case=open_case(
            supplier=second.supplier,
            ground="procurement_register",
            source=DeregistrationCase.Source.STATE_DATA,
            on=DAY_2022,
        ),
        reason="mass removal",
    )
    dismissed = dismiss_case(case=held, reason="the source's file was wrong", actor=operator)
    assert dismissed.status == DeregistrationCase.Status.DISMISSED
    assert RegisterEntry.objects.filter(
        supplier=second.supplier, deregistered_on__isnull=True
    ).exists()


@pytest.mark.req("CAL-2")
def test_a_case_past_its_deadline_is_reported_until_it_ends():
    from deregistration.selectors import overdue_cases

    application = registered_supplier(admitted_on=datetime.date(2023, 5, 2))
    case = open_case(
        supplier=application.supplier,
        ground="own_application",
        source=DeregistrationCase.Source.SUPPLIER,
        on=DAY_2022,
    )
    due = case.decision_due
    assert case not in overdue_cases(on=due)
    assert case in overdue_cases(on=due + datetime.timedelta(days=1))
    assert case.decision_deadline.is_overdue(on=due + datetime.timedelta(days=1))
