from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest

from bot.core.business_time import AlwaysCalendar, BusinessCalendar, Calendar
from bot.core.calendar_spec import parse_weekly_hours
from tests.support.calendars import (
    JP_LUNCH,
    JP_NEW_YEAR,
    JP_OFFICE,
    NY_ALL_DAY,
    NY_NIGHT,
    US,
    new_york,
    tokyo,
)

# --- JP office hours ---------------------------------------------------------------


def test_jp_holiday_facts_the_examples_rely_on() -> None:
    jp = holidays.country_holidays("JP", years=[2026, 2027])
    assert date(2026, 6, 8) not in jp
    assert {date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 23)} <= set(jp)  # Silver Week
    assert date(2027, 3, 22) in jp  # 振替休日 for the equinox on Sunday 2027-03-21
    assert date(2026, 5, 6) in jp  # 振替休日 for Constitution Day on Sunday 2026-05-03
    assert date(2027, 1, 4) not in jp


@pytest.mark.parametrize(
    ("friday", "due"),
    [
        (date(2026, 6, 5), date(2026, 6, 8)),  # ordinary Monday
        (date(2026, 9, 18), date(2026, 9, 24)),  # Silver Week incl. citizen's holiday 9/22
        (date(2027, 3, 19), date(2027, 3, 23)),  # substitute holiday on Monday 3/22
        (date(2026, 5, 1), date(2026, 5, 7)),  # Golden Week with substitute holiday 5/6
    ],
)
def test_fifteen_minutes_from_friday_evening(friday: date, due: date) -> None:
    start = tokyo(friday.year, friday.month, friday.day, 17, 55)
    result = JP_OFFICE.add(start, timedelta(minutes=15))
    assert result == tokyo(due.year, due.month, due.day, 9, 10)
    assert result.tzinfo is UTC
    assert JP_OFFICE.elapsed(start, result) == timedelta(minutes=15)


def test_new_year_closure() -> None:
    start = tokyo(2026, 12, 28, 17, 50)
    assert JP_NEW_YEAR.add(start, timedelta(hours=2)) == datetime(2027, 1, 4, 1, 50, tzinfo=UTC)
    # Without the closed dates, only the New Year's Day holiday remains in the way.
    assert JP_OFFICE.add(start, timedelta(hours=2)) == tokyo(2026, 12, 29, 10, 50)
    # Running out exactly at closing time is due at closing time, not the next morning.
    assert JP_NEW_YEAR.add(start, timedelta(hours=9, minutes=10)) == tokyo(2027, 1, 4, 18)
    assert JP_NEW_YEAR.elapsed(start, tokyo(2027, 1, 5)) == timedelta(hours=9, minutes=10)


JP_YEARLY = BusinessCalendar(
    "Asia/Tokyo",
    parse_weekly_hours({"mon-fri": "09:00-18:00"}),
    "JP",
    ["12-29..01-03", "08-13..08-16", "2027-05-06", "2027-05-01..2027-05-05"],
)


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_a_yearly_closure_crosses_new_year(year: int) -> None:
    # 12-28 is a weekday in each of these years; the office opens again on the first
    # weekday after 01-03.
    start = tokyo(year, 12, 28, 17, 50)
    reopens = next(
        day
        for day in (date(year + 1, 1, 4) + timedelta(days=n) for n in range(7))
        if day.weekday() < 5
    )
    due = JP_YEARLY.add(start, timedelta(hours=2))
    assert due == tokyo(reopens.year, reopens.month, reopens.day, 10, 50)
    assert JP_YEARLY.elapsed(start, due) == timedelta(hours=2)
    for day in (date(year, 12, 29), date(year, 12, 31), date(year + 1, 1, 2), date(year + 1, 1, 3)):
        assert not JP_YEARLY.is_business_day(day)


