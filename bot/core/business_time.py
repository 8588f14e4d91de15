"""Business-time arithmetic for SLA clocks.

Open time is a union of half-open UTC intervals ``[start, end)`` built from weekly local
hours minus holidays and closed days, so DST nights count the seconds that really pass.
The hours and closed days are read from the policy by bot.core.calendar_spec.
All methods take aware datetimes (naive ones raise ``ValueError``) and return UTC ones.

* ``add(start, 0)`` is ``start`` itself: a zero SLA is due at once, even while closed.
* For a positive duration ``add`` returns the earliest instant by which that much open
  time has passed, so time running out at 18:00 closing is due at 18:00, not on Monday;
  this is what keeps ``add(add(s, a), b) == add(s, a + b)`` exact.
* Nonexistent or repeated local times (DST) resolve with zoneinfo's ``fold=0``; spans are
  clamped so they never overlap, and dropped if that leaves them no length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

from bot.core.calendar_spec import (
    DAYS,
    MIDNIGHT,
    day_offset,
    merge_spans,
    parse_closed,
)

__all__ = ["AlwaysCalendar", "BusinessCalendar", "Calendar"]

_Spans = tuple[tuple[datetime, datetime], ...]

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
# Guards the day-by-day scans against calendars whose open hours never materialise
# (e.g. years of closed dates); no real office is shut for ten years running.
_MAX_IDLE_DAYS = 3660


def _load_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValueError(f"{name!r} is not a known time zone, e.g. Asia/Tokyo") from None


def _to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} is a naive datetime; pass a timezone-aware one")
    return moment.astimezone(UTC)


def _check_duration(duration: timedelta) -> None:
    if duration < _ZERO:
        raise ValueError(f"duration must not be negative, got {duration}")


def _next_wall_time(
    after: datetime, zone: ZoneInfo, clock: time, counts: Callable[[date], bool]
) -> datetime:
    moment = _to_utc(after)
    wall = clock.replace(tzinfo=None, fold=0)
    day = moment.astimezone(zone).date() - _ONE_DAY
    for _ in range(_MAX_IDLE_DAYS):
        if counts(day):
            candidate = datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)
            if candidate > moment:
                return candidate
        day += _ONE_DAY
    raise ValueError(f"no business day within {_MAX_IDLE_DAYS} days after {after.isoformat()}")


@runtime_checkable
class Calendar(Protocol):
    """What the SLA clocks need from a calendar; see the module docstring for conventions."""

    @property
    def timezone(self) -> str: ...
    def is_business_day(self, day: date) -> bool: ...
    def is_open(self, at: datetime) -> bool: ...
    def next_open(self, at: datetime) -> datetime: ...
    def add(self, start: datetime, duration: timedelta) -> datetime: ...
    def elapsed(self, start: datetime, end: datetime) -> timedelta: ...
    def at_local_time(self, after: datetime, hh_mm: time) -> datetime: ...


class BusinessCalendar:
    """Weekly local hours minus public holidays and closed dates.

    Treat it as immutable (nothing public mutates it): the per-day and per-year caches
    only memoise pure results, so one instance can be built once and shared by threads.
    """

    def __init__(
        self,
        timezone: str,
        weekly_hours: Mapping[int, list[tuple[time, time]]],
        holidays_country: str | None = None,
        closed: Iterable[date | str] = (),
        holidays_subdiv: str | None = None,
    ) -> None:
        hours: list[tuple[tuple[time, time], ...]] = [() for _ in DAYS]
        for day, spans in weekly_hours.items():
            if not isinstance(day, int) or not 0 <= day <= 6:
                raise ValueError(f"weekday {day!r} must be 0 (Monday) to 6 (Sunday)")
            for start, end in spans:
                if day_offset(end, is_end=True) <= day_offset(start, is_end=False):
                    raise ValueError(f"span {start}-{end} on {DAYS[day]} ends before it starts")
            hours[day] = tuple(merge_spans(spans))
        if not any(hours):
            raise ValueError("calendar has no business hours")
        country = holidays_country.upper() if holidays_country else None
        if holidays_subdiv and not country:
            raise ValueError("holidays_subdiv needs holidays_country")
        if country:
            try:
                holidays_lib.country_holidays(country, subdiv=holidays_subdiv, years=())
            except NotImplementedError as exc:
                raise ValueError(f"unknown holiday country/subdivision: {exc}") from None
        closed_days = parse_closed(closed)
        self._zone = _load_zone(timezone)
        self._hours = tuple(hours)
        self._country = country
        self._subdiv = holidays_subdiv
        self._closed = closed_days
        self._holiday_cache: dict[int, frozenset[date]] = {}
        self._day_cache: dict[date, tuple[_Spans, timedelta]] = {}

    def __repr__(self) -> str:
        return f"BusinessCalendar({self._zone.key!r}, holidays={self._country!r})"

    @property
    def timezone(self) -> str:
        return self._zone.key

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` (a local date) has weekly hours and is neither a holiday nor closed."""
        if not self._hours[day.weekday()] or day in self._closed:
            return False
        if self._country is None:
            return True
        year = self._holiday_cache.get(day.year)
        if year is None:
            found = holidays_lib.country_holidays(
                self._country, subdiv=self._subdiv, years=day.year
            )
            year = self._holiday_cache[day.year] = frozenset(found)
        return day not in year

    def _raw_spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's spans in UTC, clamped so DST can never make them overlap or invert."""
        if not self.is_business_day(day):
            return []
        spans: list[tuple[datetime, datetime]] = []
        for start_t, end_t in self._hours[day.weekday()]:
            end_day = day + _ONE_DAY if end_t == MIDNIGHT else day
            start = datetime.combine(day, start_t, tzinfo=self._zone).astimezone(UTC)
            end = datetime.combine(end_day, end_t, tzinfo=self._zone).astimezone(UTC)
            if spans and start < spans[-1][1]:
                start = spans[-1][1]
            if end > start:
                spans.append((start, end))
        return spans

    def _day(self, day: date) -> tuple[_Spans, timedelta]:
        cached = self._day_cache.get(day)
        if cached is None:
            # Clamp against the previous day too: a zone that skips or repeats a whole
            # day around midnight would otherwise count the same instants twice.
            # A non-empty cached day ends where its raw spans end; reuse it when scanning on.
            known = self._day_cache.get(day - _ONE_DAY)
            previous = known[0] if known and known[0] else self._raw_spans(day - _ONE_DAY)
            floor = previous[-1][1] if previous else datetime.min.replace(tzinfo=UTC)
            spans = tuple(
                (max(start, floor), end) for start, end in self._raw_spans(day) if end > floor
            )
            cached = self._day_cache[day] = (spans, sum((e - s for s, e in spans), _ZERO))
        return cached

    def _walk(self, moment: datetime) -> Iterator[tuple[date, _Spans, timedelta]]:
        # Start a day early: the previous local day's last span may end after midnight.
        day = moment.astimezone(self._zone).date() - _ONE_DAY
        idle = 0
        while True:
            spans, total = self._day(day)
            idle = 0 if spans else idle + 1
            if idle > _MAX_IDLE_DAYS:
                raise ValueError(f"no business hours within {_MAX_IDLE_DAYS} days of {moment}")
            yield day, spans, total
            day += _ONE_DAY

    def is_open(self, at: datetime) -> bool:
        moment = _to_utc(at)
        local_day = moment.astimezone(self._zone).date()
        return any(
            start <= moment < end
            for day in (local_day - _ONE_DAY, local_day)
            for start, end in self._day(day)[0]
        )

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself if open, else the start of the next open span."""
        moment = _to_utc(at)
        for _, spans, _total in self._walk(moment):
            for start, end in spans:
                if end > moment:
                    return max(start, moment)
        raise AssertionError("unreachable: _walk never ends")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which ``duration`` of open time has passed since ``start``."""
        _check_duration(duration)
        moment = _to_utc(start)
        if not duration:
            return moment
        remaining = duration
        for _, spans, total in self._walk(moment):
            if not spans or spans[-1][1] <= moment:
                continue
            if spans[0][0] >= moment and total < remaining:
                remaining -= total
                continue
            for span_start, span_end in spans:
                if span_end <= moment:
                    continue
                begin = max(span_start, moment)
                if remaining <= span_end - begin:
                    return begin + remaining
                remaining -= span_end - begin
        raise AssertionError("unreachable: _walk never ends")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time between ``start`` and ``end``; zero if ``end <= start``."""
        low, high = _to_utc(start), _to_utc(end)
        if high <= low:
            return _ZERO
        last_day = high.astimezone(self._zone).date() + _ONE_DAY
        total_open = _ZERO
        for day, spans, total in self._walk(low):
            if day > last_day or (spans and spans[0][0] >= high):
                break
            if spans and spans[0][0] >= low and spans[-1][1] <= high:
                total_open += total
                continue
            for span_start, span_end in spans:
                overlap = min(span_end, high) - max(span_start, low)
                if overlap > _ZERO:
                    total_open += overlap
        return total_open

    def at_local_time(self, after: datetime, hh_mm: time) -> datetime:
        """The next local ``hh_mm`` on a business day, strictly after ``after``."""
        return _next_wall_time(after, self._zone, hh_mm, self.is_business_day)


class AlwaysCalendar:
    """Wall-clock time, 24/7: every instant is open and every day counts."""

    def __init__(self, timezone: str = "UTC") -> None:
        self._zone = _load_zone(timezone)

    def __repr__(self) -> str:
        return f"AlwaysCalendar({self._zone.key!r})"

    @property
    def timezone(self) -> str:
        return self._zone.key

    def is_business_day(self, day: date) -> bool:
        return True

    def is_open(self, at: datetime) -> bool:
        _to_utc(at)
        return True

    def next_open(self, at: datetime) -> datetime:
        return _to_utc(at)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        _check_duration(duration)
        # Arithmetic in UTC counts real elapsed time, so DST changes cannot skew it.
        return _to_utc(start) + duration

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        return max(_to_utc(end) - _to_utc(start), _ZERO)

    def at_local_time(self, after: datetime, hh_mm: time) -> datetime:
        return _next_wall_time(after, self._zone, hh_mm, self.is_business_day)
