"""Deadlines of the rules: a day and the clause that fixes it (CAL-2), on the working-day calendar
of Kazakhstan (``portal.calendar``, CAL-1).

Every period the rules set ("within five working days from the day of arrival", 2022 p.12) is a
parameter of the edition in force (``Edition.review_deadline_working_days``); :func:`deadline`
turns one into a :class:`Deadline` from the day of the event. A case (an application, a
meeting, a deregistration case, a complaint) holds each of its deadlines as a date field and a
:class:`HeldDeadline` next to it, so the day is queried and ordered by in the database and read
back as a ``Deadline`` that knows its clause, whether it has passed and how many working days
are left.

:func:`today` is the one place that knows what day it is in Kazakhstan (Asia/Almaty): every
"is it overdue", "edition in force today" and "the date written on the form" asks it.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from portal.calendar import ALMATY, add_working_days, working_days_between

if TYPE_CHECKING:
    from portal.editions import Edition

WORKING_DAYS = "_working_days"
CALENDAR_DAYS = "_calendar_days"


def today() -> datetime.date:
    """Today in Kazakhstan (Asia/Almaty), whatever the server's time zone."""
    return timezone.localdate(timezone=ALMATY)


def day_of(moment: datetime.datetime) -> datetime.date:
    """The day in Kazakhstan (Asia/Almaty) of an aware moment: an application sent at 01:30 on
    Friday in Almaty (20:30 on Thursday in UTC) arrives on Friday."""
    return timezone.localtime(moment, ALMATY).date()


class DeadlineNotFixed(ValueError):
    """The edition does not fix this period (the parameter is ``None``), so there is no day."""


@dataclasses.dataclass(frozen=True)
class Deadline:
    """The last day for an act (Срок) and the clause of the rules that fixes it (CAL-2).

    The act is in time on ``day`` itself and overdue from the next day on.
    """

    day: datetime.date
    clause: str

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y}"

    def is_overdue(self, *, on: datetime.date | None = None) -> bool:
        """Whether ``on`` (default: today in Almaty) is after the last day."""
        return (on or today()) > self.day

    def days_left(self, *, on: datetime.date | None = None) -> int:
        """Working days left after ``on`` (default: today) up to and including the last day:
        1 on the day before it (if a working day), 0 on the day itself, negative once missed."""
        return working_days_between(on or today(), self.day)


def deadline(
    *,
    edition: Edition,
    parameter: str | Sequence[str],
    after: datetime.date | datetime.datetime,
) -> Deadline:
    """The deadline that ``edition`` fixes with ``parameter``, counted from the day ``after``
    (CAL-1, CAL-2; Civil Code art. 171: the day of the event itself is not counted).

    ``parameter`` names a period of the edition in working days (``…_working_days``, on the
    calendar of Kazakhstan) or calendar days (``…_calendar_days``), e.g.
    ``deadline(edition=EDITION_2022, parameter="review_deadline_working_days", after=arrived_on)``.
    Several names are periods that follow one another (edition 2020: the check within 5 working
    days, p.13, then the decision within 2, p.14); a period the edition does not fix (``None``)
    adds nothing, but at least one must be fixed (else :class:`DeadlineNotFixed`). ``after``
    may be an aware moment: its day in Almaty counts.
    """
    start = day_of(after) if isinstance(after, datetime.datetime) else after
    day = start
    for name in _names(parameter):
        days = _period(edition, name)
        if days is None:
            continue
        day = (
            add_working_days(day, days)
            if name.endswith(WORKING_DAYS)
            else day + datetime.timedelta(days=days)
        )
    return Deadline(day=day, clause=clause_of(edition=edition, parameter=parameter))


def clause_of(*, edition: Edition, parameter: str | Sequence[str]) -> str:
    """The clauses of ``edition`` that fix the periods ``parameter`` names ("2020 p.13; 2020
    p.14"), the periods it does not fix left out."""
    clauses = [
        edition.clause_for(name) for name in _names(parameter) if _period(edition, name) is not None
    ]
    if not clauses:
        raise DeadlineNotFixed(f"Edition {edition.code} fixes none of {list(_names(parameter))}")
    return "; ".join(dict.fromkeys(clauses))


class HeldDeadline:
    """A deadline a case model holds: the day in one of its ``DateField``, the clause from the
    case's edition (CAL-2: every deadline is tracked per case).

    ::

        class Application(models.Model):
            review_due = models.DateField(null=True, blank=True)
            review_deadline = HeldDeadline(day_field="review_due", parameter=REVIEW_PERIODS)

        application.review_deadline = deadline(edition=…, parameter=REVIEW_PERIODS, after=day)
        application.review_deadline              # Deadline(day=…, clause="2022 p.12") or None
        Application.objects.filter(Application.review_deadline.missed())

    ``edition`` names the attribute of the case that gives its ``Edition`` (default
    ``"edition"``).
    """

    def __init__(
        self, *, day_field: str, parameter: str | Sequence[str], edition: str = "edition"
    ) -> None:
        self.day_field = day_field
        self.parameter = parameter
        self.edition_attribute = edition

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, case: Any, owner: type | None = None) -> Any:
        if case is None:
            return self
        day = getattr(case, self.day_field)
        if day is None:
            return None
        edition = getattr(case, self.edition_attribute)
        return Deadline(day=day, clause=clause_of(edition=edition, parameter=self.parameter))

    def __set__(self, case: Any, value: Deadline | None) -> None:
        setattr(case, self.day_field, value.day if value is not None else None)

    def missed(self, *, on: datetime.date | None = None) -> Q:
        """The cases whose deadline has passed by ``on`` (default: today), for reports (CAL-2)."""
        return Q(**{f"{self.day_field}__lt": on or today()})


def _names(parameter: str | Sequence[str]) -> tuple[str, ...]:
    return (parameter,) if isinstance(parameter, str) else tuple(parameter)


def _period(edition: Edition, name: str) -> int | None:
    if not name.endswith((WORKING_DAYS, CALENDAR_DAYS)):
        raise ValueError(f"{name} is not a period in working or calendar days")
    days = edition.parameter(name)
    if days is not None and (not isinstance(days, int) or days < 0):
        raise ValueError(f"Edition {edition.code}: {name} is {days!r}, not a number of days")
    return days
