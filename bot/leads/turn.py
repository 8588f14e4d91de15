"""Choosing the rep the next lead of a route goes to (round_robin and offer modes:
bot/core/assign_policy.py).

Every choice for a route locks that route's row in `assignment_turns` first (SELECT …
FOR UPDATE, which PostgreSQL holds until the commit; SQLite has one writer anyway): two hand-offs
into one pool, in one process or two, choose one after the other, each seeing what the
other gave. So the caps hold and `strict` turns are never skipped or taken twice.

A `Turn` is that lock and what its choices have learnt: the pool, the reps' tallies in
the window, who was given a lead last, each rep's away state and caps as asked. The
leads a group commit hands off into one pool are all given in one turn, just before
the commit (bot.leads.assignment): the lock is held for those few statements, not for
the whole group's transaction, and each lead after the first costs no query.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.core.assign_policy import AssignPolicy
from bot.core.policy import Policy, Route
from bot.core.policy_values import is_slack_user
from bot.leads import tallies
from bot.leads.availability import RepState, refresh_statuses
from bot.leads.pool import Pool
from bot.store import user_groups
from bot.store.assignment_models import TURNS_TABLE


@dataclass(frozen=True)
class Choice:
    user: str | None  # None: nobody available
    states: list[RepState]
    # Nobody was available and the managers have not been told since someone last was.
    tell_managers: bool = False


def pool_members(
    session: Session, policy: Policy, route: Route, now: datetime, *, ask: bool = True
) -> list[str]:
    """The route's pool as user ids, roles and user groups expanded (a group's members as
    Slack last listed them: bot.store.user_groups), in order, without repeats. `ask`:
    queue a look-up of a group not listed lately (in a write transaction)."""
    named = policy.pool(route)
    wanted = policy.pool_groups(route)
    if not wanted:  # the usual pool: user ids and roles, worked out with the policy
        return named
    groups = user_groups.members(session, wanted, now, ask=ask)
    users: dict[str, None] = {}  # in order, each once; a pool may hold hundreds
    for target in named:
        for user in groups.get(target, [target]):
            if is_slack_user(user):
                users[user] = None
    return list(users)


def rotation(users: list[str], assign: AssignPolicy) -> list[str]:
    """`strict` order: each rep once a round, a rep weighted 2 also in the second round
    (U1:2, U2, U3 → U1 U2 U3 U1), so weights spread over the rotation."""
    rounds = max((assign.weight(u) for u in users), default=1)
    return [u for r in range(rounds) for u in users if assign.weight(u) > r]


# How many of the fewest tallies a balanced choice reads, when it may read only those.
FEWEST_READ = 64


class Turn:
    """A route's turn, locked until the commit, for one choice or several in a row."""

    def __init__(self, session: Session, policy: Policy, route: Route, now: datetime) -> None:
        self.session, self.route, self.now = session, route, now
        users = pool_members(session, policy, route, now)
        refresh_statuses(session, policy, users, now)
        self.pool = Pool(session, policy, route, users, now)
        # What choices do not change is asked before the lock, which other hand-offs
        # into the pool wait for.
        self.pool.ask_away()
        self.row = lock_turn(session, route.name, now)
        self._moved_to = self.row.turn
        self._still_nobody = self.row.nobody_since
        self._tallied = (self.row.tallied_pool, self.row.tallied_until)
        # balanced: the tallies read so far (all the pool's, or those with the fewest:
        # complete as far as `_read_up_to` says), with this turn's leads added
        self._counts: dict[str, int] | None = None
        self._read_up_to: tallies.ReadUpTo | None = None
        self._last: dict[str, datetime | None] = {}  # last given, as far as asked
        # Given in this turn (`gave`): how many each, and the last when.
        self.given: dict[str, tuple[int, datetime]] = {}

    def next(self, *, offered: Iterable[str] = ()) -> Choice:
        """The rep the next lead goes to. The caller tells the turn it gave them the lead
        (`gave`) before asking again, and `save`s the turn once done."""
        self.pool.offered = set(offered)
        chosen = self._strict() if self.route.assign.strategy == "strict" else self._fewest()
        told = self._still_nobody is not None
        self._still_nobody = None if chosen else (self._still_nobody or self.now)
        if chosen is not None:
            return Choice(chosen, [])
        return Choice(None, self.pool.survey(), tell_managers=not told)

    def gave(self, user: str, at: datetime) -> None:
        """`user` was given or offered the lead chosen last: count it here, for the next
        choice of this turn, and in their tally when the turn is saved."""
        if self._counts is not None:
            self._counts[user] = self._counts.get(user, 0) + 1
        self._last[user] = at
        self.pool.gave(user)
        more, _ = self.given.get(user, (0, at))
        self.given[user] = (more + 1, at)

    def save(self, *, at_commit: bool = False) -> None:
        """Write what this turn changed: each rep's tally (one update a rep), the turn's
        place, whether nobody was available, and which pool's tallies the row vouches for
        until when. `at_commit`: the tallies held to the commit, with the assignments'
        rows held there (bot.leads.assignment)."""
        window = self.route.assign.balance_window
        for user, (more, last_at) in self.given.items():
            tallies.count_more(
                self.session, self.route, user, last_at, more=more, at_commit=at_commit
            )
        tallied_pool, until = self._tallied
        if self.given and tallied_pool is not None and until is None:
            # the first tally to expire: each given now leaves the window after this
            until = min(at for _more, at in self.given.values()) + window
        changed = (self._moved_to, self._still_nobody, tallied_pool, until)
        row = self.row
        if changed != (row.turn, row.nobody_since, row.tallied_pool, row.tallied_until):
            self.session.execute(
                update(TURNS_TABLE)
                .where(TURNS_TABLE.c.route == self.route.name)
                .values(
                    turn=self._moved_to,
                    nobody_since=self._still_nobody,
                    tallied_pool=tallied_pool,
                    tallied_until=until,
                    updated_at=self.now,
                )
            )
            self.row = TurnRow(*changed)
        self.given = {}

    def _strict(self) -> str | None:
        order = rotation(self.pool.users, self.route.assign)
        start = 0 if self._moved_to is None else (self._moved_to + 1) % max(len(order), 1)
        places = [(start + step) % len(order) for step in range(len(order))]
        chosen = self.pool.first_available(order[place] for place in places)
        if chosen is not None:
            self._moved_to = next(place for place in places if order[place] == chosen)
        return chosen

    def _fewest(self) -> str | None:
        """`balanced`: the available rep with the fewest of the route's leads in the
        window for their weight; of those tied, whoever was given or offered one longest
        ago (never: first), then the pool's order. Reps are asked in that order and the
        first available wins, so a pool of hundreds costs the caps of one or two reps.

        When the turn row vouches for the pool's tallies (bot.leads.tallies), only the
        reps with the fewest are read; a choice that gets past them reads them all."""
        if self._counts is None:
            self._read_tallies(all_of_them=False)
        while True:
            chosen, complete = self._walk()
            if complete:
                return chosen
            self._read_tallies(all_of_them=True)

    def _walk(self) -> tuple[str | None, bool]:
        """The choice among the tallies read; False when it got past what was read."""
        past_read: list[bool] = []
        chosen = self.pool.first_available(self._in_order(past_read))
        return chosen, chosen is not None or not past_read

    def _in_order(self, past_read: list[bool]) -> Iterator[str]:
        """The reps whose tallies were read, in the order a balanced choice takes them
        (each share's ties sorted only when the choice gets to them). Stops where a rep
        not read may come first, and says so in `past_read`."""
        assert self._counts is not None
        counts, weights, read_up_to = self._counts, self.route.assign.weights, self._read_up_to
        by_share: dict[float, list[str]] = {}  # each in pool order
        every = read_up_to is None
        for user in self.pool.users if every else [u for u in counts if u in self.pool.position]:
            given = counts.get(user, 0)
            share = given / weights[user] if user in weights else given
            by_share.setdefault(share, []).append(user)
        if not every:  # read by count: back in pool order
            position = self.pool.position
            for tied in by_share.values():
                tied.sort(key=position.__getitem__)
        epoch = datetime.min.replace(tzinfo=self.now.tzinfo)
        for share in sorted(by_share):
            tied = [user for user in by_share[share] if self.pool.may_take(user)]
            if len(tied) > 1:
                last = self._last_given(tied)
                tied.sort(key=lambda user: last[user] or epoch)  # stable: then pool order
            for user in tied:
                if read_up_to is not None and not read_up_to.holds(int(share), self._last[user]):
                    past_read.append(True)  # reps not read may have as few
                    return
                yield user
        if not every:  # past all that was read: those not read are left
            past_read.append(True)

    def _read_tallies(self, *, all_of_them: bool) -> None:
        """Read the tallies: only the reps with the fewest where the turn row vouches for
        the pool's (and the route has no weights), else all, counting again those that
        no longer hold and vouching for the pool from then on. This turn's own leads,
        held to the commit, are added."""
        session, route, users = self.session, self.route, self.pool.users
        key = tallies.pool_key(users, route)
        tallied_pool, until = self._tallied
        vouched = tallied_pool == key and (until is None or self.now < until)
        if vouched and not all_of_them and not route.assign.weights:
            found = tallies.fewest(session, route, self.now, FEWEST_READ)
            self._counts = found.held
            self._last = found.last | self._last
            self._read_up_to = found.read_up_to
        else:
            standing = tallies.in_window(session, route, users, self.now)
            self._counts = standing.counts
            self._last = standing.last | self._last
            self._read_up_to = None
            self._tallied = (key, standing.until)
        for user, (more, _at) in self.given.items():
            self._counts[user] = self._counts.get(user, 0) + more

    def _last_given(self, users: list[str]) -> dict[str, datetime | None]:
        unknown = [user for user in users if user not in self._last]
        if unknown:
            self._last.update(tallies.last_given(self.session, self.route, unknown))
        return self._last


@dataclass(frozen=True)
class TurnRow:
    turn: int | None
    nobody_since: datetime | None
    tallied_pool: str | None
    tallied_until: datetime | None


def lock_turn(session: Session, route: str, now: datetime) -> TurnRow:
    """The route's turn row, locked until the commit: SELECT … FOR UPDATE, which takes the
    row lock on PostgreSQL without writing a new version of the row at every hand-off
    (SQLite has no FOR UPDATE and needs none: a write transaction there already holds
    the one write lock). A route's first choice makes the row."""
    for _ in range(2):
        row = session.execute(_LOCK, {"route": route}).first()
        if row is not None:
            return TurnRow(*row)
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(TURNS_TABLE).values(route=route, updated_at=now).on_conflict_do_nothing()
        )
    raise RuntimeError(f"the turn row of route {route!r} is missing right after it was made")


_TURN = TURNS_TABLE.c
_LOCK = (
    select(_TURN.turn, _TURN.nobody_since, _TURN.tallied_pool, _TURN.tallied_until)
    .where(_TURN.route == bindparam("route"))
    .with_for_update()
)