def test_yearly_days_and_date_ranges() -> None:
    assert JP_YEARLY.add(tokyo(2026, 12, 28, 17, 50), timedelta(hours=2)) == tokyo(
        2027, 1, 4, 10, 50
    )
    # お盆, every year: Thursday 2026-08-13 to Sunday 08-16, Friday 2027-08-13 to Monday 08-16.
    assert JP_YEARLY.add(tokyo(2026, 8, 12, 17), timedelta(hours=2)) == tokyo(2026, 8, 17, 10)
    assert JP_YEARLY.add(tokyo(2027, 8, 12, 17), timedelta(hours=2)) == tokyo(2027, 8, 17, 10)
    assert JP_OFFICE.add(tokyo(2027, 8, 12, 17), timedelta(hours=2)) == tokyo(2027, 8, 13, 10)
    # A range of dates and a date, that year only: 05-01 to Thursday 05-06 in 2027.
    assert JP_YEARLY.add(tokyo(2027, 4, 30, 18, 30), timedelta(hours=1)) == tokyo(2027, 5, 7, 10)
    assert JP_OFFICE.add(tokyo(2027, 4, 30, 18, 30), timedelta(hours=1)) == tokyo(2027, 5, 6, 10)
    assert JP_YEARLY.is_business_day(date(2026, 5, 1))
    assert not JP_YEARLY.is_business_day(date(2027, 5, 6))
    # A yearly day; 02-29 is closed in the years that have one.
    leap = BusinessCalendar("UTC", parse_weekly_hours({"mon-sun": "09:00-18:00"}), closed=["02-29"])
    assert not leap.is_business_day(date(2028, 2, 29))
    assert leap.is_business_day(date(2027, 2, 28)) and leap.is_business_day(date(2027, 3, 1))


@pytest.mark.parametrize(
    ("closed", "message"),
    [
        ("13-01", "closed day '13-01' is not a month and day (MM-DD)"),
        ("02-30", "closed day '02-30' is not a month and day (MM-DD)"),
        ("2027-02-29", "closed day '2027-02-29' is not a date (YYYY-MM-DD)"),
        ("12-29..01-32", "closed days '12-29..01-32': 01-32 is not a month and day"),
        ("2027-05-05..2027-05-01", "closed days '2027-05-05..2027-05-01' end before they start"),
        ("05-01..2027-05-05", "mix a date and a yearly day"),
        ("12-29..", "closed day '12-29..' is not a date (2027-05-06), a yearly day (12-31)"),
        ("1-3", "closed day '1-3' is not a date"),
        ("12-29..12-31..01-03", "is not a date"),
        ("01-01..12-31", "the closed days leave no day of the year open"),
        ("12-29..12-28", "the closed days leave no day of the year open"),
    ],
)
def test_closed_day_errors(closed: str, message: str) -> None:
    hours = parse_weekly_hours({"mon-fri": "09:00-18:00"})
    with pytest.raises(ValueError) as error:
        BusinessCalendar("Asia/Tokyo", hours, closed=[closed])
    assert message in str(error.value)


def test_span_end_and_zero_duration() -> None:
    friday_close = JP_OFFICE.add(tokyo(2026, 6, 5, 17), timedelta(hours=1))
    assert friday_close == tokyo(2026, 6, 5, 18)
    assert not JP_OFFICE.is_open(friday_close)
    assert JP_OFFICE.is_open(friday_close - US)
    assert JP_OFFICE.add(friday_close, timedelta(minutes=1)) == tokyo(2026, 6, 8, 9, 1)
    saturday = tokyo(2026, 6, 6, 12)
    assert JP_OFFICE.add(saturday, timedelta(0)) == saturday
    assert JP_OFFICE.next_open(saturday) == tokyo(2026, 6, 8, 9)
    assert JP_OFFICE.next_open(tokyo(2026, 6, 8, 9, 30)) == tokyo(2026, 6, 8, 9, 30)
    assert JP_OFFICE.elapsed(tokyo(2026, 6, 8, 12), tokyo(2026, 6, 8, 11)) == timedelta(0)


def test_lunch_break() -> None:
    assert JP_LUNCH.add(tokyo(2026, 6, 8, 11, 50), timedelta(minutes=30)) == tokyo(
        2026, 6, 8, 13, 20
    )
    assert JP_LUNCH.add(tokyo(2026, 6, 8, 12, 30), timedelta(minutes=15)) == tokyo(
        2026, 6, 8, 13, 15
    )
    assert JP_LUNCH.add(tokyo(2026, 6, 8, 11, 30), timedelta(minutes=30)) == tokyo(2026, 6, 8, 12)
    assert JP_LUNCH.add(tokyo(2026, 6, 8, 12), timedelta(minutes=1)) == tokyo(2026, 6, 8, 13, 1)
    assert JP_LUNCH.elapsed(tokyo(2026, 6, 8, 11), tokyo(2026, 6, 8, 14)) == timedelta(hours=2)
    assert not JP_LUNCH.is_open(tokyo(2026, 6, 8, 12, 30))
    assert JP_LUNCH.next_open(tokyo(2026, 6, 8, 12, 30)) == tokyo(2026, 6, 8, 13)


