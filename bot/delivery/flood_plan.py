"""When delivery posts a channel's waiting cards as flood lists (bot.delivery.flood_list)
instead of one by one, and which channel lane each outbox row goes out in.

Both answer from the policy's routes: the lane a row takes is its route's channel, and
a channel's backlog is too long when posting it at the channel's pace would take longer
than the policy's `digest_after`. The loop (bot.delivery.loop) asks `FloodPlanner.plan`
about once a second and queues the flood lists it returns ahead of the lanes' rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from bot.core import logs
from bot.core.clock import Now
from bot.core.policy import Policy
from bot.delivery import flood_list
from bot.delivery.lane_queue import LaneItem
from bot.delivery.lanes import ChannelHolds
from bot.delivery.leases import Leases
from bot.delivery.pacing import Pacer
from bot.store.database import UNSYNCED, Database
from bot.store.models import Lead, OutboxMessage
from bot.store.outbox import Intent

log = logging.getLogger(__name__)

# Kinds that post into the lead's route channel, and so share that channel's lane.
CHANNEL_KINDS = frozenset({Intent.POST_CARD, Intent.UPDATE_CARD, Intent.THREAD_EVENT})
MAX_ROUTES_KEPT = 10_000  # route names remembered for leaving full lanes' rows out


class ChannelRoutes:
    """The channel lane of each outbox row; remembers the routes it has seen, so the
    loop can leave out the rows of routes whose channel lane is full."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.seen: dict[str, str] = {}  # route name -> channel, as seen on leads

    def lane_of(
        self, row_id: int, kind: str, payload: dict[str, Any], route: str | None
    ) -> tuple[str, str | None]:
        """The lane's name and the channel whose pace it follows (None: not paced)."""
        channel: str | None = None
        if kind in CHANNEL_KINDS and route is not None:
            channel = self.channel(route)
        elif kind == Intent.NOTICE:
            channel = payload.get("to")
        if channel:
            return f"channel:{channel}", channel
        return f"row:{row_id}", None

    def channel(self, route_name: str) -> str | None:
        route = self.policy.route_of_lead(route_name)
        channel = route.channel if route is not None else None
        if channel is not None and len(self.seen) < MAX_ROUTES_KEPT:
            self.seen[route_name] = channel
        return channel


class FloodPlanner:
    """The flood lists to send now: those Slack refused for now that are due again, and
    the waiting cards of each channel whose backlog is too long to post one by one."""

    def __init__(
        self,
        db: Database,
        clock: Now,
        policy: Policy,
        leases: Leases,
        channels: ChannelHolds,
        pacer: Pacer,
        routes: ChannelRoutes,
    ) -> None:
        self.db = db
        self.now = clock
        self.policy = policy
        self.leases = leases
        self.channels = channels
        self.pacer = pacer
        self.routes = routes

    @property
    def digest_after(self) -> timedelta | None:
        return getattr(self.policy, "digest_after", None)

    def plan(self, in_flight: Callable[[], set[int]]) -> list[LaneItem]:
        """`in_flight`: the rows this process is sending at this moment (left out)."""
        items = self._refused()
        limit = self.digest_after
        if limit is None:
            return items
        for channel, (count, routes) in self._backlog().items():
            delay = count * self.pacer.post_interval + self.pacer.channel_wait(channel)
            if count < 2 or delay <= limit.total_seconds():
                continue
            if channel not in self.channels.hold({channel}):
                continue  # another process posts to this channel and flood lists it
            ids = self._take_waiting(routes, in_flight())
            logs.event(log, "outbox.digest_planned", channel=channel, leads=len(ids))
            lane = f"channel:{channel}"
            items.extend(
                LaneItem(ids[i : i + flood_list.PER_MESSAGE], lane, channel, flood_list=True)
                for i in range(0, len(ids), flood_list.PER_MESSAGE)
            )
        return items

    def _refused(self) -> list[LaneItem]:
        """The flood lists Slack refused for now that are due again, each as it was."""
        items = []
        for route, ids in self._refused_lists().values():
            channel = self.routes.channel(route) if route is not None else None
            if channel is None:  # the route posts nowhere now: its cards go one by one
                self._forget_list(ids)
                continue
            if channel not in self.channels.hold({channel}):
                continue  # another process posts to this channel and sends it
            taken = sorted(self.leases.take(ids, mine_too=True))
            if taken:
                logs.event(log, "outbox.digest_retried", channel=channel, leads=len(taken))
                items.append(LaneItem(taken, f"channel:{channel}", channel, flood_list=True))
        return items

    # --- the outbox's waiting cards ----------------------------------------------------

    def _backlog(self) -> dict[str, tuple[int, list[str]]]:
        """Waiting cards per channel: (how many, the routes that post there).

        Cards waiting on a retry count too: they come back to the same channel, so
        leaving them out would make a flood look like a trickle that can go card by card.
        """
        with self.db.read() as session:
            per_route = session.execute(
                select(Lead.route, func.count())
                .select_from(OutboxMessage)
                .join(Lead, Lead.id == OutboxMessage.lead_id)
                .where(self._waiting_cards(retrying=True))
                .group_by(Lead.route)
            ).all()
        backlog: dict[str, tuple[int, list[str]]] = {}
        for route, count in per_route:
            channel = self.routes.channel(route)
            if channel:
                total, routes = backlog.get(channel, (0, []))
                backlog[channel] = (total + count, [*routes, route])
        return backlog

    def _take_waiting(self, routes: list[str], in_flight: set[int]) -> list[int]:
        """Lease every waiting card of `routes` (also those this worker queued)."""
        with self.db.read() as session:
            ids = [
                i
                for i in session.scalars(
                    select(OutboxMessage.id)
                    .join(Lead, Lead.id == OutboxMessage.lead_id)
                    .where(
                        self._waiting_cards(),
                        OutboxMessage.flood_list.is_(None),  # those go in their own list
                        Lead.route.in_(routes),
                    )
                    .order_by(OutboxMessage.id)
                )
                if i not in in_flight
            ]
        return sorted(self.leases.take(ids, mine_too=True))

    def _refused_lists(self) -> dict[int, tuple[str | None, list[int]]]:
        """Flood lists Slack refused for now, due again and free: first row's id ->
        (the route of its leads, its rows)."""
        now = self.now()
        with self.db.read() as session:
            found = session.execute(
                select(OutboxMessage.flood_list, OutboxMessage.id, Lead.route)
                .join(Lead, Lead.id == OutboxMessage.lead_id)
                .where(
                    self._waiting_cards(),
                    OutboxMessage.flood_list.is_not(None),
                    or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < now),
                )
                .order_by(OutboxMessage.id)
            ).all()
        lists: dict[int, tuple[str | None, list[int]]] = {}
        for first, row_id, route in found:
            if first is not None:
                lists.setdefault(first, (route, []))[1].append(row_id)
        return lists

    def _forget_list(self, ids: list[int]) -> None:
        """Let the cards of a refused flood list go one by one (their channel is gone)."""
        with self.db.transaction() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(flood_list=None)
                .execution_options(**UNSYNCED)
            )

    def _waiting_cards(self, *, retrying: bool = False) -> Any:
        """Card posts due now (`retrying`: or waiting on a retry after an attempt)."""
        due = OutboxMessage.available_at <= self.now()
        return and_(
            OutboxMessage.kind == Intent.POST_CARD,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dead_at.is_(None),
            or_(due, OutboxMessage.attempts > 0) if retrying else due,
        )
