"""How many of a route's leads each rep has within the route's balance window, for a
`balanced` choice (bot.leads.assignment): read from `assignment_tallies`, one short row
per rep, instead of counting a week of a busy route's assignments at every choice.

A rep's lead, as for the caps: assigned to them, an offer they accepted, or one still
waiting. A tally counts every assignment of the route to the rep in the window, offers
that ended too, and the few ended offers (passed, expired, withdrawn) are taken off as
it is read: so a tally only ever grows between counts, and only a choice writes it,
under the route's turn lock (a pass in another process changes no tally, and cannot
race a count).

A tally holds until its oldest assignment leaves the window (`expires_at`); then, or
when the policy's window changed, or for a rep with no row yet (a new pool, a database
from before tallies), the next choice counts that rep again from `assignments`.

Reading a pool of 500 tallies is most of what a choice costs, and it needs the few with
the fewest. So once a full read (`in_window`) has found every rep of the pool with a
tally that holds, and dropped those of reps no longer in it, the route's turn row says
so (which pool, until when: bot.leads.turn), and the next choices read only the reps
with the fewest (`fewest`) until the pool or window changes or a tally expires.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from bot.core.policy import Route
from bot.store.assignment_models import ENDED_OFFER, TALLIES_TABLE, Assignment
from bot.store.base import UTCDateTime
from bot.store.database import update_at_commit, upsert

_TALLIES = TALLIES_TABLE.c

# A route's assignments in its window by rep: how many, the oldest and the newest.
_COUNT = (
    select(
        Assignment.user_id,
        func.count(),
        func.min(Assignment.at, type_=UTCDateTime()),
        func.max(Assignment.at, type_=UTCDateTime()),
    )
    .where(Assignment.route == bindparam("route"), Assignment.at >= bindparam("since"))
    .group_by(Assignment.user_id)
)
# The route's offers in its window that ended, by rep. The partial index's own
# predicate, as literal SQL, so the database sees it applies.
_ENDED = (
    select(Assignment.user_id, func.count().label("ended"))
    .where(
        text(ENDED_OFFER),
        Assignment.route == bindparam("route"),
        Assignment.at >= bindparam("since"),
    )
    .group_by(Assignment.user_id)
)
# A route's tallies still good now: counted over this window, none of it expired.
_HOLDING = (
    _TALLIES.route == bindparam("route"),
    _TALLIES.window_s == bindparam("window_s"),
    or_(_TALLIES.expires_at.is_(None), _TALLIES.expires_at > bindparam("now")),
)
_ended = _ENDED.subquery("ended")
_held = _TALLIES.given - func.coalesce(_ended.c.ended, 0)
# The fewest, or one more: who a balanced choice looks at first, and after it has given
# each of the fewest one in the same turn.
_fewest = _held <= func.min(_held).over() + 1
# The route's tallies still good now (counted over this window, none of it expired),
# less the offers that ended, in one statement; and for the reps with about the fewest,
# when they were last given one (only for them: converting 500 timestamps cost more
# than the query).
_FRESH = (
    select(
        _TALLIES.user_id,
        _held.label("held"),
        _fewest.label("fewest"),
        case((_fewest, _TALLIES.last_at)).label("last_at"),
    )
    .select_from(TALLIES_TABLE.outerjoin(_ended, _ended.c.user_id == _TALLIES.user_id))
    .where(*_HOLDING)
)
# The tallies with the fewest leads, in a balanced choice's order (by `given`, then who
# was given one longest ago) through the index on (route, given, last_at), so that only
# these rows are read; the offers that ended are taken off each, and the most any rep
# had end says how far below the last row read the order is sure.
_ended_once = _ENDED.cte("ended_once")
_FEWEST = (
    select(
        _TALLIES.user_id,
        (_TALLIES.given - func.coalesce(_ended_once.c.ended, 0)).label("held"),
        _TALLIES.given,
        _TALLIES.last_at,
        select(func.coalesce(func.max(_ended_once.c.ended), 0)).scalar_subquery().label("most"),
    )
    .select_from(TALLIES_TABLE.outerjoin(_ended_once, _ended_once.c.user_id == _TALLIES.user_id))
    .where(*_HOLDING)
    .order_by(_TALLIES.given, _TALLIES.last_at)
    .limit(bindparam("limit"))
)
# Until when the route's tallies (the pool's, once `in_window` has read them) all hold.
_UNTIL = select(func.min(_TALLIES.expires_at, type_=UTCDateTime())).where(
    _TALLIES.route == bindparam("route"),
    _TALLIES.window_s == bindparam("window_s"),
    _TALLIES.expires_at > bindparam("now"),
)
_DROP = delete(TALLIES_TABLE).where(
    _TALLIES.route == bindparam("route"), _TALLIES.user_id.in_(bindparam("users", expanding=True))
)
_MORE = (
    update(TALLIES_TABLE)
    .where(_TALLIES.route == bindparam("t_route"), _TALLIES.user_id == bindparam("t_user"))
    .values(
        given=_TALLIES.given + bindparam("t_more"),
        expires_at=func.coalesce(_TALLIES.expires_at, bindparam("t_expires", type_=UTCDateTime())),
        last_at=bindparam("t_at", type_=UTCDateTime()),
    )
)
# Counting a few reps again names them; counting most of a pool again reads the route.
_NAMED_AT_MOST = 50


@dataclass
class Standing:
    """What a balanced choice reads of the tallies: each rep's leads within the window,
    and when some of them (those with the fewest or one more, and any counted again) were
    last given or offered one (None: not within the window)."""

    counts: dict[str, int]
    last: dict[str, datetime | None]
    # Until when every rep's tally holds (the earliest expiry; None: none expires).
    until: datetime | None = None


def in_window(session: Session, route: Route, users: list[str], now: datetime) -> Standing:
    """The route's leads each of `users` has within the window (the caller holds the
    route's turn lock)."""
    window = route.assign.balance_window
    window_s = int(window.total_seconds())
    since = now - window
    connection = session.connection()
    pool = set(users)
    params = {"route": route.name, "window_s": window_s, "now": now, "since": since}
    standing = Standing({}, {})
    gone = []  # tallies of reps no longer in the pool: dropped, so a pool's are all
    for user, held, fewest, last_at in connection.execute(_FRESH, params).all():
        if user not in pool:
            gone.append(user)
            continue
        standing.counts[user] = held
        if fewest:
            standing.last[user] = last_at
    if gone:
        connection.execute(_DROP, {"route": route.name, "users": gone})
    stale = [user for user in users if user not in standing.counts]
    if stale:
        again = _count_again(session, route, stale, since, window)
        for user, ended in connection.execute(_ENDED, params):
            if user in again:
                again[user] = (again[user][0] - ended, again[user][1])
        for user, (held, last_at) in again.items():
            standing.counts[user] = held
            standing.last[user] = last_at
    standing.until = connection.execute(_UNTIL, params).scalar()
    return standing


