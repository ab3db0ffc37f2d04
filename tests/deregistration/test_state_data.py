"""DER-2, SYNC-2, SYNC-3, E20-6: deregistration from the state data of the weekly sync.

Through the sync itself: the goszakup OWS v3 on loopback (procurement register) and the sandbox
files (legal entities, entrepreneurs); the sync's commit sends one task per change event
(Celery eager in tests), the beat job is the safety net, the mass-removal guard holds a run
for an operator.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from deregistration.models import DeregistrationCase, StateEventOutcome, SyncRunReview
from deregistration.services.state_data import (
    HeldRunRefused,
    act_on_state_event,
    confirm_held_run,
    reject_held_run,
    review_sync_run,
)
from deregistration.tasks import act_on_pending_state_events
from deregistration.tasks import act_on_state_event as act_on_state_event_task
from egov_gateway.models import StateChangeEvent, SyncRun
from egov_gateway.services import watch
from egov_gateway.sync import sync_source
from portal.audit.models import AuditEvent
from portal.deadlines import today
from portal.models import Role
from registers.models import RegisterEntry
from tests.deregistration.helpers import registered_supplier
from tests.egov_gateway.servers import rnu_item
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.helpers.people import make_user

pytestmark = pytest.mark.django_db

LE = "legal_entity"
LISTED_A, LISTED_B, UNLISTED, OTHER = "090440023188", "151140077023", "170740318604", "120340016615"
ENTREPRENEUR = "850111418247"
ADMITTED = today().replace(day=1, month=1)
Outcome = StateEventOutcome.Outcome


def registered(identifier: str, *, kind: str = LE, edition_code: str = "2022"):
    """A registered supplier with this BIN/IIN, watched by the sync as registration leaves it."""
    application = registered_supplier(
        edition_code=edition_code,
        admitted_on=ADMITTED,
        supplier__identifier=identifier,
        supplier__kind=kind,
    )
    watch(identifier=identifier, kind=kind)
    return application.supplier


def open_entries(supplier) -> int:
    return RegisterEntry.objects.filter(supplier=supplier, deregistered_on__isnull=True).count()


def listed(*bins: str) -> list[dict]:
    return [rnu_item(b, pid=n + 1) for n, b in enumerate(bins)]


@pytest.fixture
def rnu(ows_server):
    return ows_server


def sync(source: str, capture, **kwargs) -> SyncRun:
    """One sync run, its commit callbacks (the tasks) executed as after a real commit."""
    with capture(execute=True):
        return sync_source(source=source, **kwargs)


@pytest.mark.req("DER-2", "SYNC-2")
def test_a_supplier_listed_in_the_procurement_register_is_deregistered_by_the_sync_run(
    rnu, django_capture_on_commit_callbacks, mailoutbox
):
    supplier = registered(LISTED_A)
    untouched = registered(UNLISTED)
    assert open_entries(supplier)
    rnu.items = listed(LISTED_A, OTHER)

    run = sync("rnu", django_capture_on_commit_callbacks)

    assert run.status == SyncRun.Status.SUCCEEDED
    case = DeregistrationCase.objects.get(supplier=supplier)
    assert case.status == DeregistrationCase.Status.DEREGISTERED
    assert case.ground == "procurement_register" and case.ground_rule.number == 3
    assert case.source == DeregistrationCase.Source.STATE_DATA and case.opened_by is None
    assert case.state_source == "rnu" and case.sync_run == run
    event = StateChangeEvent.objects.get(identifier=LISTED_A)
    assert case.raw_record == event.payload and case.raw_record[0]["supplier_biin"] == LISTED_A
    assert case.deregistered_on == today() == case.opened_on
    assert case.decision_deadline.clause == "2022 p.20"  # within one working day of the data
    assert case.deregistered_on <= case.decision_deadline.day
    assert open_entries(supplier) == 0
    entry = RegisterEntry.objects.filter(supplier=supplier).first()
    assert entry.deregistration_ground == "procurement_register"
    assert entry.deregistration_protocol == f"2022 p.20: rnu № {run.pk} ({today():%d.%m.%Y})"
    assert open_entries(untouched)  # not listed: stays registered
    outcome = StateEventOutcome.objects.get(event=event)
    assert outcome.outcome == Outcome.DEREGISTERED and outcome.case == case
    event.refresh_from_db()
    assert event.processed
    assert AuditEvent.objects.filter(
        action="supplier.deregistered", object_id=str(case.pk)
    ).exists()
    assert SyncRunReview.objects.get(run=run).status == SyncRunReview.Status.PROCEEDING


@pytest.mark.req("DER-2", "SYNC-2")
def test_liquidation_and_end_of_entrepreneurship_deregister_on_ground_2(
    sandbox, django_capture_on_commit_callbacks
):
    entity = registered(LISTED_A)
    entrepreneur = registered(ENTREPRENEUR, kind="individual_entrepreneur")
    gbd_ul = json.loads((sandbox / "gbd_ul.json").read_text())
    gbd_ul["records"][LISTED_A]["liquidated_on"] = "2026-11-01"
    (sandbox / "gbd_ul.json").write_text(json.dumps(gbd_ul, ensure_ascii=False))
    ip = json.loads((sandbox / "entrepreneurs.json").read_text())
    ip["records"][ENTREPRENEUR]["ended_on"] = "2026-10-15"
    (sandbox / "entrepreneurs.json").write_text(json.dumps(ip, ensure_ascii=False))

    sync("gbd_ul", django_capture_on_commit_callbacks)
    sync("entrepreneurs", django_capture_on_commit_callbacks)

    for supplier, source in ((entity, "gbd_ul"), (entrepreneur, "entrepreneurs")):
        case = DeregistrationCase.objects.get(supplier=supplier)
        assert (case.ground, case.state_source, case.status) == (
            "death_or_termination",
            source,
            DeregistrationCase.Status.DEREGISTERED,
        )
        assert open_entries(supplier) == 0


@pytest.mark.req("SYNC-3", "DER-2")
def test_a_failed_sync_run_deregisters_no_one(rnu, django_capture_on_commit_callbacks):
    supplier = registered(LISTED_A)
    rnu.items = listed(LISTED_A, OTHER)
    rnu.script = ["500", "500", "500"]

    run = sync("rnu", django_capture_on_commit_callbacks)

    assert run.status == SyncRun.Status.FAILED
    assert not DeregistrationCase.objects.exists()
    assert open_entries(supplier)
    act_on_pending_state_events.delay()  # the safety net finds nothing either
    assert not DeregistrationCase.objects.exists()


@pytest.mark.req("SYNC-3")
def test_an_event_of_a_run_that_did_not_succeed_is_never_acted_on():
    supplier = registered(LISTED_A)
    for status, dry_run in ((SyncRun.Status.FAILED, False), (SyncRun.Status.SUCCEEDED, True)):
        run = SyncRun.objects.create(source="rnu", status=status, dry_run=dry_run)
        event = StateChangeEvent.objects.create(
            kind=StateChangeEvent.Kind.LISTED_IN_RNU,
            source="rnu",
            identifier=LISTED_A,
            run=run,
            listing_started_run=run,
            payload=[{"supplier_biin": LISTED_A}],
        )
        assert act_on_state_event(event=event) is None
    assert act_on_pending_state_events.delay().get() == 0
    assert not DeregistrationCase.objects.exists() and not StateEventOutcome.objects.exists()
    assert open_entries(supplier)


@pytest.mark.req("SYNC-2", "DER-2")
def test_a_second_identical_run_and_repeated_tasks_change_nothing(
    rnu, django_capture_on_commit_callbacks, mailoutbox
):
    supplier = registered(LISTED_A)
    rnu.items = listed(LISTED_A, OTHER)
    sync("rnu", django_capture_on_commit_callbacks)
    case = DeregistrationCase.objects.get()
    entries = list(RegisterEntry.objects.order_by("pk").values())
    audit_events = AuditEvent.objects.count()

    second = sync("rnu", django_capture_on_commit_callbacks)
    event = StateChangeEvent.objects.get()
    act_on_state_event_task.delay(event.pk)  # the same task delivered twice
    act_on_pending_state_events.delay()

    assert second.status == SyncRun.Status.SUCCEEDED and second.counts["events"] == 0
    assert list(DeregistrationCase.objects.values_list("pk", flat=True)) == [case.pk]
    assert list(RegisterEntry.objects.order_by("pk").values()) == entries
    assert StateEventOutcome.objects.count() == 1
    # Only the second run's own audit event was added; one e-mail to the supplier in all.
    assert AuditEvent.objects.count() == audit_events + 1
    assert len(mailoutbox) == 1
    assert open_entries(supplier) == 0


@pytest.mark.req("DER-2")
def test_the_safety_net_acts_on_events_no_task_handled(rnu, settings):
    supplier = registered(LISTED_A)
    rnu.items = listed(LISTED_A)
    sync_source(source="rnu")  # committed callbacks never ran: no task was sent

    assert act_on_pending_state_events.delay().get() == 0  # within the grace period: left alone
    settings.AUTO_DEREGISTRATION_GRACE_SECONDS = 0
    assert act_on_pending_state_events.delay().get() == 1

    assert DeregistrationCase.objects.get(supplier=supplier).status == "deregistered"
    assert open_entries(supplier) == 0
    assert act_on_pending_state_events.delay().get() == 0


@pytest.mark.req("DER-2", "SYNC-3")
def test_the_mass_removal_guard_holds_a_run_until_an_operator_confirms(
    rnu, settings, django_capture_on_commit_callbacks
):
    settings.AUTO_DEREGISTRATION_GUARD_MIN = 3
    settings.AUTO_DEREGISTRATION_MAX_SHARE = "0.5"
    listed_suppliers = [registered(LISTED_A), registered(LISTED_B)]
    registered(UNLISTED)
    rnu.items = listed(LISTED_A, LISTED_B, OTHER)

    run = sync("rnu", django_capture_on_commit_callbacks)

    review = SyncRunReview.objects.get(run=run)
    assert review.status == SyncRunReview.Status.HELD
    assert review.shares == {"technical_aids": {"removing": 2, "registered": 3}}
    cases = DeregistrationCase.objects.filter(sync_run=run).order_by("pk")
    assert [c.status for c in cases] == [DeregistrationCase.Status.HELD] * 2
    assert all(open_entries(s) for s in listed_suppliers)  # nobody deregistered yet
    assert AuditEvent.objects.filter(
        action="deregistration.mass_removal_held", object_id=str(review.pk)
    ).exists()
    settings.AUTO_DEREGISTRATION_GRACE_SECONDS = 0
    act_on_pending_state_events.delay()  # the safety net does not release it either
    assert all(open_entries(s) for s in listed_suppliers)

    operator = UserFactory()
    done = confirm_held_run(review=review, operator=operator)

    assert [c.status for c in done] == [DeregistrationCase.Status.DEREGISTERED] * 2
    assert not any(open_entries(s) for s in listed_suppliers)
    assert SyncRunReview.objects.get(pk=review.pk).status == SyncRunReview.Status.CONFIRMED
    confirmed = AuditEvent.objects.get(action="deregistration.mass_removal_confirmed")
    assert confirmed.actor_id == operator.pk
    assert set(StateEventOutcome.objects.values_list("outcome", flat=True)) == {
        Outcome.DEREGISTERED
    }
    with pytest.raises(HeldRunRefused):
        confirm_held_run(review=review, operator=operator)


@pytest.mark.req("DER-2", "SYNC-3")
def test_every_operator_is_told_by_e_mail_that_a_run_is_held(
    rnu, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.AUTO_DEREGISTRATION_GUARD_MIN = 3
    settings.AUTO_DEREGISTRATION_MAX_SHARE = "0.625"
    kazakh = make_user(role=Role.OPERATOR, email="ops-kk@portal.kz", language="kk")
    russian = make_user(role=Role.OPERATOR, email="ops-ru@portal.kz", language="ru")
    make_user(role=Role.OPERATOR, email="gone@portal.kz", is_active=False)
    make_user(role=Role.RECIPIENT, email="recipient@example.kz")
    for identifier in (LISTED_A, LISTED_B, UNLISTED):
        registered(identifier)
    rnu.items = listed(LISTED_A, LISTED_B, OTHER)

    run = sync("rnu", django_capture_on_commit_callbacks)
    review_sync_run(run=run)  # asked again (by every event's task): no second e-mail

    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_address) == {kazakh.email, russian.email}
    text = by_address[russian.email].subject + by_address[russian.email].body
    assert f"запуску синхронизации {run.pk} (rnu)" in text
    assert "более 62,5 % поставщиков" in text and "2 из 3 поставщиков" in text
    assert f"held_deregistrations --confirm {run.pk}" in text
    assert "приостановлены до вашего решения" in by_address[russian.email].subject
    kazakh_text = by_address[kazakh.email].body
    assert "тоқтатылады" in kazakh_text and "3 жеткізушінің 2" in kazakh_text


@pytest.mark.req("DER-2", "SYNC-3")
def test_an_operator_may_reject_the_data_of_a_held_run(
    rnu, settings, django_capture_on_commit_callbacks
):
    settings.AUTO_DEREGISTRATION_GUARD_MIN = 2
    settings.AUTO_DEREGISTRATION_MAX_SHARE = "0.4"
    supplier = registered(LISTED_A)
    registered(UNLISTED)
    rnu.items = listed(LISTED_A)
    run = sync("rnu", django_capture_on_commit_callbacks)
    review = SyncRunReview.objects.get(run=run)
    operator = UserFactory()

    with pytest.raises(HeldRunRefused):
        reject_held_run(review=review, operator=operator, reason=" ")
    dismissed = reject_held_run(review=review, operator=operator, reason="broken answer")

    assert [c.status for c in dismissed] == [DeregistrationCase.Status.DISMISSED]
    assert open_entries(supplier)
    assert AuditEvent.objects.filter(action="deregistration.mass_removal_rejected").exists()
    assert StateEventOutcome.objects.get().outcome == Outcome.DISMISSED


@pytest.mark.req("E20-6", "DER-2")
def test_under_edition_2020_the_same_event_opens_a_case_for_the_commission(
    rnu, settings, django_capture_on_commit_callbacks
):
    settings.RULES_EDITION = "2020"
    supplier = registered(LISTED_A, edition_code="2020")
    rnu.items = listed(LISTED_A)

    run = sync("rnu", django_capture_on_commit_callbacks)

    case = DeregistrationCase.objects.get(supplier=supplier)
    assert case.edition_code == "2020"
    assert case.status == DeregistrationCase.Status.OPEN  # for the commission's agenda, p.19
    assert case.ground == "procurement_register" and case.ground_rule.clause.startswith("2020")
    assert case.sync_run == run and case.state_source == "rnu" and case.raw_record
    assert open_entries(supplier)  # no automatic deregistration in 2020
    assert StateEventOutcome.objects.get().outcome == Outcome.FOR_COMMISSION
    assert SyncRunReview.objects.get(run=run).shares == {}


@pytest.mark.req("E20-6")
def test_under_edition_2020_a_samruk_listing_is_no_ground(settings):
    settings.RULES_EDITION = "2020"
    supplier = registered(LISTED_A, edition_code="2020")
    run = SyncRun.objects.create(source="samruk", status=SyncRun.Status.SUCCEEDED)
    event = StateChangeEvent.objects.create(
        kind=StateChangeEvent.Kind.LISTED_BY_SAMRUK,
        source="samruk",
        identifier=LISTED_A,
        run=run,
        listing_started_run=run,
        payload=[{"bin": LISTED_A}],
    )

    outcome = act_on_state_event(event=event)

    assert outcome.outcome == Outcome.NO_GROUND and outcome.case is None
    assert not DeregistrationCase.objects.exists()
    assert open_entries(supplier)


@pytest.mark.req("DER-2")
def test_an_operator_decides_on_a_held_run_with_the_command(
    rnu, settings, django_capture_on_commit_callbacks
):
    settings.AUTO_DEREGISTRATION_GUARD_MIN = 2
    settings.AUTO_DEREGISTRATION_MAX_SHARE = "0.4"
    supplier = registered(LISTED_A)
    registered(UNLISTED)
    rnu.items = listed(LISTED_A)
    run = sync("rnu", django_capture_on_commit_callbacks)
    operator = UserFactory()

    with pytest.raises(CommandError):
        call_command("held_deregistrations", "--confirm", str(run.pk), "--operator", "0")
    call_command("held_deregistrations", "--confirm", str(run.pk), "--operator", operator.iin)

    assert open_entries(supplier) == 0
    assert SyncRunReview.objects.get(run=run).decided_by == operator


@pytest.mark.req("SYNC-3")
def test_a_run_that_fails_on_a_later_page_deregisters_no_one(
    rnu, django_capture_on_commit_callbacks
):
    suppliers = [registered(LISTED_A), registered(LISTED_B)]
    rnu.items = listed(LISTED_A, OTHER, LISTED_B, UNLISTED)  # two pages of two
    rnu.script = ["ok", "malformed"]

    run = sync("rnu", django_capture_on_commit_callbacks)

    assert run.status == SyncRun.Status.FAILED and run.counts["fetched"] == 2
    assert not DeregistrationCase.objects.exists()
    assert all(open_entries(s) for s in suppliers)


@pytest.mark.req("DER-2")
def test_an_operator_confirms_a_held_run_in_the_admin(
    rnu, settings, client, django_capture_on_commit_callbacks
):
    settings.AUTO_DEREGISTRATION_GUARD_MIN = 2
    settings.AUTO_DEREGISTRATION_MAX_SHARE = "0.4"
    supplier = registered(LISTED_A)
    registered(UNLISTED)
    rnu.items = listed(LISTED_A)
    run = sync("rnu", django_capture_on_commit_callbacks)
    review = SyncRunReview.objects.get(run=run)
    operator = UserFactory(is_staff=True, is_superuser=True)
    RoleAssignmentFactory(user=operator, role=Role.OPERATOR)
    client.force_login(operator)
    changelist = reverse("admin:deregistration_syncrunreview_changelist")

    assert client.get(changelist).status_code == 200
    response = client.post(
        changelist, {"action": "confirm_held", "_selected_action": [review.pk]}, follow=True
    )

    assert response.status_code == 200
    assert open_entries(supplier) == 0
    assert SyncRunReview.objects.get(pk=review.pk).decided_by == operator
    assert AuditEvent.objects.filter(
        action="deregistration.mass_removal_confirmed", actor_id=operator.pk
    ).exists()


@pytest.mark.req("DER-2", "SYNC-2")
def test_a_supplier_on_a_samruk_kazyna_list_is_deregistered_on_ground_4(
    sandbox, django_capture_on_commit_callbacks
):
    on_both_lists = registered("190540996036")  # in both sandbox files of the fund
    excluded = registered("140240082465")  # excluded from the list in 2025: not listed

    run = sync("samruk", django_capture_on_commit_callbacks)

    assert run.status == SyncRun.Status.SUCCEEDED
    case = DeregistrationCase.objects.get(supplier=on_both_lists)
    assert (case.ground, case.ground_rule.number, case.state_source) == (
        "quasi_public_procurement_register",
        4,
        "samruk",
    )
    assert case.status == DeregistrationCase.Status.DEREGISTERED
    assert {entry["list"] for entry in case.raw_record} == {
        "unreliable_suppliers",
        "unscrupulous_register",
    }
    assert open_entries(on_both_lists) == 0
    assert open_entries(excluded) and not DeregistrationCase.objects.filter(supplier=excluded)
