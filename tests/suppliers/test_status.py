"""The commission's deadline for an application, tracked per case and shown on the cabinet's
status page (CAL-2, SUP-9) through ``portal.deadlines``."""

from __future__ import annotations

import datetime
from html import unescape

import pytest
from django.urls import reverse

from portal import deadlines
from portal.deadlines import Deadline, deadline
from portal.editions import EDITION_2020, EDITION_2022
from portal.models import Role
from suppliers import selectors
from suppliers.models import REVIEW_PERIODS, Application
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.suppliers.factories import HEAD_IIN, ORTHOPEDIA_BIN, ApplicationFactory, SupplierFactory
from tests.suppliers.test_views import accept_offer_without_signature, sign_in

D = datetime.date

pytestmark = pytest.mark.django_db


def submitted(*, due: datetime.date | None, edition_code: str = "2022", **fields) -> Application:
    application = ApplicationFactory(edition_code=edition_code, **fields)
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.SUBMITTED, review_due=due
    )
    application.refresh_from_db()
    return application


@pytest.mark.req("CAL-2")
def test_an_application_holds_its_review_deadline_with_the_clauses_of_its_edition():
    assert submitted(due=D(2025, 3, 17)).review_deadline == Deadline(
        day=D(2025, 3, 17), clause="2022 p.12"
    )
    assert submitted(due=D(2021, 4, 2), edition_code="2020").review_deadline == Deadline(
        day=D(2021, 4, 2), clause="2020 p.13; 2020 p.14"
    )
    assert ApplicationFactory().review_deadline is None, "a draft has no deadline yet"


@pytest.mark.req("CAL-2")
def test_a_deadline_set_on_the_application_is_stored_as_its_review_day():
    application = ApplicationFactory(edition_code="2020")
    application.review_deadline = deadline(
        edition=EDITION_2020, parameter=REVIEW_PERIODS, after=D(2021, 3, 19)
    )
    application.save(update_fields=["review_due"])
    application.refresh_from_db()
    assert application.review_due == D(2021, 4, 2)
    assert application.review_due == selectors.review_deadline(
        edition=EDITION_2020, arrived_on=D(2021, 3, 19)
    )


@pytest.mark.req("CAL-2")
def test_missed_review_deadlines_are_found_in_the_database():
    today = deadlines.today()
    missed = submitted(due=today - datetime.timedelta(days=1))
    submitted(due=today)
    submitted(due=None)
    found = Application.objects.filter(Application.review_deadline.missed())
    assert list(found) == [missed]


@pytest.mark.req("CAL-2", "SUP-9")
def test_the_status_shows_the_deadline_and_whether_it_has_passed():
    application = submitted(due=D(2025, 3, 17))
    on_the_day = selectors.application_status(application, today=D(2025, 3, 17))
    assert on_the_day.deadline == Deadline(day=D(2025, 3, 17), clause="2022 p.12")
    assert on_the_day.due == D(2025, 3, 17) and not on_the_day.overdue
    assert on_the_day.deadline.days_left(on=D(2025, 3, 14)) == 1
    assert selectors.application_status(application, today=D(2025, 3, 18)).overdue


@pytest.fixture
def signed_in_head(client):
    supplier = SupplierFactory(identifier=ORTHOPEDIA_BIN)
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    accept_offer_without_signature(supplier, head)
    sign_in(client, head, bin=ORTHOPEDIA_BIN)
    return supplier, head


@pytest.mark.req("CAL-2", "SUP-9")
def test_the_status_page_shows_the_commissions_deadline_and_marks_it_when_missed(
    client, signed_in_head
):
    supplier, head = signed_in_head
    in_time = deadline(edition=EDITION_2022, parameter=REVIEW_PERIODS, after=deadlines.today()).day
    application = submitted(due=in_time, supplier=supplier, created_by=head)
    page = unescape(client.get(reverse("suppliers:status", args=[application.pk])).content.decode())
    assert f"{in_time:%d.%m.%Y}" in page
    assert "Overdue" not in page

    missed = deadlines.today() - datetime.timedelta(days=1)
    Application.objects.filter(pk=application.pk).update(review_due=missed)
    page = unescape(client.get(reverse("suppliers:status", args=[application.pk])).content.decode())
    assert f"{missed:%d.%m.%Y}" in page
    assert "Overdue" in page