def test_long_closures_and_long_durations() -> None:
    every_day_of_2026 = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    shut = BusinessCalendar(
        "UTC", {0: [(time(9), time(18))], 4: [(time(9), time(18))]}, None, every_day_of_2026
    )
    start = datetime(2025, 12, 29, 17, tzinfo=UTC)  # a Monday
    assert shut.add(start, timedelta(hours=2)) == datetime(2027, 1, 1, 10, tzinfo=UTC)

    start = tokyo(2026, 6, 1, 10)
    thirty_days = timedelta(hours=9 * 30)
    due = JP_OFFICE.add(start, thirty_days)
    assert due == tokyo(2026, 7, 13, 10)  # 30 business days later, before Marine Day


# --- DST ---------------------------------------------------------------------------


def test_24_7_calendar_counts_real_seconds_across_dst() -> None:
    spring = NY_ALL_DAY.elapsed(new_york(2026, 3, 8, 1), new_york(2026, 3, 8, 3))
    assert spring == timedelta(hours=1)
    assert NY_ALL_DAY.elapsed(new_york(2026, 3, 8), new_york(2026, 3, 9)) == timedelta(hours=23)
    fall = NY_ALL_DAY.elapsed(new_york(2026, 11, 1, 1), new_york(2026, 11, 1, 3))
    assert fall == timedelta(hours=3)
    assert NY_ALL_DAY.elapsed(new_york(2026, 11, 1), new_york(2026, 11, 2)) == timedelta(hours=25)
    assert NY_ALL_DAY.add(new_york(2026, 3, 8), timedelta(hours=24)) == new_york(2026, 3, 9, 1)
    # Compare in UTC: an aware datetime in the fold never equals one from another zone.
    second_half_past_one = new_york(2026, 11, 1, 1, 30, fold=1).astimezone(UTC)
    assert NY_ALL_DAY.add(new_york(2026, 11, 1, 0, 30), timedelta(hours=2)) == second_half_past_one


def test_night_hours_on_transition_nights() -> None:
    # 01:00-03:00 local is one real hour in March and three in November (fold=0 at 01:00).
    assert NY_NIGHT.elapsed(new_york(2026, 3, 7), new_york(2026, 3, 10)) == timedelta(hours=5)
    assert NY_NIGHT.elapsed(new_york(2026, 10, 31), new_york(2026, 11, 3)) == timedelta(hours=7)
    assert NY_NIGHT.add(new_york(2026, 3, 8, 1, 30), timedelta(minutes=30)) == new_york(
        2026, 3, 8, 3
    )


def test_spans_inside_the_spring_gap() -> None:
    sundays = BusinessCalendar("America/New_York", parse_weekly_hours({"sun": "02:30-03:00"}))
    # On 2026-03-08 02:30 does not exist and maps past 03:00, so that span has no length.
    assert sundays.elapsed(new_york(2026, 3, 1), new_york(2026, 3, 16)) == timedelta(minutes=60)
    assert sundays.add(new_york(2026, 3, 1, 3), timedelta(minutes=1)) == new_york(
        2026, 3, 15, 2, 31
    )
    split = BusinessCalendar(
        "America/New_York", parse_weekly_hours({"sun": ["00:00-02:45", "03:00-04:00"]})
    )
    # The two spans overlap in real time that night; they are clamped, never double counted.
    night = split.elapsed(new_york(2026, 3, 8), new_york(2026, 3, 8, 5))
    assert night == new_york(2026, 3, 8, 4).astimezone(UTC) - new_york(2026, 3, 8)


# --- snoozing ----------------------------------------------------------------------


def test_at_local_time() -> None:
    nine = time(9)
    assert JP_OFFICE.at_local_time(tokyo(2026, 6, 5, 20), nine) == tokyo(2026, 6, 8, 9)
    assert JP_OFFICE.at_local_time(tokyo(2026, 6, 4, 8), nine) == tokyo(2026, 6, 4, 9)
    assert JP_OFFICE.at_local_time(tokyo(2026, 6, 4, 9), nine) == tokyo(2026, 6, 5, 9)
    assert JP_OFFICE.at_local_time(tokyo(2026, 9, 18, 12), nine) == tokyo(2026, 9, 24, 9)
    always = AlwaysCalendar("Asia/Tokyo")
    assert always.at_local_time(tokyo(2026, 6, 5, 20), nine) == tokyo(2026, 6, 6, 9)
    assert AlwaysCalendar().at_local_time(tokyo(2026, 6, 5, 20), nine) == tokyo(2026, 6, 6, 18)


