"""Outbox leases: which process may send which row, decided in the database.

A row is leased (compare-and-set on `leased_until`/`leased_by`) before it is sent, its
lease is renewed while the process holds it, and each send attempt starts with another
compare-and-set, so a process that lost a row (it stalled past the lease and another
took over) never sends it. A row is leased only when no earlier row of the same lead
is still pending: a lead's messages go out in the order they were written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, case, func, or_, select, true, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter

from bot.core.clock import Now
from bot.store.base import UTCDateTime
from bot.store.database import UNSYNCED, Database
from bot.store.models import InSlack, Lead, OutboxMessage

CHUNK = 500


def chunks(items: list[int], size: int = CHUNK) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def candidates_query(limit: int, lane_kinds: Iterable[str] = ()) -> Select[Any]:
    """Rows due at :now, free, first in line for their lead and in no refused flood
    list, oldest first.

    Rows of `lane_kinds` whose lead's route is in :full_routes are left out: their
    channel's lane has all it can post for a while, and as the oldest rows they would
    otherwise fill every batch and hide the rows that can go now (card updates, DMs).
    """
    now = bindparam("now", type_=UTCDateTime())
    full_routes: BindParameter[list[str]] = bindparam("full_routes", expanding=True)
    earlier = aliased(OutboxMessage)
    kinds = sorted(lane_kinds)
    # Found through the partial index of pending rows: ordered by id alone, SQLite would
    # walk the whole table (every row ever sent) whenever fewer than `limit` are due.
    due = select(OutboxMessage.id).where(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.dead_at.is_(None),
        OutboxMessage.available_at <= now,
    )
    return (
        select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.payload, Lead.route)
        .outerjoin(Lead, Lead.id == OutboxMessage.lead_id)
        .where(
            OutboxMessage.id.in_(due.scalar_subquery()),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dead_at.is_(None),
            OutboxMessage.available_at <= now,
            or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < now),
            # A card of a flood list Slack refused goes again in that list, never alone.
            OutboxMessage.flood_list.is_(None),
            ~select(earlier.id)
            .where(
                earlier.lead_id == OutboxMessage.lead_id,
                earlier.id < OutboxMessage.id,
                earlier.sent_at.is_(None),
                earlier.dead_at.is_(None),
            )
            .exists(),
            or_(
                OutboxMessage.kind.not_in(kinds),
                Lead.route.is_(None),
                Lead.route.not_in(full_routes),
            )
            if kinds
            else true(),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )


class Leases:
    def __init__(self, db: Database, clock: Now, lease: timedelta, worker_id: str) -> None:
        self.db = db
        self.now = clock
        self.lease = lease
        self.worker_id = worker_id
        # Built once per limit: the loop asks after every send, and building this
        # statement cost more than running it (about a millisecond of CPU each time).
        self._candidate_queries: dict[tuple[int, frozenset[str]], Select[Any]] = {}

    def candidates(
        self,
        limit: int,
        *,
        lane_kinds: frozenset[str] = frozenset(),
        full_routes: Iterable[str] = (),
    ) -> list[Any]:
        """Rows due now, free, and first in line for their lead: (id, kind, payload, route).

        Leaves out rows of `lane_kinds` whose lead's route is one of `full_routes`.
        """
        key = (limit, lane_kinds)
        query = self._candidate_queries.get(key)
        if query is None:
            query = self._candidate_queries[key] = candidates_query(limit, lane_kinds)
        params: dict[str, Any] = {"now": self.now()}
        if lane_kinds:
            params["full_routes"] = sorted(full_routes)
        with self.db.read() as session:
            return list(session.execute(query, params).all())

    def take(self, ids: list[int], *, mine_too: bool = False) -> set[int]:
        """Lease the rows of `ids` that are still free; return those taken."""
        now = self.now()
        free = or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < now)
        if mine_too:
            free = or_(free, OutboxMessage.leased_by == self.worker_id)
        taken: set[int] = set()
        with self.db.transaction() as session:
            for chunk in chunks(ids):
                taken.update(
                    session.scalars(
                        update(OutboxMessage)
                        .where(
                            OutboxMessage.id.in_(chunk),
                            OutboxMessage.sent_at.is_(None),
                            OutboxMessage.dead_at.is_(None),
                            free,
                        )
                        .values(leased_until=now + self.lease, leased_by=self.worker_id)
                        .returning(OutboxMessage.id)
                        .execution_options(**UNSYNCED)
                    )
                )
        return taken

    def renew(self, held: Iterable[int]) -> set[int]:
        """Extend the leases this worker still has among `held`; return those."""
        now = self.now()
        renewed: set[int] = set()
        with self.db.transaction() as session:
            for chunk in chunks(sorted(held)):
                renewed.update(
                    session.scalars(
                        update(OutboxMessage)
                        .where(
                            OutboxMessage.id.in_(chunk),
                            OutboxMessage.leased_by == self.worker_id,
                            OutboxMessage.sent_at.is_(None),
                        )
                        .values(leased_until=now + self.lease)
                        .returning(OutboxMessage.id)
                        .execution_options(**UNSYNCED)
                    )
                )
        return renewed

    def release(self, ids: Iterable[int]) -> None:
        """Hand back rows this worker holds but has not started sending."""
        with self.db.transaction() as session:
            for chunk in chunks(sorted(ids)):
                session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id.in_(chunk),
                        OutboxMessage.leased_by == self.worker_id,
                        OutboxMessage.sent_at.is_(None),
                    )
                    .values(leased_until=None, leased_by=None)
                    .execution_options(**UNSYNCED)
                )

    def start(self, ids: list[int]) -> list[OutboxMessage]:
        """Begin a send attempt on the rows of `ids` this worker still holds; return them
        as they are now (one statement: the rows come back from the UPDATE itself)."""
        now = self.now()
        with self.db.transaction() as session:
            started = session.scalars(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(ids),
                    OutboxMessage.leased_by == self.worker_id,
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.dead_at.is_(None),
                )
                .values(
                    attempts=OutboxMessage.attempts + 1,
                    first_attempt_at=func.coalesce(OutboxMessage.first_attempt_at, now),
                    leased_until=now + self.lease,
                    # Pessimistic until the attempt says otherwise: a process that dies
                    # mid-send leaves SENDING, which the next attempt reads as MAYBE.
                    in_slack=case(
                        (OutboxMessage.in_slack == InSlack.NO, InSlack.SENDING),
                        else_=InSlack.MAYBE,
                    ),
                )
                .returning(OutboxMessage)
                .execution_options(**UNSYNCED)
            )
            return sorted(started, key=lambda row: row.id)

    def reschedule(
        self, row: OutboxMessage, at: datetime, *, may_have_posted: bool, **values: Any
    ) -> None:
        """Let `row` go and try it again at `at`; `may_have_posted`: something of this
        attempt may have reached Slack (so the next one looks for it first)."""
        values["in_slack"] = in_slack_after(row, may_have_posted=may_have_posted)
        with self.db.transaction() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.sent_at.is_(None))
                .values(available_at=at, leased_until=None, leased_by=None, **values)
                .execution_options(**UNSYNCED)
            )


def in_slack_after(row: OutboxMessage, *, may_have_posted: bool) -> InSlack:
    """What may be in Slack of `row` once an attempt that began with `Leases.start` ended
    without being sent: MAYBE if this attempt or an earlier one may have posted."""
    if may_have_posted or row.in_slack == InSlack.MAYBE:
        return InSlack.MAYBE
    return InSlack.NO
