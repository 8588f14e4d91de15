"""A route's pool as it stands now: who of its members can take a lead (the rule of
bot.leads.availability), asked the way a choice needs it or the way `/lead-status pool`
does.

A pool may have hundreds of reps. Working hours are one question per calendar. A choice
(bot.leads.turn) asks whether a rep is away and their caps' counts only of the reps it
gets to, in the order it would pick them (`Pool.first_available`): a few at first in
one statement, through people's key and the indexes on leads (owner_id, status) and
assignments (user_id, at), then more at a time when those could not take it (the reps
with the fewest leads are often the ones away or at a cap). `Pool.survey` asks everyone
at once, one grouped query per question (`/lead-status pool`, why nobody could take a
lead).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cached_property

from sqlalchemy import bindparam, func, literal, null, or_, select, text, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import BindParameter, CompoundSelect

from bot.core.policy import Policy, Route
from bot.leads.availability import (
    NotAvailable,
    RepState,
    away_by_row,
    counts_as_given,
    start_of_day,
)
from bot.leads.states import WORKED
from bot.store.assignment_models import PENDING_OFFER, Assignment
from bot.store.models import Lead, Person

# How many reps a choice first asks about in one statement, and how much more each
# next ask takes: usually the first can take the lead, and asking a few more in the
# same statement costs little next to another statement.
FIRST_ASKED = 8
ASK_MORE = 4
# How far down the line the last choice of each route (by name) went in this process
# before someone could take its lead: reps first in line who could not (away for the
# week, at a cap) usually still cannot, so the next choice asks that many at once.
_REACHED: dict[str, int] = {}


class Pool:
    """The members of a route's pool as they stand now: what is cheap to know of all of
    them (whose working hours are on) asked once, whether they are away and their caps
    asked of the reps a choice gets to (`first_available`), or of all at once (`survey`).

    What a choice learns of a rep is kept for the next choice in the same turn, with the
    leads given meanwhile in writes held to the commit (`gave`)."""

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

    def first_available(self, users: Iterable[str]) -> str | None:
        """The first of `users` (in the order a choice would pick them, read only as far
        as needed) who can take the lead now. Whether they are away and their caps'
        counts are asked in one statement for the first few not yet asked, and for more
        at a time after that."""
        ahead = (user for user in users if self.may_take(user))
        pulled: deque[str] = deque()  # from `ahead` to ask along, not yet looked at
        batch = max(FIRST_ASKED, _REACHED.get(self.route.name, 0))
        reached = 0
        while (user := pulled.popleft() if pulled else next(ahead, None)) is not None:
            reached += 1
            if user not in self._asked:
                wanted = {user: None}  # in order, each once
                wanted |= {later: None for later in pulled if later not in self._asked}
                while len(wanted) < batch and (later := next(ahead, None)) is not None:
                    pulled.append(later)
                    if later not in self._asked:
                        wanted[later] = None
                self._ask(list(wanted)[:batch])
                batch *= ASK_MORE
            away, open_leads, today = self._asked[user]
            given = self._given.get(user, 0)
            if not self._rule(
                user, {user: away} if away else {}, open_leads + given, today + given
            ):
                _REACHED[self.route.name] = reached
                return user
        return None

    def _ask(self, users: list[str]) -> None:
        """Ask whether each of `users` is away and their caps' counts: one statement for
        those whose day starts at the same time (usually all of them)."""
        assign = self.route.assign
        if not (assign.max_open or assign.max_per_day):  # who is away: asked once a turn
            away = self.ask_away()
            self._asked.update((user, (user in away, 0, 0)) for user in users)
            return
        by_day: dict[datetime, list[str]] = {}
        for user in users:
            since = start_of_day(self.calendars[user].timezone, self.now)
            by_day.setdefault(since, []).append(user)
        for since, named in by_day.items():
            found = {user: [False, 0, 0] for user in named}
            params = {"users": named, "since": since}
            for row in self.session.connection().execute(_STATE_WITH_CAPS, params):
                state = found[row.user_id]
                if row.part == "person":
                    state[0] = away_by_row(self.policy, row, self.now) is not None
                elif row.part == "today":
                    state[2] += row.n
                else:  # owned, waiting: open leads
                    state[1] += row.n
            self._asked.update(
                (user, (bool(a), int(o), int(t))) for user, (a, o, t) in found.items()
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
        starts = {zone: start_of_day(zone, self.now) for zone in set(zones.values())}
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


def _away(
    session: Session, policy: Policy, pool: set[str], now: datetime
) -> dict[str, tuple[datetime | None, str | None]]:
    """Who is away now: until when, and the Slack status emoji that says so (if that is
    why: the policy's `away_status_emoji`, as Slack last told it)."""
    by_status = policy.away_status_emoji
    query, params = (_AWAY_OR_STATUS, {"emoji": by_status}) if by_status else (_AWAY, {})
    away: dict[str, tuple[datetime | None, str | None]] = {}
    for row in session.connection().execute(query, params):
        if row.user_id in pool and (why := away_by_row(policy, row, now)):
            away[row.user_id] = why
    return away


_PEOPLE_AWAY = select(
    Person.user_id, Person.away_from, Person.away_until, Person.status_emoji, Person.status_until
)
_AWAY = _PEOPLE_AWAY.where(Person.away_from.is_not(None))
_AWAY_OR_STATUS = _PEOPLE_AWAY.where(
    or_(Person.away_from.is_not(None), Person.status_emoji.in_(bindparam("emoji", expanding=True)))
)


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
# The state of some reps where the route has caps (parameters users, since), in one
# statement: a row for each one's person row (whether they are away), and counts of their
# open leads, waiting offers and leads given since the start of their day, where not
# none. Four grouped parts through keys and indexes, joined with UNION ALL: both
# databases run each part on its own index, and the person row comes first so that
# PostgreSQL takes the time columns' types from it.
_USERS: BindParameter[str] = bindparam("users", expanding=True)
_NO_TIME = null()
_STATE_WITH_CAPS: CompoundSelect = union_all(
    select(
        literal("person").label("part"),
        Person.user_id,
        literal(0).label("n"),
        Person.away_from,
        Person.away_until,
        Person.status_emoji,
        Person.status_until,
    ).where(Person.user_id.in_(_USERS)),
    select(literal("owned"), Lead.owner_id, func.count(), _NO_TIME, _NO_TIME, null(), _NO_TIME)
    .where(Lead.owner_id.in_(_USERS), Lead.status.in_([str(s) for s in WORKED]))
    .group_by(Lead.owner_id),
    select(
        literal("waiting"), Assignment.user_id, func.count(), _NO_TIME, _NO_TIME, null(), _NO_TIME
    )
    .where(text(PENDING_OFFER), Assignment.user_id.in_(_USERS))
    .group_by(Assignment.user_id),
    select(literal("today"), Assignment.user_id, func.count(), _NO_TIME, _NO_TIME, null(), _NO_TIME)
    .where(Assignment.user_id.in_(_USERS), Assignment.at >= bindparam("since"), counts_as_given())
    .group_by(Assignment.user_id),
)


def _open_leads(session: Session, pool: set[str]) -> dict[str, int]:
    """Leads each member owns that are not yet an opportunity, and offers waiting for them."""
    counts: dict[str, int] = {}
    for user, n in [*session.connection().execute(_OPEN), *session.connection().execute(_WAITING)]:
        if user in pool:
            counts[user] = counts.get(user, 0) + n
    return counts
