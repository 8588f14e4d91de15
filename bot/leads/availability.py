"""Who can take a lead, by one rule, and away.

A rep is available when inside their working hours (their own calendar in the policy's
`rep_calendars`, else the route's), not away, under the route's caps (`max_open`,
`max_per_day`) and not already offered this lead (the rule: bot.leads.pool, which asks
it of a route's pool). Away is a row in `people` (`/lead-status away`, App Home): set by
the rep or a manager, from now until a date or until they are back; or, where the
policy lists `away_status_emoji`, their Slack status as last heard.

What counts as a rep's lead, for the caps and for `balanced` fairness: one assigned to
them, an offer they accepted, or an offer still waiting for their answer. Open leads
(`max_open`) are the leads they own that are not yet an opportunity or closed, and the
offers waiting for them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from bot.core.policy import Policy
from bot.store import people
from bot.store.assignment_models import Answer, AssignKind, Assignment
from bot.store.database import upsert
from bot.store.models import PEOPLE_TABLE, Person


class NotAvailable(enum.StrEnum):
    AWAY = "away"
    OFF_HOURS = "off_hours"
    AT_MAX_OPEN = "at_max_open"
    AT_MAX_PER_DAY = "at_max_per_day"
    OFFERED = "offered"  # already offered this lead


@dataclass(frozen=True)
class RepState:
    user: str
    why_not: NotAvailable | None
    away_until: datetime | None = None  # when away: until when (None: until back)
    away_status: str | None = None  # away by their Slack status: its emoji
    open_leads: int = 0
    today: int = 0

    @property
    def available(self) -> bool:
        return self.why_not is None


def counts_as_given() -> ColumnElement[bool]:
    """An assignment that counts as the rep's lead: assigned, accepted, or still waiting."""
    return or_(
        Assignment.kind == AssignKind.ASSIGNED,
        Assignment.answer == Answer.ACCEPTED,
        Assignment.answer.is_(None),
    )


def is_away(away_from: datetime | None, away_until: datetime | None, now: datetime) -> bool:
    return away_from is not None and away_from <= now and (away_until is None or now < away_until)


def away_by_row(
    policy: Policy, row: Any, now: datetime
) -> tuple[datetime | None, str | None] | None:
    """Whether a person's row (away_from, away_until, status_emoji, status_until) says
    they are away now: until when, and the Slack status emoji that says so (when that
    is why); None when they are not."""
    if is_away(row.away_from, row.away_until, now):
        return row.away_until, None
    emoji, until = row.status_emoji, row.status_until
    if emoji in policy.away_status_emoji and (until is None or now < until):
        return until, emoji
    return None


def refresh_statuses(session: Session, policy: Policy, users: list[str], now: datetime) -> None:
    """When Slack statuses count as away, queue a look-up of each of `users` whose status
    Baton last heard more than a few minutes ago (bot.store.people): a choice never
    waits for Slack, and the next one sees the answer."""
    if not policy.away_status_emoji or not users:
        return
    known = dict(
        (user, (checked, asked))
        for user, checked, asked in session.connection().execute(
            select(Person.user_id, Person.checked_at, Person.asked_at).where(
                Person.user_id.in_(users)
            )
        )
    )
    for user in users:
        checked, asked = known.get(user, (None, None))
        people.ask_if_stale(session, user, checked, asked, now)


def start_of_day(timezone: str, now: datetime) -> datetime:
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), zone)


# --- away ---------------------------------------------------------------------------


def set_away(
    session: Session, user_id: str, *, until: datetime | None, by: str, now: datetime
) -> None:
    """Mark `user_id` away from now until `until` (None: until they are back)."""
    values = {"user_id": user_id, "away_from": now, "away_until": until, "away_set_by": by}
    upsert(session, PEOPLE_TABLE, values, "user_id")


def set_back(session: Session, user_id: str, *, by: str) -> None:
    values = {"user_id": user_id, "away_from": None, "away_until": None, "away_set_by": by}
    upsert(session, PEOPLE_TABLE, values, "user_id")


@dataclass(frozen=True)
class Away:
    until: datetime | None  # None: until they say they are back
    set_by: str | None


def away_of(session: Session, user_id: str, now: datetime) -> Away | None:
    """Whether `user_id` is away now, and until when; None when they are not."""
    row = session.execute(
        select(Person.away_from, Person.away_until, Person.away_set_by).where(
            Person.user_id == user_id
        )
    ).first()
    if row is None or not is_away(row.away_from, row.away_until, now):
        return None
    return Away(row.away_until, row.away_set_by)
