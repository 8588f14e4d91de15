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

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select, text
from sqlalchemy.orm import Session

from bot.core.policy import Policy, Route
from bot.leads.states import WORKED
from bot.store import people
from bot.store.assignment_models import PENDING_OFFER, Answer, AssignKind, Assignment
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
    (what `/lead-status pool` shows).

    Each question is one grouped query (plain rows, no ORM) over what is small by nature (people away, open
    leads, today's and the window's assignments), not a query naming every member: a
    pool of 500 named in an IN list cost more to send and plan than to answer. Each
    calendar and time zone is asked once, not once a member."""
    if not users:
        return []
    assign = route.assign
    pool = set(users)
    away = _away(session, policy, pool, now)
    open_leads = _open_leads(session, pool) if assign.max_open or count else {}
    today = _given_today(session, policy, route, users, now) if assign.max_per_day or count else {}
    window = _given_in_window(session, route, pool, now) if assign.strategy == "balanced" else {}
    already = set(offered)
    calendars = policy.rep_calendars_of(users, route)
    open_now: dict[int, bool] = {}
    states = []
    for user in users:
        calendar = calendars[user]
        is_open = open_now.get(id(calendar))
        if is_open is None:
            is_open = open_now[id(calendar)] = calendar.is_open(now)
        why_not: NotAvailable | None = None
        if user in already:
            why_not = NotAvailable.OFFERED
        elif user in away:
            why_not = NotAvailable.AWAY
        elif not is_open:
            why_not = NotAvailable.OFF_HOURS
        elif assign.max_open and open_leads.get(user, 0) >= assign.max_open:
            why_not = NotAvailable.AT_MAX_OPEN
        elif assign.max_per_day and today.get(user, 0) >= assign.max_per_day:
            why_not = NotAvailable.AT_MAX_PER_DAY
        until, status = away.get(user, (None, None))
        states.append(
            RepState(
                user,
                why_not,
                away_until=until,
                away_status=status,
                open_leads=open_leads.get(user, 0),
                today=today.get(user, 0),
                in_window=window.get(user, 0),
            )
        )
    return states


def _away(
    session: Session, policy: Policy, pool: set[str], now: datetime
) -> dict[str, tuple[datetime | None, str | None]]:
    """Who is away now: until when, and the Slack status emoji that says so (if that is
    why: the policy's `away_status_emoji`, as Slack last told it)."""
    by_status = list(policy.away_status_emoji)
    marked = Person.away_from.is_not(None)
    query = select(
        Person.user_id,
        Person.away_from,
        Person.away_until,
        Person.status_emoji,
        Person.status_until,
    ).where(or_(marked, Person.status_emoji.in_(by_status)) if by_status else marked)
    away: dict[str, tuple[datetime | None, str | None]] = {}
    for user, since, until, emoji, emoji_until in session.connection().execute(query):
        if user not in pool:
            continue
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
        for user, checked, asked in session.connection().execute(
            select(Person.user_id, Person.checked_at, Person.asked_at).where(
                Person.user_id.in_(users)
            )
        )
    )
    for user in users:
        checked, asked = known.get(user, (None, None))
        people.ask_if_stale(session, user, checked, asked, now)


_OPEN = (
    select(Lead.owner_id, func.count())
    .where(Lead.status.in_([str(s) for s in WORKED]))
    .group_by(Lead.owner_id)
)
# The partial index's own predicate, as literal SQL: a bound parameter for the kind
# would keep SQLite from seeing that the index covers the query.
_WAITING = (
    select(Assignment.user_id, func.count()).where(text(PENDING_OFFER)).group_by(Assignment.user_id)
)


def _open_leads(session: Session, pool: set[str]) -> dict[str, int]:
    """Leads each member owns that are not yet an opportunity, and offers waiting for them."""
    counts: dict[str, int] = {}
    for user, n in [*session.connection().execute(_OPEN), *session.connection().execute(_WAITING)]:
        if user in pool:
            counts[user] = counts.get(user, 0) + n
    return counts


def _given_today(
    session: Session, policy: Policy, route: Route, users: list[str], now: datetime
) -> dict[str, int]:
    """Leads given to each rep since the start of their own day (all routes)."""
    zones = {user: cal.timezone for user, cal in policy.rep_calendars_of(users, route).items()}
    starts = {zone: _start_of_day(zone, now) for zone in set(zones.values())}
    counts: dict[str, int] = {}
    if len(starts) == 1:  # one time zone (the usual pool): counted by the database
        [start] = starts.values()
        rows = session.connection().execute(_GIVEN_SINCE, {"since": start})
        return {user: n for user, n in rows if user in zones}
    for user, at in session.connection().execute(
        select(Assignment.user_id, Assignment.at).where(
            Assignment.at >= min(starts.values()), counts_as_given()
        )
    ):
        if user in zones and at >= starts[zones[user]]:
            counts[user] = counts.get(user, 0) + 1
    return counts


def _given_in_window(
    session: Session, route: Route, pool: set[str], now: datetime
) -> dict[str, int]:
    since = now - route.assign.balance_window
    rows = session.connection().execute(_GIVEN_IN_WINDOW, {"route": route.name, "since": since})
    return {user: n for user, n in rows if user in pool}


def last_given(
    session: Session, route: Route, users: list[str], now: datetime
) -> dict[str, datetime]:
    """When each of `users` was last given a lead of `route` within the window (for the
    few a balanced choice finds tied)."""
    since = now - route.assign.balance_window
    rows = session.connection().execute(
        select(Assignment.user_id, func.max(Assignment.at, type_=UTCDateTime()))
        .where(_IN_WINDOW, Assignment.user_id.in_(users))
        .group_by(Assignment.user_id),
        {"route": route.name, "since": since},
    )
    return {user: at for user, at in rows}


# Built once: a choice runs them each time, and building them cost more than running.
_GIVEN_SINCE = (
    select(Assignment.user_id, func.count())
    .where(Assignment.at >= bindparam("since"), counts_as_given())
    .group_by(Assignment.user_id)
)
# A route's leads given within its window (parameters: route, since).
_IN_WINDOW = and_(
    Assignment.route == bindparam("route"),
    Assignment.at >= bindparam("since"),
    counts_as_given(),
)
_GIVEN_IN_WINDOW = (
    select(Assignment.user_id, func.count()).where(_IN_WINDOW).group_by(Assignment.user_id)
)


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