def test_always_calendar() -> None:
    always = AlwaysCalendar("America/New_York")
    start = new_york(2026, 3, 8, 1)
    assert always.add(start, timedelta(hours=2)) == new_york(2026, 3, 8, 4)
    assert always.elapsed(start, new_york(2026, 3, 8, 3)) == timedelta(hours=1)
    assert always.elapsed(new_york(2026, 3, 8, 3), start) == timedelta(0)
    assert always.is_open(start)
    assert always.next_open(start) == start
    assert always.timezone == "America/New_York"
    assert isinstance(always, Calendar)
    assert isinstance(JP_OFFICE, Calendar)


# --- validation --------------------------------------------------------------------


def test_parse_weekly_hours() -> None:
    nine_to_six = [(time(9), time(18))]
    assert parse_weekly_hours({"mon-fri": "09:00-18:00"}) == dict.fromkeys(range(5), nine_to_six)
    assert set(parse_weekly_hours({"fri-mon": "09:00-18:00"})) == {4, 5, 6, 0}
    assert set(parse_weekly_hours({"Sat, sun": "10:00-12:00"})) == {5, 6}
    assert parse_weekly_hours({"mon": "00:00-24:00"}) == {0: [(time(0), time(0))]}
    merged = parse_weekly_hours({"tue": ["13:00-14:00", "09:00-12:00", "11:00-13:00"], "wed": []})
    assert merged == {1: [(time(9), time(14))]}
    union = parse_weekly_hours({"mon-fri": "09:00-12:00", "fri": "12:00-15:00"})
    assert union[4] == [(time(9), time(15))]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"mon-fry": "09:00-18:00"}, "'mon-fry' is not a weekday or range like mon-fri"),
        ({"mon-tue-wed": "09:00-18:00"}, "is not a weekday or range"),
        ({"": "09:00-18:00"}, "is not a weekday or range"),
        ({"mon-fri": "9-18"}, "'mon-fri': '9-18' is not a time span like 09:00-18:00"),
        ({"mon-fri": 9}, "'mon-fri': 9 is not a time span"),
        ({"sat": ["10:00-12:00", None]}, "'sat': None is not a time span"),
        ({"mon-fri": "18:00-09:00"}, "'18:00-09:00' ends before it starts"),
        ({"mon-fri": "09:00-09:00"}, "ends before it starts"),
        ({"mon-fri": "18:00-00:00"}, "write 24:00 for midnight"),
        ({"mon-fri": "09:00-24:30"}, "impossible time"),
        ({"mon-fri": "09:60-18:00"}, "impossible time"),
    ],
)
def test_parse_weekly_hours_errors(spec: dict[str, str | list[str]], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_weekly_hours(spec)


def test_calendar_errors() -> None:
    hours = parse_weekly_hours({"mon-fri": "09:00-18:00"})
    with pytest.raises(ValueError, match="'Asia/Tokio' is not a known time zone"):
        BusinessCalendar("Asia/Tokio", hours)
    with pytest.raises(ValueError, match="unknown holiday country"):
        BusinessCalendar("Asia/Tokyo", hours, "XX")
    with pytest.raises(ValueError, match="unknown holiday country"):
        BusinessCalendar("Asia/Tokyo", hours, "JP", holidays_subdiv="ZZ")
    with pytest.raises(ValueError, match="calendar has no business hours"):
        BusinessCalendar("Asia/Tokyo", parse_weekly_hours({"sat": []}))
    with pytest.raises(ValueError, match="'2026-13-01' is not a date"):
        BusinessCalendar("Asia/Tokyo", hours, closed=["2026-13-01"])
    with pytest.raises(ValueError, match="naive"):
        JP_OFFICE.add(datetime(2026, 6, 5, 17, 55), timedelta(minutes=15))
    with pytest.raises(ValueError, match="negative"):
        JP_OFFICE.add(tokyo(2026, 6, 5, 17, 55), timedelta(minutes=-1))
    with pytest.raises(ValueError, match="naive"):
        AlwaysCalendar().elapsed(tokyo(2026, 6, 5), datetime(2026, 6, 6))
    with pytest.raises(ValueError, match="not a known time zone"):
        AlwaysCalendar("Mars/Olympus")
    lowercase = BusinessCalendar("Asia/Tokyo", hours, "jp")
    assert not lowercase.is_business_day(date(2026, 9, 22))