@dataclass(frozen=True)
class ReadUpTo:
    """How far a read of the fewest is sure to hold every rep: each tally not read has
    at least `held` leads, and when `last_at` is set, any with exactly `held` was last
    given one at `last_at` or later."""

    held: int
    last_at: datetime | None

    def holds(self, held: int, last_at: datetime | None) -> bool:
        """Whether every rep that comes before (held, last_at) in a balanced choice's
        order was read."""
        if held != self.held:
            return held < self.held
        return self.last_at is not None and last_at is not None and last_at < self.last_at


@dataclass
class Fewest:
    """The tallies with the fewest leads (held: less the offers that ended), and how far
    the order is sure to be complete (None: every tally was read)."""

    held: dict[str, int]
    last: dict[str, datetime | None]
    read_up_to: ReadUpTo | None


def fewest(session: Session, route: Route, now: datetime, limit: int) -> Fewest:
    """The `limit` tallies of the route with the fewest leads in the window, then given
    one longest ago: for a choice whose turn row vouches that every rep of the pool has
    one that holds (`AssignmentTurn.tallied_pool`)."""
    window = route.assign.balance_window
    params = {
        "route": route.name,
        "window_s": int(window.total_seconds()),
        "now": now,
        "since": now - window,
        "limit": limit,
    }
    rows = session.connection().execute(_FEWEST, params).all()
    found = Fewest({}, {}, None)
    for user, held, _given, last_at, _most in rows:
        found.held[user] = held
        found.last[user] = last_at
    if len(rows) == limit:  # a tally not read has at least the last one's, less its ended
        last = rows[-1]
        # Ties by time only where nothing ended (held is then given, the order read) and
        # the last row was given some: a tally with leads has its newest one's time, so
        # no tally with as many sorts before it for want of one (NULLs sort differently
        # on the two databases).
        by_time = last.most == 0 and last.given > 0
        found.read_up_to = ReadUpTo(last.given - last.most, last.last_at if by_time else None)
    return found


