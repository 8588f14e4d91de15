"""A calendar's hours and closed days as the policy writes them (`calendars:` in
baton.yml), read into what bot.core.business_time counts with. A ValueError says which
entry is wrong and how to write it.

Hours: ``{"mon-fri": "09:00-18:00", "sat": ["10:00-12:00", "13:00-15:00"]}``; 24:00 is
written as the end of a span that runs to midnight. Closed days are dates
(``2027-05-06``), date ranges (``2027-05-01..2027-05-05``), or yearly days and ranges
(``08-15``, ``12-29..01-03``, which crosses New Year); ranges include both ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, time, timedelta

WeeklyHours = dict[int, list[tuple[time, time]]]
MonthDay = tuple[int, int]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# An end of 00:00 stands for 24:00, which datetime.time cannot represent.
MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)
_SPAN_RE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_DAY_RE = re.compile(r"(\d{2})-(\d{2})")
_CLOSED_FORMS = "a date (2027-05-06), a yearly day (12-31) or a range of either (12-29..01-03)"
_LEAP_YEAR = 2000  # every month-day exists in it, 02-29 included


def day_offset(t: time, *, is_end: bool) -> timedelta:
    if is_end and t == MIDNIGHT:
        return _ONE_DAY
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def merge_spans(spans: Iterable[tuple[time, time]]) -> list[tuple[time, time]]:
    """Sort spans and merge the ones that overlap or touch."""
    merged: list[tuple[time, time]] = []
    for start, end in sorted(spans, key=lambda span: day_offset(span[0], is_end=False)):
        last_end = day_offset(merged[-1][1], is_end=True) if merged else None
        if last_end is None or day_offset(start, is_end=False) > last_end:
            merged.append((start, end))
        elif day_offset(end, is_end=True) > last_end:
            merged[-1] = (merged[-1][0], end)
    return merged


def _parse_days(key: object) -> list[int]:
    problem = f"{key!r} is not a weekday or range like mon-fri"
    if not isinstance(key, str) or not key.strip():
        raise ValueError(problem)
    days: list[int] = []
    for part in key.lower().split(","):
        bounds = [bound.strip() for bound in part.split("-")]
        if len(bounds) > 2 or any(bound not in DAYS for bound in bounds):
            raise ValueError(problem)
        first, last = DAYS.index(bounds[0]), DAYS.index(bounds[-1])
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
    end = MIDNIGHT if end_h == 24 else time(end_h, end_m)
    if end_h != 24 and end <= start:
        hint = " (write 24:00 for midnight)" if end == MIDNIGHT else ""
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
    return {day: merge_spans(spans) for day, spans in sorted(collected.items()) if spans}


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
