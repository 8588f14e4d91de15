"""Properties of business time that hold for any instant and duration (hypothesis):
adding is the earliest instant with enough open time, adding and counting are additive,
round-the-clock calendars are plain addition."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.business_time import AlwaysCalendar, BusinessCalendar
from tests.support.calendars import (
    JP_LUNCH,
    JP_NEW_YEAR,
    JP_OFFICE,
    NEW_YEAR_CLOSED,
    NEW_YORK,
    NY_ALL_DAY,
    NY_NIGHT,
    NY_ODD,
    TOKYO,
    US,
)

# --- properties --------------------------------------------------------------------

BUSINESS_CALENDARS = [JP_OFFICE, JP_NEW_YEAR, JP_LUNCH, NY_NIGHT, NY_ODD]
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


@st.composite
def instants(draw: st.DrawFn, zone: ZoneInfo = TOKYO) -> datetime:
    """Any instant in 2026-2028, often exactly on or next to a likely span boundary."""
    anywhere = st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    )
    if draw(st.booleans()):
        return draw(anywhere)
    day = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)))
    wall = draw(
        st.sampled_from([time(h, m) for h in (0, 1, 2, 3, 4, 9, 12, 13, 18) for m in (0, 30)])
    )
    nudge = draw(st.sampled_from([timedelta(0), US, -US, timedelta(minutes=1)]))
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC) + nudge


durations = st.one_of(
    st.timedeltas(min_value=US, max_value=timedelta(hours=300)),
    st.integers(min_value=1, max_value=300).map(lambda n: timedelta(minutes=n)),
)
dst_instants = st.one_of(instants(NEW_YORK), instants(TOKYO))


@PROPERTY_SETTINGS
@given(st.sampled_from(BUSINESS_CALENDARS), dst_instants, durations)
def test_add_is_the_earliest_instant_with_enough_open_time(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    due = calendar.add(start, duration)
    assert due >= start
    assert calendar.elapsed(start, due) == duration
    assert calendar.elapsed(start, due - US) < duration
    assert calendar.is_open(due - US)  # never lands inside a closed period


@PROPERTY_SETTINGS
@given(st.sampled_from(BUSINESS_CALENDARS), dst_instants, durations, durations)
def test_add_is_additive(
    calendar: BusinessCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    assert calendar.add(calendar.add(start, first), second) == calendar.add(start, first + second)


@PROPERTY_SETTINGS
@given(st.sampled_from(BUSINESS_CALENDARS), st.lists(dst_instants, min_size=3, max_size=3))
def test_elapsed_is_additive(calendar: BusinessCalendar, moments: list[datetime]) -> None:
    low, mid, high = sorted(moments)
    assert calendar.elapsed(low, high) == calendar.elapsed(low, mid) + calendar.elapsed(mid, high)
    assert calendar.elapsed(high, low) == timedelta(0)


@PROPERTY_SETTINGS
@given(st.sampled_from(BUSINESS_CALENDARS), dst_instants)
def test_next_open_and_zero_duration(calendar: BusinessCalendar, start: datetime) -> None:
    opening = calendar.next_open(start)
    assert opening >= start
    assert calendar.is_open(opening)
    assert calendar.elapsed(start, opening) == timedelta(0)
    assert (opening == start) == calendar.is_open(start)
    assert calendar.add(start, timedelta(0)) == start


@PROPERTY_SETTINGS
@given(instants(NEW_YORK), durations)
def test_round_the_clock_calendars_are_plain_addition(start: datetime, duration: timedelta) -> None:
    always = AlwaysCalendar("America/New_York")
    assert NY_ALL_DAY.add(start, duration) == start + duration == always.add(start, duration)
    assert NY_ALL_DAY.elapsed(start, start + duration) == duration
    assert always.elapsed(start, start + duration) == duration


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=3 * 366 * 24 * 60),
    st.integers(min_value=1, max_value=2 * 24 * 60),
)
def test_elapsed_matches_a_minute_by_minute_wall_clock_count(offset: int, length: int) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=offset)
    jp = holidays.country_holidays("JP", years=range(2025, 2030))
    closed = {date.fromisoformat(day) for day in NEW_YEAR_CLOSED}

    def open_at(moment: datetime) -> bool:
        local = moment.astimezone(TOKYO)
        if local.weekday() >= 5 or local.date() in jp or local.date() in closed:
            return False
        return 9 <= local.hour < 12 or 13 <= local.hour < 18

    minutes = sum(open_at(start + timedelta(minutes=i)) for i in range(length))
    assert JP_LUNCH.elapsed(start, start + timedelta(minutes=length)) == timedelta(minutes=minutes)


@PROPERTY_SETTINGS
@given(
    st.sampled_from([JP_OFFICE, JP_NEW_YEAR, NY_ODD]),
    dst_instants,
    st.sampled_from([time(9), time(0), time(23, 59)]),
)
def test_at_local_time_properties(calendar: BusinessCalendar, after: datetime, wall: time) -> None:
    snooze = calendar.at_local_time(after, wall)
    local = snooze.astimezone(ZoneInfo(calendar.timezone))
    assert snooze > after
    assert local.time() == wall
    assert calendar.is_business_day(local.date())
    assert calendar.at_local_time(after, wall) == snooze
    assert snooze - after < timedelta(days=12)
