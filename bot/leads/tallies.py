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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, or_, select, text, update
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
    .where(
        _TALLIES.route == bindparam("route"),
        _TALLIES.window_s == bindparam("window_s"),
        or_(_TALLIES.expires_at.is_(None), _TALLIES.expires_at > bindparam("now")),
    )
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
    for user, held, fewest, last_at in connection.execute(_FRESH, params).all():
        if user in pool:
            standing.counts[user] = held
            if fewest:
                standing.last[user] = last_at
    stale = [user for user in users if user not in standing.counts]
    if stale:
        again = _count_again(session, route, stale, since, window)
        for user, ended in connection.execute(_ENDED, params):
            if user in again:
                again[user] = (again[user][0] - ended, again[user][1])
        for user, (held, last_at) in again.items():
            standing.counts[user] = held
            standing.last[user] = last_at
    return standing


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
