"""CAL-2 (with COM-3, COM-7, E20-4): every deadline of the commission's work is tracked per case
on the working-day calendar, shown to the people who must act, reminded of one working day
before, and reported to the operators when missed."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify

from commission import tasks
from commission.deadlines import Act, deadlines_due, deadlines_for, overdue_by_region
from commission.models import AgendaItem, Composition, Meeting, Protocol
from commission.services.reminders import send_deadline_reminders
from portal import deadlines
from portal.calendar import ALMATY
from portal.deadlines import Deadline
from portal.editions import edition_by_code
from portal.models import Region, Role, WorkingDayOverride
from portal.notifications.models import Notification
from suppliers import selectors as supplier_selectors
from suppliers.models import Application
from tests.commission.helpers import commission_of
from tests.factories import RegionFactory, RoleAssignmentFactory, UserFactory
from tests.suppliers.factories import ApplicationFactory, SupplierFactory

pytestmark = pytest.mark.django_db

D = datetime.date
ASTANA, ALMATY_CITY = "710000000", "750000000"
# Thursday; Nauryz 2025 is Friday 21 – Sunday 23 March, its days off carried to Monday 24 and
# Tuesday 25 March. The operators enter Saturday 29 March as a working day (a transfer).
ARRIVED = D(2025, 3, 20)
TRANSFER = D(2025, 3, 29)
DUE = D(2025, 3, 31)  # 26, 27, 28, 29 (the transfer) and 31 March: five working days


def region(kato: str = ASTANA) -> Region:
    return RegionFactory(kato=kato)


def composition_since(place: Region, day: datetime.date, *, languages=()) -> Composition:
    """A valid composition of seven members in force from ``day`` (the service forms it from
    today; history is moved back for the test), the members writing in ``languages``."""
    composition = commission_of(place)
    Composition.objects.filter(pk=composition.pk).update(effective_from=day, elected_on=day)
    for seat, language in zip(composition.seats.order_by("pk"), languages, strict=False):
        type(seat.member).objects.filter(pk=seat.member_id).update(language=language)
    return Composition.objects.get(pk=composition.pk)


def people_of(composition: Composition) -> list:
    return [*(seat.member for seat in composition.seats.all()), composition.secretary]


def arrived(
    day: datetime.date,
    *,
    place: Region,
    edition_code: str = "2022",
    status: str = Application.Status.SUBMITTED,
    **extra,
) -> Application:
    """An application that arrived on ``day``, its deadline set as the submission sets it."""
    edition = edition_by_code(edition_code)
    return ApplicationFactory(
        supplier=SupplierFactory(region=place),
        region=place,
        edition_code=edition_code,
        status=status,
        submitted_at=datetime.datetime.combine(day, datetime.time(11), tzinfo=ALMATY),
        review_due=supplier_selectors.review_deadline(edition=edition, arrived_on=day),
        **extra,
    )


def signed_protocol(composition: Composition, *, publication_due: datetime.date) -> Protocol:
    application = ApplicationFactory(
        supplier=SupplierFactory(region=composition.commission.region),
        region=composition.commission.region,
        status=Application.Status.UNDER_REVIEW,
    )
    meeting = Meeting.objects.create(
        commission=composition.commission,
        composition=composition,
        held_on=publication_due - datetime.timedelta(days=4),
        scheduled_by=composition.secretary,
    )
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        application=application,
        status=AgendaItem.Status.ADOPTED,
        proposal=AgendaItem.Proposal.ADMIT,
    )
    return Protocol.objects.create(
        commission=composition.commission,
        year=meeting.held_on.year,
        number=1,
        item=item,
        decision=AgendaItem.Proposal.ADMIT,
        formed_on=meeting.held_on,
        status=Protocol.Status.SIGNED,
        signed_at=datetime.datetime.combine(meeting.held_on, datetime.time(15), tzinfo=ALMATY),
        publication_due=publication_due,
    )


@pytest.fixture
def transfer():
    return WorkingDayOverride.objects.create(day=TRANSFER, is_working=True, basis="test decree")


@pytest.mark.req("CAL-2", "CAL-1", "COM-3")
def test_five_working_days_across_nauryz_and_a_transfer_day_are_shown_with_days_left(transfer):
    astana = region()
    application = arrived(ARRIVED, place=astana)
    assert application.review_deadline == Deadline(day=DUE, clause="2022 p.12")

    (due,) = deadlines_due(region=astana, on=D(2025, 3, 27))
    assert (due.act, due.application, due.day, due.clause) == (
        Act.CHECK,
        application,
        DUE,
        "2022 p.12",
    )
    assert due.days_left == 3  # 28 March, the transfer Saturday 29 March and 31 March
    assert not due.is_overdue
    (on_the_day,) = deadlines_due(region=astana, on=DUE)
    assert (on_the_day.days_left, on_the_day.is_overdue) == (0, False)
    (missed,) = deadlines_due(region=astana, on=D(2025, 4, 1))
    assert missed.is_overdue and missed.days_overdue == 1 and missed.days_left == -1
    assert deadlines_due(region=region(ALMATY_CITY), on=D(2025, 3, 27)) == []

    # Without the operators' transfer the five days end a day later.
    transfer.delete()
    assert supplier_selectors.review_deadline(edition=application.edition, arrived_on=ARRIVED) == D(
        2025, 4, 1
    )


@pytest.mark.req("CAL-2")
def test_members_and_the_secretary_see_their_regions_deadlines_only():
    astana, almaty = region(), region(ALMATY_CITY)
    composition = composition_since(astana, D(2025, 1, 9))
    ours = arrived(ARRIVED, place=astana)
    arrived(ARRIVED, place=almaty)

    for person in people_of(composition):
        assert [due.application for due in deadlines_for(user=person, on=ARRIVED)] == [ours]
    assert deadlines_for(user=UserFactory(), on=ARRIVED) == []


def test_the_working_days_left_are_read_in_one_go_however_many_applications_wait():
    astana = region()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            deadlines_due(region=astana, on=D(2025, 3, 27))
        return len(captured)

    arrived(ARRIVED, place=astana)
    one = queries()
    for _ in range(5):
        arrived(ARRIVED, place=astana)
    assert queries() == one


@pytest.mark.req("CAL-2", "E20-4")
def test_edition_2020_has_the_secretarys_acceptance_the_check_and_the_decision():
    astana = region()
    waiting = arrived(ARRIVED, place=astana, edition_code="2020")
    found = [(due.act, due.day, due.clause) for due in deadlines_due(on=D(2025, 3, 21))]
    assert found == [
        (Act.ACCEPTANCE, D(2025, 3, 26), "2020 p.13"),  # 1 working day, after Nauryz
        (Act.CHECK, D(2025, 4, 1), "2020 p.13"),  # 5 working days of arrival
        (Act.DECISION, D(2025, 4, 3), "2020 p.13; 2020 p.14"),  # and 2 more
    ]
    assert waiting.review_due == D(2025, 4, 3)

    Application.objects.filter(pk=waiting.pk).update(status=Application.Status.UNDER_REVIEW)
    accepted = [due.act for due in deadlines_due(on=D(2025, 3, 21))]
    assert accepted == [Act.CHECK, Act.DECISION]


@pytest.mark.req("CAL-2", "COM-3")
def test_the_reminder_goes_one_working_day_before_to_members_and_secretary_once(
    transfer, mailoutbox, django_capture_on_commit_callbacks
):
    astana = region()
    composition = composition_since(astana, D(2025, 1, 9), languages=("ru", "kk", "en"))
    composition_since(region(ALMATY_CITY), D(2025, 1, 9))  # another region's: not reminded
    application = arrived(ARRIVED, place=astana)

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return send_deadline_reminders(on=day)

    assert run(D(2025, 3, 28)) == 0  # Friday: two working days before (29 and 31 March)
    assert mailoutbox == []

    people = people_of(composition)
    assert run(TRANSFER) == len(people) == 8  # the working Saturday before Monday 31 March
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(person.email for person in people)
    russian = composition.seats.order_by("pk")[0].member
    (to_russian,) = (mail for mail in mailoutbox if mail.to == [russian.email])
    assert "31.03.2025" in to_russian.subject
    assert "проверка заявки членами комиссии" in to_russian.subject
    assert (
        Notification.objects.get(
            event_key=f"reminder:application:{application.pk}:check:2025-03-31:{russian.pk}"
        ).language
        == "ru"
    )
    english = next(mail for mail in mailoutbox if "members' check" in mail.subject)
    assert "One working day is left: 31.03.2025" in english.body
    assert "2022 p.12" in english.body and application.supplier.identifier in english.body

    assert run(TRANSFER) == 0  # run twice: nothing more
    assert run(D(2025, 3, 30)) == 0  # Sunday, the day after: no one reminded again
    assert run(DUE) == 0  # on the day itself
    assert len(mailoutbox) == 8


@pytest.mark.req("CAL-2")
def test_nobody_is_reminded_of_a_decided_or_withdrawn_application(transfer, mailoutbox):
    astana = region()
    composition_since(astana, D(2025, 1, 9))
    for status in (
        Application.Status.APPROVED,
        Application.Status.REFUSED,
        Application.Status.WITHDRAWN,
    ):
        arrived(ARRIVED, place=astana, status=status)

    assert deadlines_due(on=TRANSFER) == []
    assert send_deadline_reminders(on=TRANSFER) == 0
    assert not Notification.objects.filter(event_key__startswith="reminder:").exists()


@pytest.mark.req("CAL-2", "COM-7")
def test_the_secretary_alone_is_reminded_to_publish_a_signed_protocol(
    mailoutbox, django_capture_on_commit_callbacks
):
    astana = region()
    composition = composition_since(astana, D(2025, 1, 9))
    protocol = signed_protocol(composition, publication_due=D(2025, 4, 8))  # a Tuesday

    (due,) = deadlines_due(region=astana, on=D(2025, 4, 7))
    assert (due.act, due.protocol, due.clause, due.days_left) == (
        Act.PUBLICATION,
        protocol,
        "2022 p.15",
        1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders(on=D(2025, 4, 7)) == 1
        assert send_deadline_reminders(on=D(2025, 4, 7)) == 0
    (mail,) = mailoutbox
    assert mail.to == [composition.secretary.email]
    assert protocol.label in mail.body
    assert Notification.objects.filter(
        event_key=f"reminder:protocol:{protocol.pk}:publication:2025-04-08:{composition.secretary.pk}"
    ).exists()

    Protocol.objects.filter(pk=protocol.pk).update(status=Protocol.Status.PUBLISHED)
    assert deadlines_due(on=D(2025, 4, 7)) == []


@pytest.mark.req("CAL-2")
def test_the_daily_beat_task_run_twice_sends_each_reminder_once(
    transfer, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["deadline-reminders"]
    assert entry["task"] == tasks.send_deadline_reminders.name
    assert entry["task"] in app.tasks and tasks.send_deadline_reminders.acks_late
    assert entry["schedule"].hour == {8}  # every morning, Almaty time (CELERY_TIMEZONE)
    astana = region()
    composition_since(astana, D(2025, 1, 9))
    arrived(ARRIVED, place=astana)
    monkeypatch.setattr(deadlines, "today", lambda: TRANSFER)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_deadline_reminders.delay()
        tasks.send_deadline_reminders.delay()
    assert len(mailoutbox) == 8


@pytest.fixture
def operator_client(client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    RoleAssignmentFactory(user=operator, role=Role.OPERATOR)
    client.force_login(operator)
    return client


@pytest.mark.req("CAL-2", "COM-3", "COM-7")
def test_operators_see_the_missed_deadlines_per_region_and_not_the_met_ones(operator_client):
    today = deadlines.today()
    astana, almaty = region(), region(ALMATY_CITY)
    long_ago = today - datetime.timedelta(days=40)
    missed = arrived(long_ago, place=astana, status=Application.Status.UNDER_REVIEW)
    met = arrived(long_ago, place=astana, status=Application.Status.APPROVED)
    in_time = arrived(today, place=almaty)
    missed_elsewhere = arrived(long_ago, place=almaty)
    protocol = signed_protocol(
        composition_since(astana, long_ago), publication_due=today - datetime.timedelta(days=2)
    )

    report = overdue_by_region(on=today)
    assert [(place, [due.application for due in dues]) for place, dues in report] == [
        (astana, [missed, protocol.item.application]),
        (almaty, [missed_elsewhere]),
    ]

    index = operator_client.get(reverse("admin:index"))
    url = reverse("admin:commission_overdue_report")
    assert url in index.content.decode()
    page = operator_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    (missed_due,) = deadlines_due(region=astana, on=today)[:1]
    assert missed_due.application == missed
    row = html.split(f'class="overdue-{slugify(missed_due.key)}"')[1].split("</tr>")[0]
    assert missed.supplier.name in row
    assert f"<td>{(today - missed.review_due).days}</td>" in row
    assert protocol.label in html and "<td>2</td>" in html
    assert missed_elsewhere.supplier.name in html
    assert met.supplier.name not in html
    assert in_time.supplier.name not in html


def test_the_overdue_report_is_for_operators_only(client):
    client.force_login(UserFactory())
    page = client.get(reverse("admin:commission_overdue_report"))
    assert page.status_code == 302  # to the sign-in


@pytest.mark.req("CAL-2")
def test_a_person_gets_the_language_they_sign_in_with_for_their_reminders(client):
    person = UserFactory()
    assert person.language == ""
    with translation.override("ru"):
        client.force_login(person)
    person.refresh_from_db()
    assert person.language == "ru"
    with translation.override("kk"):
        client.force_login(person)  # a language once kept stays until changed
    person.refresh_from_db()
    assert person.language == "ru"
