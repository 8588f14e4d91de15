"""Business-time arithmetic for SLA clocks.

Open time is a union of half-open UTC intervals ``[start, end)`` built from weekly local
hours minus holidays and closed days, so DST nights count the seconds that really pass.
Closed days are dates (``2027-05-06``), date ranges (``2027-05-01..2027-05-05``), or
yearly days and ranges (``08-15``, ``12-29..01-03``, which crosses New Year); ranges
include both ends.
All methods take aware datetimes (naive ones raise ``ValueError``) and return UTC ones.

* ``add(start, 0)`` is ``start`` itself: a zero SLA is due at once, even while closed.
* For a positive duration ``add`` returns the earliest instant by which that much open
  time has passed, so time running out at 18:00 closing is due at 18:00, not on Monday;
  this is what keeps ``add(add(s, a), b) == add(s, a + b)`` exact.
* Nonexistent or repeated local times (DST) resolve with zoneinfo's ``fold=0``; spans are
  clamped so they never overlap, and dropped if that leaves them no length.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

__all__ = [
    "AlwaysCalendar",
    "BusinessCalendar",
    "Calendar",
    "ClosedDays",
    "parse_closed",
    "parse_weekly_hours",
]

WeeklyHours = dict[int, list[tuple[time, time]]]
_Spans = tuple[tuple[datetime, datetime], ...]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN_RE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_DAY_RE = re.compile(r"(\d{2})-(\d{2})")
_CLOSED_FORMS = "a date (2027-05-06), a yearly day (12-31) or a range of either (12-29..01-03)"
_LEAP_YEAR = 2000  # every month-day exists in it, 02-29 included
# An end of 00:00 stands for 24:00, which datetime.time cannot represent.
_MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
# Guards the day-by-day scans against calendars whose open hours never materialise
# (e.g. years of closed dates); no real office is shut for ten years running.
_MAX_IDLE_DAYS = 3660


def _day_offset(t: time, *, is_end: bool) -> timedelta:
    if is_end and t == _MIDNIGHT:
        return _ONE_DAY
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _merge(spans: Iterable[tuple[time, time]]) -> list[tuple[time, time]]:
    """Sort spans and merge the ones that overlap or touch."""
    merged: list[tuple[time, time]] = []
    for start, end in sorted(spans, key=lambda span: _day_offset(span[0], is_end=False)):
        last_end = _day_offset(merged[-1][1], is_end=True) if merged else None
        if last_end is None or _day_offset(start, is_end=False) > last_end:
            merged.append((start, end))
        elif _day_offset(end, is_end=True) > last_end:
            merged[-1] = (merged[-1][0], end)
    return merged


def _parse_days(key: object) -> list[int]:
    problem = f"{key!r} is not a weekday or range like mon-fri"
    if not isinstance(key, str) or not key.strip():
        raise ValueError(problem)
    days: list[int] = []
    for part in key.lower().split(","):
        bounds = [bound.strip() for bound in part.split("-")]
        if len(bounds) > 2 or any(bound not in _DAYS for bound in bounds):
            raise ValueError(problem)
        first, last = _DAYS.index(bounds[0]), _DAYS.index(bounds[-1])
        days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    return days


def _parse_span(key: str, text: object) -> tuple[time, time]:
    match = _SPAN_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{key!r}: {text!r} is not a time span like 09:00-18:00")
    start_h, start_m, end_h, end_m = (int(group) for group in match.groups())
    if start_h > 23 or start_m > 59 or end_h > 24 or end_m > 59 or (end_h == 24 and end_m):
        raise ValueError(
            f"{key!r}: {text!r} has an impossible time "
            "(hours 00-23, minutes 00-59; 24:00 only as an end)"
        )
    start = time(start_h, start_m)
    end = _MIDNIGHT if end_h == 24 else time(end_h, end_m)
    if end_h != 24 and end <= start:
        hint = " (write 24:00 for midnight)" if end == _MIDNIGHT else ""
        raise ValueError(f"{key!r}: {text!r} ends before it starts{hint}")
    return start, end


def parse_weekly_hours(spec: Mapping[str, str | list[str]]) -> WeeklyHours:
    """Turn ``{"mon-fri": "09:00-18:00", "sat": ["10:00-12:00", "13:00-15:00"]}`` into
    ``{weekday: [(start, end), ...]}`` with Monday = 0.

    An end of ``time(0)`` in the result means 24:00. Days named by several keys get the
    union of their spans; days not named are closed.
    """
    if not isinstance(spec, Mapping):
        raise ValueError(
            f"hours must map days to spans like {{mon-fri: 09:00-18:00}}, got {spec!r}"
        )
    collected: dict[int, list[tuple[time, time]]] = {}
    for key, value in spec.items():
        days = _parse_days(key)
        texts = value if isinstance(value, list) else [value]
        spans = [_parse_span(key, text) for text in texts]
        for day in days:
            collected.setdefault(day, []).extend(spans)
    return {day: _merge(spans) for day, spans in sorted(collected.items()) if spans}


MonthDay = tuple[int, int]


class ClosedDays:
    """The days a calendar is shut besides its weekly hours and public holidays."""

    def __init__(
        self,
        dates: Iterable[tuple[date, date]] = (),
        yearly: Iterable[tuple[MonthDay, MonthDay]] = (),
    ) -> None:
        self._dates = tuple(dates)
        self._yearly = tuple(yearly)

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return any(first <= day <= last for first, last in self._dates) or self._yearly_closed(
            (day.month, day.day)
        )

    def _yearly_closed(self, month_day: MonthDay) -> bool:
        # A range whose end comes before its start crosses New Year.
        return any(
            first <= month_day <= last if first <= last else month_day >= first or month_day <= last
            for first, last in self._yearly
        )

    def every_day(self) -> bool:
        """Whether the yearly closures leave no day of the year open."""
        first = date(_LEAP_YEAR, 1, 1)
        days = (first + timedelta(days=n) for n in range(366))
        return all(self._yearly_closed((day.month, day.day)) for day in days)


def _closed_problem(item: object) -> ValueError:
    return ValueError(f"closed day {item!r} is not {_CLOSED_FORMS}")


def _month_day(text: str, item: object) -> MonthDay:
    match = _MONTH_DAY_RE.fullmatch(text)
    if match is None:
        raise _closed_problem(item)
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(_LEAP_YEAR, month, day)
    except ValueError:
        raise _impossible(text, item, "a month and day (MM-DD)") from None
    return month, day


def _one_date(text: str, item: object) -> date:
    if _DATE_RE.fullmatch(text) is None:
        raise _closed_problem(item)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _impossible(text, item, "a date (YYYY-MM-DD)") from None


def _impossible(text: str, item: object, what: str) -> ValueError:
    if text == item:
        return ValueError(f"closed day {item!r} is not {what}")
    return ValueError(f"closed days {item!r}: {text} is not {what}")


def parse_closed(items: Iterable[date | str]) -> ClosedDays:
    """Read a calendar's ``closed:`` list (see the module docstring); a ValueError names
    the entry that is wrong."""
    dates: list[tuple[date, date]] = []
    yearly: list[tuple[MonthDay, MonthDay]] = []
    for item in items:
        if isinstance(item, date):  # a datetime too: keep only its calendar day
            day = date(item.year, item.month, item.day)
            dates.append((day, day))
            continue
        if not isinstance(item, str):
            raise _closed_problem(item)
        bounds = [bound.strip() for bound in item.split("..")]
        if len(bounds) > 2 or not all(bounds):
            raise _closed_problem(item)
        if all(_DATE_RE.fullmatch(bound) for bound in bounds):
            first, last = (_one_date(bound, item) for bound in (bounds[0], bounds[-1]))
            if last < first:
                raise ValueError(f"closed days {item!r} end before they start")
            dates.append((first, last))
        elif len(bounds) == 1 or not any(_DATE_RE.fullmatch(bound) for bound in bounds):
            yearly.append((_month_day(bounds[0], item), _month_day(bounds[-1], item)))
        else:
            raise ValueError(
                f"closed days {item!r} mix a date and a yearly day; "
                "write both ends alike (2027-05-01..2027-05-05 or 05-01..05-05)"
            )
    closed = ClosedDays(dates, yearly)
    if yearly and closed.every_day():
        raise ValueError("the closed days leave no day of the year open")
    return closed


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
        hours: list[tuple[tuple[time, time], ...]] = [() for _ in _DAYS]
        for day, spans in weekly_hours.items():
            if not isinstance(day, int) or not 0 <= day <= 6:
                raise ValueError(f"weekday {day!r} must be 0 (Monday) to 6 (Sunday)")
            for start, end in spans:
                if _day_offset(end, is_end=True) <= _day_offset(start, is_end=False):
                    raise ValueError(f"span {start}-{end} on {_DAYS[day]} ends before it starts")
            hours[day] = tuple(_merge(spans))
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
            end_day = day + _ONE_DAY if end_t == _MIDNIGHT else day
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
