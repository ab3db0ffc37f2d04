"""CAL-2 (with DER-3, DER-4): a complaint's review deadline and a deregistration case's decision
deadline are in the commission's deadlines: the members and the secretary are reminded one
working day before, once however often the reminders run, and the operators' report lists them
once missed. A case opened by complaints is reminded through its complaints only."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from commission.deadlines import Act, deadlines_due, deadlines_for, overdue_by_region
from commission.services.reminders import send_deadline_reminders
from deregistration.complaints import Complaint
from deregistration.models import DeregistrationCase
from deregistration.services import open_case
from portal import deadlines
from portal.calendar import add_working_days, is_working_day
from portal.models import Role
from portal.notifications.models import Notification
from tests.deregistration.helpers import astana_supplier
from tests.deregistration.test_complaint_review import posted_complaint
from tests.factories import RoleAssignmentFactory, UserFactory

ADMITTED = datetime.date(2023, 5, 2)


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def the_day_before(due_day: datetime.date) -> datetime.date:
    """The working day before ``due_day``: the reminders' day."""
    day = due_day - datetime.timedelta(days=1)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    assert add_working_days(day, 1) == due_day
    return day


def people_of(commission) -> list:
    composition = commission.compositions.get()
    return [*(seat.member for seat in composition.seats.all()), composition.secretary]


def reminders(on, capture) -> int:
    with capture(execute=True):
        return send_deadline_reminders(on=on)


@pytest.mark.req("CAL-2", "DER-3")
def test_a_complaints_review_deadline_is_reminded_once_to_the_commission(
    commission, trusted, private_media, mailoutbox, django_capture_on_commit_callbacks
):
    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    complaint = posted_complaint(trusted, supplier)
    assert complaint.case.source == DeregistrationCase.Source.COMPLAINT
    assert complaint.case.decision_due is not None  # the case's own deadline: not reminded

    dues = [due for due in deadlines_due(region=commission.region) if due.application is None]
    assert [(due.act, due.complaint, due.day) for due in dues] == [
        (Act.COMPLAINT_REVIEW, complaint, complaint.review_due)
    ]
    (due,) = dues
    assert due.clause == complaint.review_deadline.clause
    assert due.key == f"complaint:{complaint.pk}:complaint_review:{complaint.review_due}"
    secretary = commission.compositions.get().secretary
    assert [d.complaint for d in deadlines_for(user=secretary)] == [complaint]

    day = the_day_before(complaint.review_due)
    people = people_of(commission)
    mailoutbox.clear()  # the supplier was told of the complaint
    earlier = day - datetime.timedelta(days=1)
    while not is_working_day(earlier):
        earlier -= datetime.timedelta(days=1)
    assert reminders(earlier, django_capture_on_commit_callbacks) == 0  # two working days before
    assert reminders(day, django_capture_on_commit_callbacks) == len(people)
    assert reminders(day, django_capture_on_commit_callbacks) == 0  # once
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(p.email for p in people)
    assert all(supplier.identifier in mail.body for mail in mailoutbox)
    notification = Notification.objects.get(
        event_key=f"reminder:{due.key}:{secretary.pk}",
    )
    assert notification.object_id == str(complaint.pk)

    Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.DECIDED)
    assert [d for d in deadlines_due(region=commission.region) if d.application is None] == []


@pytest.mark.req("CAL-2", "DER-4")
def test_a_cases_decision_deadline_is_reminded_once_and_missed_ones_reported(
    commission, mailoutbox, django_capture_on_commit_callbacks, client
):
    supplier = astana_supplier(admitted_on=ADMITTED).supplier
    case = open_case(
        supplier=supplier, ground="own_application", source=DeregistrationCase.Source.SUPPLIER
    )
    (due,) = [d for d in deadlines_due(region=commission.region) if d.application is None]
    assert (due.act, due.case, due.day, due.region) == (
        Act.CASE_DECISION,
        case,
        case.decision_due,
        commission.region,
    )
    assert due.clause == case.decision_deadline.clause

    day = the_day_before(case.decision_due)
    mailoutbox.clear()
    assert reminders(day, django_capture_on_commit_callbacks) == len(people_of(commission))
    assert reminders(day, django_capture_on_commit_callbacks) == 0
    assert all(f"{case.decision_due:%d.%m.%Y}" in mail.body for mail in mailoutbox)

    # Missed: in the operators' overdue report, with the supplier named.
    late = case.decision_due + datetime.timedelta(days=3)
    report = overdue_by_region(on=late)
    assert [(region, [d.case for d in dues]) for region, dues in report] == [
        (commission.region, [case])
    ]
    operator = UserFactory(is_staff=True, is_superuser=True)
    RoleAssignmentFactory(user=operator, role=Role.OPERATOR)
    client.force_login(operator)
    # The report is of today: the case's last day moved back three days.
    DeregistrationCase.objects.filter(pk=case.pk).update(
        decision_due=deadlines.today() - datetime.timedelta(days=3)
    )
    page = client.get(reverse("admin:commission_overdue_report"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Deregistration case No. {case.pk} of {supplier.name}" in html
    assert "<td>3</td>" in html

    # A decided case is due nothing more to the members.
    DeregistrationCase.objects.filter(pk=case.pk).update(status=DeregistrationCase.Status.DECIDED)
    assert [d for d in deadlines_due(region=commission.region) if d.application is None] == []
