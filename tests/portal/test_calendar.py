"""Working days of Kazakhstan (CAL-1).

Every pinned date was checked against the ``holidays`` package output and the published calendar:
Nauryz 2025 (Fri 21 – Sun 23 March, days off carried to Mon 24 and Tue 25 March); the transfer of
the day off from Sunday 5 January 2025 to Friday 3 January 2025 (so Sunday 5 January 2025 was a
working day); Orthodox Christmas on Tuesday 7 January 2025; Independence Day on Tuesday
16 December 2025 with no transfer; 1–2 January 2026 (Thursday, Friday).
"""

import datetime

import pytest

from portal.calendar import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
    working_days_in,
)
from portal.models import WorkingDayOverride

D = datetime.date

pytestmark = [pytest.mark.django_db, pytest.mark.req("CAL-1")]


def test_ten_working_days_after_20_march_2025_skip_nauryz_and_its_transfer():
    assert add_working_days(D(2025, 3, 20), 10) == D(2025, 4, 8)
    assert working_days_between(D(2025, 3, 20), D(2025, 4, 8)) == 10


def test_nauryz_2025_days_off_include_the_days_carried_from_the_weekend():
    assert not is_working_day(D(2025, 3, 21))  # Friday, Nauryz
    assert not is_working_day(D(2025, 3, 24))  # Monday, carried from Saturday 22 March
    assert not is_working_day(D(2025, 3, 25))  # Tuesday, carried from Sunday 23 March
    assert is_working_day(D(2025, 3, 20))
    assert is_working_day(D(2025, 3, 26))
    assert next_working_day(D(2025, 3, 20)) == D(2025, 3, 26)


def test_saturday_and_sunday_are_days_off():
    assert not is_working_day(D(2025, 4, 5))  # Saturday
    assert not is_working_day(D(2025, 4, 6))  # Sunday
    assert is_working_day(D(2025, 4, 4))  # Friday
    assert add_working_days(D(2025, 4, 4), 1) == D(2025, 4, 7)
    assert working_days_between(D(2025, 4, 4), D(2025, 4, 7)) == 1


def test_independence_day_16_december_is_a_day_off():
    assert not is_working_day(D(2025, 12, 16))  # Tuesday
    assert is_working_day(D(2025, 12, 17))  # not a holiday since 2022
    assert add_working_days(D(2025, 12, 15), 1) == D(2025, 12, 17)
    assert not is_working_day(D(2024, 12, 16))  # Monday


def test_1_and_2_january_are_days_off():
    assert not is_working_day(D(2026, 1, 1))  # Thursday
    assert not is_working_day(D(2026, 1, 2))  # Friday
    assert next_working_day(D(2025, 12, 31)) == D(2026, 1, 5)


def test_transfers_known_to_the_package_count_both_ways():
    # Government transfer for 2025: the day off moved from Sunday 5 January to Friday 3 January.
    assert not is_working_day(D(2025, 1, 3))
    assert is_working_day(D(2025, 1, 5))
    assert add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 5)
    assert add_working_days(D(2024, 12, 31), 2) == D(2025, 1, 6)
    # Tuesday 7 January 2025, Orthodox Christmas, is a day off.
    assert add_working_days(D(2024, 12, 31), 3) == D(2025, 1, 8)


def test_a_saturday_made_working_in_the_override_table_counts():
    saturday = D(2026, 11, 28)
    assert not is_working_day(saturday)
    WorkingDayOverride.objects.create(day=saturday, is_working=True, basis="test decree")
    assert is_working_day(saturday)
    assert add_working_days(D(2026, 11, 27), 1) == saturday
    assert working_days_between(D(2026, 11, 27), D(2026, 11, 30)) == 2


def test_a_weekday_made_a_day_off_in_the_override_table_is_skipped():
    friday = D(2026, 11, 27)
    assert is_working_day(friday)
    WorkingDayOverride.objects.create(day=friday, is_working=False, basis="test decree")
    assert not is_working_day(friday)
    assert add_working_days(D(2026, 11, 26), 1) == D(2026, 11, 30)
    assert working_days_between(D(2026, 11, 26), D(2026, 11, 30)) == 1


def test_the_override_table_wins_over_the_package():
    WorkingDayOverride.objects.create(day=D(2025, 3, 25), is_working=True)  # package: day off
    WorkingDayOverride.objects.create(day=D(2025, 1, 5), is_working=False)  # package: working
    assert is_working_day(D(2025, 3, 25))
    assert not is_working_day(D(2025, 1, 5))
    assert add_working_days(D(2025, 3, 20), 1) == D(2025, 3, 25)
    assert add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 6)


def test_working_days_between_counts_after_the_first_day_up_to_the_last_across_a_holiday():
    # Monday 15 -> Wednesday 17 December 2025: Tuesday 16 is Independence Day.
    assert working_days_between(D(2025, 12, 15), D(2025, 12, 17)) == 1
    assert working_days_between(D(2025, 12, 15), D(2025, 12, 16)) == 0
    assert working_days_between(D(2025, 12, 15), D(2025, 12, 15)) == 0
    assert working_days_between(D(2025, 12, 17), D(2025, 12, 15)) == -1
    assert working_days_in(D(2025, 12, 15), D(2025, 12, 17)) == [D(2025, 12, 15), D(2025, 12, 17)]


def test_add_and_between_agree_for_every_start_day_of_a_year():
    WorkingDayOverride.objects.create(day=D(2025, 6, 14), is_working=True)  # a Saturday
    day = D(2025, 1, 1)
    while day.year == 2025:
        for n in (0, 1, 5, 10, 23):
            end = add_working_days(day, n)
            assert working_days_between(day, end) == n, (day, n)
            if n:
                assert is_working_day(end), (day, n)
        day += datetime.timedelta(days=5)


def test_zero_working_days_is_the_day_itself_and_negative_counts_are_refused():
    assert add_working_days(D(2025, 3, 22), 0) == D(2025, 3, 22)
    with pytest.raises(ValueError):
        add_working_days(D(2025, 3, 22), -1)


def test_an_aware_datetime_is_read_as_the_day_in_almaty():
    # 20:00 UTC on 20 March 2025 is already 21 March (Nauryz) in Almaty.
    moment = datetime.datetime(2025, 3, 20, 20, 0, tzinfo=datetime.UTC)
    assert not is_working_day(moment)
    assert add_working_days(moment, 1) == D(2025, 3, 26)


def test_long_ranges_read_the_override_table_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        total = working_days_between(D(2020, 1, 1), D(2029, 12, 31))
    assert 2400 < total < 2550
    with django_assert_num_queries(1):
        end = add_working_days(D(2025, 1, 1), 500)
    with django_assert_num_queries(1):
        assert working_days_between(D(2025, 1, 1), end) == 500
