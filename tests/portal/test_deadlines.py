"""Deadlines of the rules (issue 10, item 4; CAL-1, CAL-2): a day and the clause that fixes it,
counted from an edition's parameter on the working-day calendar of Kazakhstan, and the one
"today" of the portal, in Almaty."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from portal import deadlines
from portal.deadlines import Deadline, DeadlineNotFixed, deadline
from portal.editions.edition_2020 import EDITION_2020
from portal.editions.edition_2022 import EDITION_2022
from portal.models import WorkingDayOverride

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.mark.req("CAL-2")
def test_a_deadline_is_the_day_the_editions_period_ends_and_the_clause_that_fixes_it():
    # Friday 07.03.2025; Monday 10.03 is the day off for 8 March (a Saturday): the five working
    # days of 2022 p.12 are 11, 12, 13, 14 and 17 March.
    found = deadline(
        edition=EDITION_2022, parameter="review_deadline_working_days", after=D(2025, 3, 7)
    )
    assert found == Deadline(day=D(2025, 3, 17), clause="2022 p.12")
    assert str(found) == "17.03.2025"


@pytest.mark.req("CAL-2")
def test_periods_that_follow_one_another_add_up_and_name_every_clause():
    periods = ("review_deadline_working_days", "decision_deadline_working_days")
    # 2020: five working days of checking (p.13), then two for the decision (p.14).
    found = deadline(edition=EDITION_2020, parameter=periods, after=D(2021, 3, 19))
    assert found == Deadline(day=D(2021, 4, 2), clause="2020 p.13; 2020 p.14")
    assert found.day == EDITION_2020.decision_due(D(2021, 3, 19))
    # 2022 fixes no separate decision period: the check's deadline is the only one.
    only = deadline(edition=EDITION_2022, parameter=periods, after=D(2025, 3, 7))
    assert only == Deadline(day=D(2025, 3, 17), clause="2022 p.12")


def test_a_period_the_edition_does_not_fix_has_no_deadline():
    with pytest.raises(DeadlineNotFixed):
        deadline(
            edition=EDITION_2022, parameter="decision_deadline_working_days", after=D(2025, 3, 7)
        )


def test_only_periods_in_days_are_deadlines():
    with pytest.raises(ValueError, match="not a period"):
        deadline(edition=EDITION_2022, parameter="quorum", after=D(2025, 3, 7))
    with pytest.raises(KeyError):
        deadline(edition=EDITION_2022, parameter="no_such_working_days", after=D(2025, 3, 7))


def test_a_period_in_calendar_days_counts_every_day():
    days = EDITION_2022.complaint_filing_calendar_days
    found = deadline(
        edition=EDITION_2022, parameter="complaint_filing_calendar_days", after=D(2025, 3, 7)
    )
    assert found.day == D(2025, 3, 7) + datetime.timedelta(days=days)
    assert found.clause == EDITION_2022.clause_for("complaint_filing_calendar_days")


@pytest.mark.req("CAL-1", "CAL-2")
def test_the_operators_day_off_transfers_move_a_deadline():
    after = D(2025, 4, 4)  # Friday; five working days end on Friday 11 April
    assert deadline(
        edition=EDITION_2022, parameter="review_deadline_working_days", after=after
    ).day == D(2025, 4, 11)
    WorkingDayOverride.objects.create(day=D(2025, 4, 9), is_working=False, basis="test decree")
    assert deadline(
        edition=EDITION_2022, parameter="review_deadline_working_days", after=after
    ).day == D(2025, 4, 14)


def test_a_moment_counts_as_its_day_in_almaty():
    late_thursday_utc = datetime.datetime(2025, 3, 6, 20, 30, tzinfo=datetime.UTC)  # Fri 01:30
    assert deadlines.day_of(late_thursday_utc) == D(2025, 3, 7)
    found = deadline(
        edition=EDITION_2022, parameter="review_deadline_working_days", after=late_thursday_utc
    )
    assert found.day == D(2025, 3, 17)


@pytest.mark.req("CAL-2")
def test_a_deadline_is_kept_on_its_day_and_missed_from_the_next():
    due = Deadline(day=D(2025, 3, 17), clause="2022 p.12")  # a Monday
    assert not due.is_overdue(on=D(2025, 3, 14))
    assert due.days_left(on=D(2025, 3, 14)) == 1  # Friday: only Monday is left
    assert due.days_left(on=D(2025, 3, 11)) == 4
    assert not due.is_overdue(on=D(2025, 3, 17))
    assert due.days_left(on=D(2025, 3, 17)) == 0
    assert due.is_overdue(on=D(2025, 3, 18))
    assert due.days_left(on=D(2025, 3, 19)) == -2


def test_today_is_the_day_in_almaty_whatever_the_servers_time_zone(monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    late_thursday_utc = datetime.datetime(2025, 3, 6, 20, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late_thursday_utc)
    assert deadlines.today() == D(2025, 3, 7)
    due = Deadline(day=D(2025, 3, 6), clause="2022 p.12")
    assert due.is_overdue(), "Thursday's deadline has passed once it is Friday in Almaty"
    assert due.days_left() == -1
