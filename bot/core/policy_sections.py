"""Sections of the policy file beside the routes: business calendars, the weekly report,
outgoing webhooks, intake's dedupe window, privacy."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, field_validator

from bot.core.business_time import BusinessCalendar
from bot.core.calendar_spec import parse_closed, parse_weekly_hours
from bot.core.policy_values import Duration, Strict, check_channel_id, check_timezone, show

_WEEKLY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun) ([01]\d|2[0-3]):([0-5]\d)$")


def _closed_day(value: Any) -> Any:
    """One entry of a calendar's `closed:`: 2027-05-06, 12-31, 12-29..01-03, or a range
    of dates (calendar_spec.parse_closed)."""
    parse_closed([value])
    return value


ClosedDay = Annotated[date | str, BeforeValidator(_closed_day)]


class CalendarPolicy(Strict):
    timezone: str
    hours: dict[str, str | list[str]]
    holidays: str | None = None  # a country code the `holidays` package knows, e.g. JP
    holidays_subdiv: str | None = None
    closed: list[ClosedDay] = Field(default_factory=list)

    _check_tz = field_validator("timezone")(check_timezone)

    @field_validator("hours")
    @classmethod
    def _check_hours(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        parse_weekly_hours(value)
        return value

    @field_validator("closed")
    @classmethod
    def _check_closed(cls, value: list[date | str]) -> list[date | str]:
        parse_closed(value)  # each entry is checked alone; this checks them together
        return value

    def build(self) -> BusinessCalendar:
        return BusinessCalendar(
            self.timezone,
            parse_weekly_hours(self.hours),
            holidays_country=self.holidays,
            closed=self.closed,
            holidays_subdiv=self.holidays_subdiv,
        )


class WeeklyReportPolicy(Strict):
    """The weekly SLA report posted to a marketing channel."""

    channel: str
    weekly: str = "mon 09:00"  # weekday and local time it is posted
    calendar: str | None = None  # whose time zone `weekly` is in; default: `timezone`

    _check_channel = field_validator("channel")(check_channel_id)

    @field_validator("weekly")
    @classmethod
    def _check_weekly(cls, value: str) -> str:
        if not _WEEKLY.match(value.strip().lower()):
            raise ValueError(f'"{value}" is not a weekly time like "mon 09:00"')
        return value.strip().lower()

    @property
    def weekday(self) -> int:
        """Monday is 0."""
        return ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(self.weekly[:3])

    @property
    def at(self) -> time:
        hours, minutes = self.weekly[4:].split(":")
        return time(int(hours), int(minutes))


# The timeline events a webhook may subscribe to (`record_event` kinds; `stage` is a
# CRM's stage update, `outcome` a rep's).
WEBHOOK_EVENTS = (
    "handed_off",
    "claimed",
    "released",
    "first_touch",
    "outcome",
    "stage",
    "escalated",
    "reassigned",
)


class WebhookPolicy(Strict):
    """Where Baton POSTs a lead's events as signed JSON (bot/delivery/webhooks.py)."""

    url: str
    events: list[str] = Field(min_length=1)
    # The HMAC key of X-Baton-Signature, shared with the receiver (kept out of reprs).
    secret: str = Field(repr=False)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f'"{value}" is not an http(s) URL like https://hooks.example.com/baton'
            )
        return value.strip()

    @field_validator("events")
    @classmethod
    def _check_events(cls, value: list[str]) -> list[str]:
        for event in value:
            if event not in WEBHOOK_EVENTS:
                raise ValueError(
                    f"{show(event)} is not an event Baton sends (one of {', '.join(WEBHOOK_EVENTS)})"
                )
        return value

    @field_validator("secret")
    @classmethod
    def _check_secret(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty: the receiver checks the signature with it")
        return value


class PrivacyPolicy(Strict):
    """Personal data of leads (bot/leads/privacy.py)."""

    # Closed leads erased automatically this long after their outcome; None: never.
    erase_after: Duration | None = None
    # Who sees a lead's name, email and phone in /lead-status, App Home and DMs:
    # everyone; members (not guests); roles (only the policy's roles).
    contact_details: Literal["everyone", "members", "roles"] = "members"
    # Erasing a lead also erases its company (a sole trader's company is their name).
    erase_company: bool = False


class IntakePolicy(Strict):
    # A lead without external_id counts as a re-send of one with the same source and
    # email handed off within this window.
    dedupe_window: Duration = timedelta(hours=24)
