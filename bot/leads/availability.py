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

A pool may have hundreds of reps: working hours are one question per calendar; whether
a rep is away and their caps' counts are asked when a choice gets to them
(`Pool.can_take`: one statement, through people's key and the indexes on leads
(owner_id, status) and assignments (user_id, at)), or for everyone in one grouped
query per question when everyone's state is wanted (`Pool.survey`: `/lead-status
pool`, why nobody could take a lead).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, bindparam, func, literal, or_, select, text
from sqlalchemy.orm import Session

from bot.core.policy import Policy, Route
from bot.leads.states import WORKED
from bot.store import people
from bot.store.assignment_models import PENDING_OFFER, Answer, AssignKind, Assignment
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


class Pool:
    """The members of a route's pool as they stand now: what is cheap to know of all of
    them (whose working hours are on) asked once, whether they are away and their caps
    asked of one rep (`can_take`), or of all at once (`survey`).

    A choice asks rep by rep, in the order it would pick them, and stops at the first
    available: it counts the caps of one or two reps, not of a pool of hundreds. What it
    learns of a rep is kept for the next choice in the same turn, with the leads given
    meanwhile in writes held to the commit (`gave`)."""

    def __init__(
        self,
        session: Session,
        policy: Policy,
        route: Route,
        users: list[str],
        now: datetime,
        *,
        offered: Iterable[str] = (),
    ) -> None:
        self.session, self.policy, self.route, self.users = session, policy, route, users
        self.now = now
        self.offered = set(offered)
        self.calendars = policy.rep_calendars_of(users, route)
        self._open_now: dict[int, bool] = {}
        self._asked: dict[str, tuple[bool, int, int]] = {}  # away, open leads, today's
        self._away: dict[str, tuple[datetime | None, str | None]] | None = None
        self._given: dict[str, int] = {}  # in this turn, not yet in the database

    @cached_property
    def position(self) -> dict[str, int]:
        """Each member's place in the pool's order."""
        return {user: i for i, user in enumerate(self.users)}

    def is_open(self, user: str) -> bool:
        """Inside `user`'s working hours now (each calendar asked once)."""
        calendar = self.calendars[user]
        is_open = self._open_now.get(id(calendar))
        if is_open is None:
            is_open = self._open_now[id(calendar)] = calendar.is_open(self.now)
        return is_open

    def may_take(self, user: str) -> bool:
        """Not offered this lead and in working hours: what needs no database."""
        return user not in self.offered and self.is_open(user)

    def can_take(self, user: str) -> bool:
        """Whether `user` can take the lead now. One statement when it gets that far:
        whether they are away, and their caps' counts."""
        if not self.may_take(user):
            return False
        if user not in self._asked:
            assign = self.route.assign
            if assign.max_open or assign.max_per_day:  # away comes with the counts
                since = _start_of_day(self.calendars[user].timezone, self.now)
                params = {"user": user, "since": since}
                row = self.session.connection().execute(_STATE_WITH_CAPS, params).one()
                away = _away_of_row(self.policy, row, self.now) is not None
                self._asked[user] = (away, row.owned + row.waiting, row.today)
            else:
                self._asked[user] = (user in self.ask_away(), 0, 0)
        away, open_leads, today = self._asked[user]
        given = self._given.get(user, 0)
        return (
            self._rule(user, {user: away} if away else {}, open_leads + given, today + given)
            is None
        )

    def ask_away(self) -> dict[str, tuple[datetime | None, str | None]]:
        """Who of the pool is away, asked once (where the route has caps, a rep's away
        state comes with their counts instead)."""
        assign = self.route.assign
        if self._away is None and not (assign.max_open or assign.max_per_day):
            self._away = _away(self.session, self.policy, set(self.users), self.now)
        return self._away or {}

    def gave(self, user: str) -> None:
        """`user` was given a lead in a write held to the commit."""
        self._given[user] = self._given.get(user, 0) + 1

    def survey(self, *, count: bool = False) -> list[RepState]:
        """Every member as they stand now, in pool order. Open leads and today's leads are
        counted where a cap needs them, or all with `count` (what `/lead-status pool`
        shows): one grouped query per question over what is small by nature (open leads,
        today's assignments), not a query naming every member."""
        assign = self.route.assign
        pool = set(self.users)
        away = (
            self._away
            if self._away is not None
            else _away(self.session, self.policy, pool, self.now)
        )
        open_leads = _open_leads(self.session, pool) if assign.max_open or count else {}
        today = self._given_today() if assign.max_per_day or count else {}
        states = []
        for user in self.users:
            until, status = away.get(user, (None, None))
            given = self._given.get(user, 0)
            held, given_today = open_leads.get(user, 0) + given, today.get(user, 0) + given
            states.append(
                RepState(
                    user,
                    self._rule(user, away, held, given_today),
                    away_until=until,
                    away_status=status,
                    open_leads=held,
                    today=given_today,
                )
            )
        return states

    def _rule(
        self, user: str, away: Mapping[str, object], open_leads: int, today: int
    ) -> NotAvailable | None:
        """The one rule, for a rep asked alone and for everyone at once."""
        assign = self.route.assign
        if user in self.offered:
            return NotAvailable.OFFERED
        if user in away:
            return NotAvailable.AWAY
        if not self.is_open(user):
            return NotAvailable.OFF_HOURS
        if assign.max_open and open_leads >= assign.max_open:
            return NotAvailable.AT_MAX_OPEN
        if assign.max_per_day and today >= assign.max_per_day:
            return NotAvailable.AT_MAX_PER_DAY
        return None

    def _given_today(self) -> dict[str, int]:
        """Leads given to each rep since the start of their own day (all routes)."""
        zones = {user: cal.timezone for user, cal in self.calendars.items()}
        starts = {zone: _start_of_day(zone, self.now) for zone in set(zones.values())}
        connection = self.session.connection()
        if len(starts) == 1:  # one time zone (the usual pool): counted by the database
            [start] = starts.values()
            rows = connection.execute(_GIVEN_SINCE, {"since": start})
            return {user: n for user, n in rows if user in zones}
        counts: dict[str, int] = {}
        for user, at in connection.execute(
            select(Assignment.user_id, Assignment.at).where(
                Assignment.at >= min(starts.values()), counts_as_given()
            )
        ):
            if user in zones and at >= starts[zones[user]]:
                counts[user] = counts.get(user, 0) + 1
        return counts


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
    """Each of `users` (the route's pool, user ids) as they stand now, in pool order."""
    return Pool(session, policy, route, users, now, offered=offered).survey(count=count)


def _away(
    session: Session, policy: Policy, pool: set[str], now: datetime
) -> dict[str, tuple[datetime | None, str | None]]:
    """Who is away now: until when, and the Slack status emoji that says so (if that is
    why: the policy's `away_status_emoji`, as Slack last told it)."""
    by_status = policy.away_status_emoji
    query, params = (_AWAY_OR_STATUS, {"emoji": by_status}) if by_status else (_AWAY, {})
    away: dict[str, tuple[datetime | None, str | None]] = {}
    for row in session.connection().execute(query, params):
        if row.user_id in pool and (why := _away_of_row(policy, row, now)):
            away[row.user_id] = why
    return away


_PEOPLE_AWAY = select(
    Person.user_id, Person.away_from, Person.away_until, Person.status_emoji, Person.status_until
)
_AWAY = _PEOPLE_AWAY.where(Person.away_from.is_not(None))
_AWAY_OR_STATUS = _PEOPLE_AWAY.where(
    or_(Person.away_from.is_not(None), Person.status_emoji.in_(bindparam("emoji", expanding=True)))
)


def _away_of_row(
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
_GIVEN_SINCE = (
    select(Assignment.user_id, func.count())
    .where(Assignment.at >= bindparam("since"), counts_as_given())
    .group_by(Assignment.user_id)
)
# One rep's state where the route has caps (parameters user, since): whether they are
# away (their row in people, if any), their open leads, waiting offers and today's leads.
_PERSON = (
    Person.away_from,
    Person.away_until,
    Person.status_emoji,
    Person.status_until,
)
_ONE_ROW = select(literal(1).label("one")).subquery("one")
_STATE_WITH_CAPS = (
    select(*_PERSON)
    .select_from(_ONE_ROW.outerjoin(PEOPLE_TABLE, Person.user_id == bindparam("user")))
    .add_columns(
        select(func.count())
        .where(Lead.status.in_([str(s) for s in WORKED]), Lead.owner_id == bindparam("user"))
        .scalar_subquery()
        .label("owned"),
        select(func.count())
        .select_from(Assignment)
        .where(text(PENDING_OFFER), Assignment.user_id == bindparam("user"))
        .scalar_subquery()
        .label("waiting"),
        select(func.count())
        .select_from(Assignment)
        .where(
            Assignment.user_id == bindparam("user"),
            Assignment.at >= bindparam("since"),
            counts_as_given(),
        )
        .scalar_subquery()
        .label("today"),
    )
)


def _open_leads(session: Session, pool: set[str]) -> dict[str, int]:
    """Leads each member owns that are not yet an opportunity, and offers waiting for them."""
    counts: dict[str, int] = {}
    for user, n in [*session.connection().execute(_OPEN), *session.connection().execute(_WAITING)]:
        if user in pool:
            counts[user] = counts.get(user, 0) + n
    return counts


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
