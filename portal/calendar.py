"""Working days of the Republic of Kazakhstan (CAL-1).

A day is a working day unless it is a Saturday, a Sunday or a day off under the law, with three
sources, later ones winning:

1. the weekend: Saturday and Sunday;
2. the ``holidays`` package (``holidays.country_holidays("KZ")``): the holidays that are days off
   (Law "On holidays in the Republic of Kazakhstan"), the day off moved
   to the next working day when a holiday falls on a weekend ("observed" days, not for Orthodox
   Christmas and Kurban Ait), and the day-off transfers of past government decrees that the
   package knows (its "substituted" days: the weekday made a day off, and the Saturday or Sunday
   made a working day, ``weekend_workdays``; e.g. 3 January 2025 off, Sunday 5 January 2025
   worked);
3. the operator-maintained table :class:`portal.models.WorkingDayOverride`: the transfers that the
   government decrees each year. It overrides both the weekend and the package, so operators
   enter the decree of every year the package does not know yet (in version 0.109, 2026 and
   later) and can correct the package where it is wrong.

Periods are counted as in Civil Code art. 171: a period "within N working days from the day of"
an event starts on the next day, so the day of the event is never counted.

Holiday sets are computed once per year and cached in the process; the override table is read
once per call, for the whole range the call needs, never once per day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

ALMATY = ZoneInfo("Asia/Almaty")
SATURDAY, SUNDAY = 5, 6
COUNTRY = "KZ"

# add_working_days() reads the override table window by window; a window this many calendar days
# long per requested working day (plus a margin) almost always holds the answer in one query.
_DAYS_PER_WORKING_DAY = 1.6
_WINDOW_MARGIN_DAYS = 21


def _as_date(day: datetime.date | datetime.datetime) -> datetime.date:
    """A date; an aware datetime is first converted to Almaty time."""
    if isinstance(day, datetime.datetime):
        if day.tzinfo is not None:
            day = day.astimezone(ALMATY)
        return day.date()
    return day


@lru_cache(maxsize=128)
def _package_calendar(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """(days off on weekdays, weekend days made working) of ``year`` according to the package."""
    kz = holidays.country_holidays(COUNTRY, years=year)
    weekday_days_off = frozenset(
        d for d in kz if d.year == year and d.weekday() not in (SATURDAY, SUNDAY)
    )
    # The package keeps cross-year transfers in the same set (e.g. 28.12.2013 for 3.01.2014);
    # each year's own instance holds its own days.
    working_weekend_days = frozenset(
        d for d in getattr(kz, "weekend_workdays", ()) if d.year == year
    )
    return weekday_days_off, working_weekend_days


def _is_working_by_package(day: datetime.date) -> bool:
    weekday_days_off, working_weekend_days = _package_calendar(day.year)
    if day.weekday() in (SATURDAY, SUNDAY):
        return day in working_weekend_days
    return day not in weekday_days_off


def _overrides(first: datetime.date, last: datetime.date) -> dict[datetime.date, bool]:
    """The operators' transfers between ``first`` and ``last`` inclusive, in one query."""
    from portal.models import WorkingDayOverride

    rows = WorkingDayOverride.objects.filter(day__range=(first, last)).values_list(
        "day", "is_working"
    )
    return dict(rows)


def _is_working(day: datetime.date, overrides: Mapping[datetime.date, bool]) -> bool:
    override = overrides.get(day)
    if override is not None:
        return override
    return _is_working_by_package(day)


def is_working_day(day: datetime.date | datetime.datetime) -> bool:
    """Whether ``day`` is a working day in Kazakhstan (CAL-1)."""
    day = _as_date(day)
    return _is_working(day, _overrides(day, day))


def add_working_days(day: datetime.date | datetime.datetime, n: int) -> datetime.date:
    """The ``n``-th working day after ``day`` (CAL-1): the end of a period of ``n`` working days.

    ``day`` itself is never counted, whether or not it is a working day: a period "within five
    working days from the day of arrival" for an application that arrived on 20.03.2025 ends on
    ``add_working_days(date(2025, 3, 20), 5)``. ``n == 0`` returns ``day`` unchanged. ``n`` must
    not be negative. ``working_days_between(day, add_working_days(day, n)) == n`` always holds.
    """
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    start = _as_date(day)
    if n == 0:
        return start
    current = start
    remaining = n
    window = int(n * _DAYS_PER_WORKING_DAY) + _WINDOW_MARGIN_DAYS
    while True:
        first = current + datetime.timedelta(days=1)
        last = current + datetime.timedelta(days=window)
        overrides = _overrides(first, last)
        while current < last:
            current += datetime.timedelta(days=1)
            if _is_working(current, overrides):
                remaining -= 1
                if remaining == 0:
                    return current
        # Only a run of decreed days off longer than the margin gets here; read the next window.
        window *= 2


def next_working_day(day: datetime.date | datetime.datetime) -> datetime.date:
    """The first working day after ``day`` (``day`` itself not counted)."""
    return add_working_days(day, 1)


def working_days_between(
    a: datetime.date | datetime.datetime, b: datetime.date | datetime.datetime
) -> int:
    """How many working days lie after ``a`` up to and including ``b`` (CAL-1).

    This counts a period the same way as :func:`add_working_days`: ``a`` is not counted, ``b`` is.
    It is 0 when ``a == b``, and negative when ``b`` is before ``a``
    (``working_days_between(a, b) == -working_days_between(b, a)``), so that "working days left
    until a deadline" goes below zero once the deadline has passed.
    """
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a)
    if a == b:
        return 0
    first = a + datetime.timedelta(days=1)
    overrides = _overrides(first, b)
    return sum(1 for day in _days(first, b) if _is_working(day, overrides))


def working_days_in(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The working days from ``first`` to ``last``, both included, in order."""
    if last < first:
        return []
    overrides = _overrides(first, last)
    return [day for day in _days(first, last) if _is_working(day, overrides)]


def _days(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    for offset in range((last - first).days + 1):
        yield first + datetime.timedelta(days=offset)