def pool_key(users: list[str], route: Route) -> str:
    """What a turn row's `tallied_pool` names: the pool, in order, and the window."""
    window_s = int(route.assign.balance_window.total_seconds())
    return hashlib.sha256("\n".join([str(window_s), *users]).encode()).hexdigest()


def _count_again(
    session: Session, route: Route, users: list[str], since: datetime, window: timedelta
) -> dict[str, tuple[int, datetime | None]]:
    """Count `users`' assignments of the route since `since` and keep the tallies: each
    one's count and newest."""
    query = _COUNT
    if len(users) <= _NAMED_AT_MOST:
        query = query.where(Assignment.user_id.in_(users))
    found = {
        user: (n, oldest, newest)
        for user, n, oldest, newest in session.connection().execute(
            query, {"route": route.name, "since": since}
        )
    }
    rows: list[dict[str, Any]] = []
    counts: dict[str, tuple[int, datetime | None]] = {}
    for user in users:
        n, oldest, newest = found.get(user, (0, None, None))
        counts[user] = (n, newest)
        rows.append(
            {
                "route": route.name,
                "user_id": user,
                "given": n,
                "expires_at": None if oldest is None else oldest + window,
                "last_at": newest,
                "window_s": int(window.total_seconds()),
            }
        )
    upsert(session, TALLIES_TABLE, rows, ("route", "user_id"))
    return counts


def count_more(
    session: Session,
    route: Route,
    user: str,
    now: datetime,
    *,
    more: int = 1,
    at_commit: bool = False,
) -> None:
    """`user` was given or offered `more` leads of `route`, the last of them now (under
    the route's turn lock). A rep with no tally yet is left to the next choice's count,
    which will include them. `at_commit`: held to the commit with the assignments' rows."""
    expires = now + route.assign.balance_window
    params = {
        "t_route": route.name,
        "t_user": user,
        "t_more": more,
        "t_expires": expires,
        "t_at": now,
    }
    if at_commit:
        update_at_commit(session, _MORE, params)
    else:
        session.execute(_MORE, params)


_LAST = select(_TALLIES.user_id, _TALLIES.last_at).where(
    _TALLIES.route == bindparam("route"), _TALLIES.user_id.in_(bindparam("users", expanding=True))
)


def last_given(session: Session, route: Route, users: list[str]) -> dict[str, datetime | None]:
    """When each of `users` was last given or offered a lead of `route` within the window
    (None: not within it), from the tallies `in_window` has just read or counted: for
    reps tied beyond those it said (the fewest by count, not by weighted share)."""
    found = dict(session.connection().execute(_LAST, {"route": route.name, "users": users}).all())
    return {user: found.get(user) for user in users}
