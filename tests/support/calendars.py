"""Business calendars the business-time tests share: Tokyo office hours (with the New
Year closure, with a lunch break) and New York calendars whose spans meet the DST
switches."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.business_time import BusinessCalendar
from bot.core.calendar_spec import parse_weekly_hours

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
US = timedelta(microseconds=1)
NEW_YEAR_CLOSED = ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-02", "2027-01-03"]

JP_OFFICE = BusinessCalendar("Asia/Tokyo", parse_weekly_hours({"mon-fri": "09:00-18:00"}), "JP")
JP_NEW_YEAR = BusinessCalendar(
    "Asia/Tokyo", parse_weekly_hours({"mon-fri": "09:00-18:00"}), "JP", NEW_YEAR_CLOSED
)
JP_LUNCH = BusinessCalendar(
    "Asia/Tokyo",
    parse_weekly_hours({"mon-fri": ["09:00-12:00", "13:00-18:00"]}),
    "JP",
    NEW_YEAR_CLOSED,
)
NY_ALL_DAY = BusinessCalendar("America/New_York", parse_weekly_hours({"mon-sun": "00:00-24:00"}))
NY_NIGHT = BusinessCalendar("America/New_York", parse_weekly_hours({"mon-sun": "01:00-03:00"}))
# Spans that straddle the 02:00 DST switch, to stress the fold=0 handling.
NY_ODD = BusinessCalendar(
    "America/New_York",
    parse_weekly_hours(
        {
            "mon-fri": ["00:00-02:45", "03:00-04:00", "08:30-17:00"],
            "sat": "01:00-03:00",
            "sun": "02:30-03:00",
        }
    ),
    "US",
    ["2026-11-27"],
)


def tokyo(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def new_york(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK, fold=fold)
