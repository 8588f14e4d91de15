"""Who of a route's pool can take a lead now, and why the others cannot.

A rep is available when inside their working hours (their own calendar in the policy's
`rep_calendars`, else the route's), not away, under the route's caps (`max_open`,
`max_per_day`) and not already offered this lead. Away is a row in `people`
(`/lead-status away`, App Home): set by the rep or a manager, from now until a date or
until they are back.

What counts as a rep's lead, for the caps and for `balanced` fairness: one assigned to
them, an offer they accepted, or an offer still waiting for their answer. Open leads
(`max_open`) are the leads they own that are not yet an opportunity or closed, and the
offers waiting for them.

One query per question for the whole pool (a pool may have hundreds of reps), each
through an index: people by key, leads by (owner_id, status), assignments by
(user_id, at) and (route, at).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from bot.core.policy import Policy, Route
from bot.leads.states import WORKED
from bot.store import people
from bot.store.assignment_models import Answer, AssignKind, Assignment
from bot.store.base import UTCDateTime
from bot.store.database import upsert
from bot.store.models import PEOPLE_TABLE, Lead, Person


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
    in_window: int = 0  # the route's leads given to them within `window`
    last_given: datetime | None = None  # the last of those

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


def survey(
    session: Session,
    policy: Policy,
    route: Route,
    users: list[str],
    now: datetime,
    *,
    offered: Iterable[str] = (),
    count: bool = False,
) -> list[RepState]:
    """Each of `users` (the route's pool, user ids) as they stand now, in pool order.
    Open leads and today's leads are counted where a cap needs them, or all with `count`
    (what `/lead-status pool` shows)."""
    if not users:
        return []
    assign = route.assign
    away = _away(session, policy, users, now)
    open_leads = _open_leads(session, users) if assign.max_open or count else {}
    today = _given_today(session, policy, route, users, now) if assign.max_per_day or count else {}
    window = _given_in_window(session, route, users, now) if assign.strategy == "balanced" else {}
    already = set(offered)
    states = []
    for user in users:
        why_not: NotAvailable | None = None
        if user in already:
            why_not = NotAvailable.OFFERED
        elif user in away:
            why_not = NotAvailable.AWAY
        elif not policy.rep_calendar(user, route).is_open(now):
            why_not = NotAvailable.OFF_HOURS
        elif assign.max_open and open_leads.get(user, 0) >= assign.max_open:
            why_not = NotAvailable.AT_MAX_OPEN
        elif assign.max_per_day and today.get(user, 0) >= assign.max_per_day:
            why_not = NotAvailable.AT_MAX_PER_DAY
        given, last = window.get(user, (0, None))
        until, status = away.get(user, (None, None))
        states.append(
            RepState(
                user,
                why_not,
                away_until=until,
                away_status=status,
                open_leads=open_leads.get(user, 0),
                today=today.get(user, 0),
                in_window=given,
                last_given=last,
            )
        )
    return states


def _away(
    session: Session, policy: Policy, users: list[str], now: datetime
) -> dict[str, tuple[datetime | None, str | None]]:
    """Who is away now: until when, and the Slack status emoji that says so (if that is
    why: the policy's `away_status_emoji`, as Slack last told it)."""
    by_status = set(policy.away_status_emoji)
    query = select(
        Person.user_id,
        Person.away_from,
        Person.away_until,
        Person.status_emoji,
        Person.status_until,
    ).where(Person.user_id.in_(users))
    if not by_status:
        query = query.where(Person.away_from.is_not(None))
    away: dict[str, tuple[datetime | None, str | None]] = {}
    for user, since, until, emoji, emoji_until in session.execute(query):
        if is_away(since, until, now):
            away[user] = (until, None)
        elif emoji in by_status and (emoji_until is None or now < emoji_until):
            away[user] = (emoji_until, emoji)
    return away


def refresh_statuses(session: Session, policy: Policy, users: list[str], now: datetime) -> None:
    """When Slack statuses count as away, queue a look-up of each of `users` whose status
    Baton last heard more than a few minutes ago (bot.store.people): a choice never
    waits for Slack, and the next one sees the answer."""
    if not policy.away_status_emoji or not users:
        return
    known = dict(
        (user, (checked, asked))
        for user, checked, asked in session.execute(
            select(Person.user_id, Person.checked_at, Person.asked_at).where(
                Person.user_id.in_(users)
            )
        )
    )
    for user in users:
        checked, asked = known.get(user, (None, None))
        people.ask_if_stale(session, user, checked, asked, now)


def _open_leads(session: Session, users: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    owned = session.execute(
        select(Lead.owner_id, func.count())
        .where(Lead.owner_id.in_(users), Lead.status.in_([str(s) for s in WORKED]))
        .group_by(Lead.owner_id)
    )
    waiting = session.execute(
        select(Assignment.user_id, func.count())
        .where(
            Assignment.user_id.in_(users),
            Assignment.kind == AssignKind.OFFERED,
            Assignment.answer.is_(None),
        )
        .group_by(Assignment.user_id)
    )
    for user, n in [*owned, *waiting]:
        counts[user] = counts.get(user, 0) + n
    return counts


def _given_today(
    session: Session, policy: Policy, route: Route, users: list[str], now: datetime
) -> dict[str, int]:
    """Leads given to each rep since the start of their own day (all routes)."""
    starts = {user: _start_of_day(policy.rep_calendar(user, route).timezone, now) for user in users}
    rows = session.execute(
        select(Assignment.user_id, Assignment.at).where(
            Assignment.user_id.in_(users), Assignment.at >= min(starts.values()), counts_as_given()
        )
    )
    counts: dict[str, int] = {}
    for user, at in rows:
        if at >= starts[user]:
            counts[user] = counts.get(user, 0) + 1
    return counts


def _given_in_window(
    session: Session, route: Route, users: list[str], now: datetime
) -> dict[str, tuple[int, datetime | None]]:
    rows = session.execute(
        select(Assignment.user_id, func.count(), func.max(Assignment.at, type_=UTCDateTime()))
        .where(
            and_(
                Assignment.route == route.name,
                Assignment.at >= now - route.assign.balance_window,
                counts_as_given(),
            )
        )
        .group_by(Assignment.user_id)
    )
    wanted = set(users)
    return {user: (n, last) for user, n, last in rows if user in wanted}


def _start_of_day(timezone: str, now: datetime) -> datetime:
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
