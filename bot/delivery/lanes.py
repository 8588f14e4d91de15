"""Channel lanes shared by every process: one process at a time posts to a channel.

`baton serve` and `baton worker` both deliver by default. Without coordination each
would pace a channel on its own (two posts a second) and interleave their rows. A
process therefore leases a channel's lane (a row in `delivery_lanes`) before it takes
rows for that channel, renews it while it has work there, and hands it back with the
moment the channel may next be posted to, so the next holder keeps the pace.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.clock import Now
from bot.delivery.pacing import Pacer
from bot.store.database import Database
from bot.store.models import DeliveryLane

log = logging.getLogger(__name__)
# A channel this process has had no work for this long goes back to the pool.
IDLE_SECONDS = 30.0


class LaneLeases:
    def __init__(self, db: Database, clock: Now, lease: timedelta, worker_id: str) -> None:
        self.db = db
        self.now = clock
        self.lease = lease
        self.worker_id = worker_id

    def acquire(self, lanes: Iterable[str]) -> dict[str, datetime | None]:
        """Take the lanes that are free (or already ours): lane -> its next post time."""
        wanted = sorted(set(lanes))
        if not wanted:
            return {}
        now = self.now()
        got: dict[str, datetime | None] = {}
        with self.db.transaction() as session:
            for lane, next_post_at in session.execute(
                update(DeliveryLane)
                .where(
                    DeliveryLane.lane.in_(wanted),
                    or_(
                        DeliveryLane.holder == self.worker_id,
                        DeliveryLane.holder.is_(None),
                        DeliveryLane.leased_until < now,
                    ),
                )
                .values(holder=self.worker_id, leased_until=now + self.lease)
                .returning(DeliveryLane.lane, DeliveryLane.next_post_at)
            ):
                got[lane] = next_post_at
            known = set(
                session.scalars(select(DeliveryLane.lane).where(DeliveryLane.lane.in_(wanted)))
            )
            for lane in wanted:
                if lane in known:
                    continue
                try:
                    with session.begin_nested():  # another process may create it first
                        session.add(
                            DeliveryLane(
                                lane=lane, holder=self.worker_id, leased_until=now + self.lease
                            )
                        )
                except IntegrityError:
                    continue
                got[lane] = None
        return got

    def renew(self, lanes: Iterable[str]) -> set[str]:
        """Extend the lanes still ours; return them."""
        held = sorted(set(lanes))
        if not held:
            return set()
        now = self.now()
        with self.db.transaction() as session:
            return set(
                session.scalars(
                    update(DeliveryLane)
                    .where(DeliveryLane.lane.in_(held), DeliveryLane.holder == self.worker_id)
                    .values(leased_until=now + self.lease)
                    .returning(DeliveryLane.lane)
                )
            )

    def release(self, next_posts: dict[str, float]) -> None:
        """Hand lanes back; each with how many seconds until the next post is allowed."""
        if not next_posts:
            return
        now = self.now()
        with self.db.transaction() as session:
            for lane, wait in next_posts.items():
                session.execute(
                    update(DeliveryLane)
                    .where(DeliveryLane.lane == lane, DeliveryLane.holder == self.worker_id)
                    .values(
                        holder=None,
                        leased_until=None,
                        next_post_at=now + timedelta(seconds=max(wait, 0.0)),
                    )
                )


class ChannelHolds:
    """The channels this process holds the lanes of, kept in step with the pacer."""

    def __init__(self, leases: LaneLeases, pacer: Pacer) -> None:
        self.leases = leases
        self.pacer = pacer
        self._lock = threading.Lock()
        self._held: dict[str, float] = {}  # channel -> last active (monotonic)

    def __contains__(self, channel: object) -> bool:
        with self._lock:
            return channel in self._held

    def hold(self, channels: set[str]) -> set[str]:
        """Those of `channels` this process holds, after taking the free ones."""
        with self._lock:
            missing = channels - self._held.keys()
        if missing:
            now = self.leases.now()
            got = self.leases.acquire(f"channel:{c}" for c in missing)
            with self._lock:
                for lane, next_post_at in got.items():
                    channel = lane.removeprefix("channel:")
                    self._held[channel] = time.monotonic()
                    if next_post_at is not None:
                        self.pacer.hold(channel, (next_post_at - now).total_seconds())
        with self._lock:
            return {c for c in channels if c in self._held}

    def touch(self, channels: Iterable[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for channel in channels:
                if channel in self._held:
                    self._held[channel] = now

    def renew(self, active: set[str]) -> set[str]:
        """Renew the lanes in use, hand back idle ones; return those another took over."""
        self.touch(active)
        now = time.monotonic()
        with self._lock:
            idle = {c for c, at in self._held.items() if now - at > IDLE_SECONDS}
            kept = set(self._held) - idle
        self.release(idle)
        renewed = {
            lane.removeprefix("channel:")
            for lane in self.leases.renew(f"channel:{c}" for c in kept)
        }
        lost = kept - renewed
        with self._lock:
            for channel in lost:
                self._held.pop(channel, None)
        return lost

    def forget(self) -> None:
        """Drop every lane held, without a word to the database (another process took
        this one for dead and handed them back already)."""
        with self._lock:
            self._held.clear()

    def release(self, channels: set[str] | None = None) -> None:
        """Hand back `channels` (all by default), each with the pace it is at."""
        with self._lock:
            chosen = set(self._held) if channels is None else channels & self._held.keys()
            for channel in chosen:
                self._held.pop(channel, None)
        if not chosen:
            return
        try:
            self.leases.release({f"channel:{c}": self.pacer.channel_wait(c) for c in chosen})
        except Exception:  # the lane leases run out on their own
            log.exception("could not hand back %d channel lanes", len(chosen))
