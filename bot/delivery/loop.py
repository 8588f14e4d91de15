"""Delivery: the one place that sends to Slack. It drains the outbox.

Each outbox kind has a sender, registered with `@sender(Intent.X)` (bot.delivery.registry), that
renders from the database and makes the Slack call(s) through `ctx.client` (or
`ctx.post_message`). Around the senders delivery guarantees:

- **Once.** A row is leased, with the lease renewed while held (bot.delivery.leases), and
  marked sent in the transaction that records its effects. A process that dies is
  found out by its heartbeat within seconds, and its rows and lanes are taken over
  (bot.delivery.heartbeats). A retried row looks for
  its own earlier post in the channel's history before posting again (message
  metadata names the row; bot.delivery.slack_client), so a process that died after Slack
  accepted a post does not post it twice.
- **In order.** A row waits while an earlier row of the same lead is pending. Rows
  for one channel go out one at a time in id order (a *lane* per channel); different
  channels proceed in parallel on a small pool of workers.
- **Paced.** About one chat.postMessage per second per channel, and Slack's own
  Retry-After for the method (and channel) it names (bot.delivery.pacing). A lane that must
  wait is simply not dispatched until then; nobody sleeps on it. When a channel's
  backlog of cards would hold the last one back longer than the policy's
  `digest_after`, the waiting cards go out as flood lists instead (bot.delivery.flood_list).
- **Coalesced.** Pending card updates of one lead become one `chat.update`.
- **Retried sensibly** (bot.delivery.attempt, bot.delivery.failures): 429 → Retry-After; 5xx
  and network errors → exponential backoff with jitter, for as long as it takes;
  errors a person must fix → dead letters (`problems()`, `baton retry-failed`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient

from bot.core import logs
from bot.core.clock import Now, utcnow
from bot.core.policy import Policy
from bot.delivery import flood_list, notices, people, webhooks  # noqa: F401  (their senders)
from bot.delivery.attempt import Steps
from bot.delivery.flood_plan import CHANNEL_KINDS, ChannelRoutes, FloodPlanner
from bot.delivery.foreground import Foreground
from bot.delivery.heartbeats import Heartbeats
from bot.delivery.lane_queue import LaneItem, Lanes
from bot.delivery.lanes import ChannelHolds, LaneLeases
from bot.delivery.leases import Leases
from bot.delivery.pacing import Pacer
from bot.delivery.slack_client import OutboxClient
from bot.store import outbox
from bot.store.database import Database
from bot.store.outbox import Intent

log = logging.getLogger(__name__)
_BUILT_IN_SENDERS = (notices,)


LEASE = timedelta(seconds=60)
IDLE_POLL_SECONDS = 2.0
LEASE_BATCH = 200
MAX_QUEUED = 1000
WORKERS = 8
FLOOD_CHECK_SECONDS = 1.0
# Kinds whose Slack call is chat.update, which the per-channel post pacing does not hold.
UNPACED_KINDS = frozenset({Intent.UPDATE_CARD})
# Kinds that post into their lead's route channel, one a second: a channel lane holds
# LANE_DEPTH of them at most (its backlog stays in the outbox until there is room).
PACED_LANE_KINDS = frozenset(str(kind) for kind in CHANNEL_KINDS - UNPACED_KINDS)
LANE_DEPTH = 20


class Delivery:
    def __init__(
        self,
        db: Database,
        client: WebClient,
        policy: Policy,
        *,
        clock: Now = utcnow,
        lease: timedelta = LEASE,
        post_interval: float = 1.0,
        workers: int = WORKERS,
        foreground: Foreground | None = None,
    ) -> None:
        self.db = db
        self.policy = policy
        self.now = clock
        self.lease = lease
        if isinstance(client, OutboxClient):
            self.client = client
            self.pacer = client.pacer
            self.pacer.post_interval = post_interval
        else:  # a plain WebClient: send with the same token and URL, delivery's way
            self.pacer = Pacer(post_interval)
            self.client = OutboxClient(
                token=client.token,
                base_url=client.base_url,
                timeout=client.timeout,
                retry_handlers=[],
                pacer=self.pacer,
            )
        self.workers = workers
        self.foreground = foreground
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.leases = Leases(db, clock, lease, self.worker_id)
        self.channels = ChannelHolds(LaneLeases(db, clock, lease, self.worker_id), self.pacer)
        self.steps = Steps(db, self.client, policy, clock, self.leases)
        self.heartbeats = Heartbeats(db, clock, self.worker_id)
        self.routes = ChannelRoutes(policy)
        self.flood_lists = FloodPlanner(
            db, clock, policy, self.leases, self.channels, self.pacer, self.routes
        )
        self._lock = threading.Lock()
        self._lanes = Lanes()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._state = "stopped"
        self._last_pass: float | None = None
        self._last_error: str | None = None
        outbox.on_queued(db, self.wake)

    # --- running ---------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._stop.clear()
        # First: a predecessor that died on this host is taken over before the first pass.
        self.heartbeats.start(on_lost=self._forget_held, on_taken_over=self.wake)
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="baton-send")
        self._thread = threading.Thread(target=self._run, name="baton-delivery", daemon=True)
        self._state = "running"
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop taking rows, hand back those not started, let in-flight sends finish."""
        if self._thread is None:
            return
        deadline = time.monotonic() + timeout
        self._state = "stopping"
        self._stop.set()
        self._wake.set()
        self._thread.join(max(deadline - time.monotonic(), 0.1))
        with self._lock:
            queued = self._lanes.queued_ids()
            self._lanes.queues.clear()
        if queued:
            try:
                self.leases.release(queued)
            except Exception:  # their leases run out on their own
                log.exception("could not hand back %d outbox rows", len(queued))
        while time.monotonic() < deadline:
            with self._lock:
                if not self._lanes.busy:
                    break
            time.sleep(0.05)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            unfinished = len(self._lanes.busy)
        self.channels.release()
        self.heartbeats.stop()
        logs.event(log, "delivery.stopped", released=len(queued), unfinished=unfinished)
        self._thread = None
        self._state = "stopped"

    def health(self) -> dict[str, Any]:
        with self._lock:
            queued, in_flight = self._lanes.count(), len(self._lanes.busy)
        age = None if self._last_pass is None else round(time.monotonic() - self._last_pass, 1)
        state = self._state
        if state == "running" and (self._thread is None or not self._thread.is_alive()):
            state = "dead"
        stalled_after = max(60.0, self.lease.total_seconds())
        healthy = state in ("stopped", "stopping") or (
            state == "running" and (age is None or age < stalled_after)
        )
        return {
            "state": state,
            "healthy": healthy,
            "last_pass_seconds_ago": age,
            "queued": queued,
            "in_flight": in_flight,
            "last_error": self._last_error,
        }

    def _run(self) -> None:
        next_heartbeat = 0.0
        next_flood_check = 0.0
        failed_passes = 0
        while not self._stop.is_set():
            self._wake.clear()
            timeout = IDLE_POLL_SECONDS
            try:
                now = time.monotonic()
                if now >= next_heartbeat:
                    self._heartbeat()
                    next_heartbeat = now + self.lease.total_seconds() / 4
                if now >= next_flood_check:
                    self._enqueue(self.flood_lists.plan(self._in_flight), front=True)
                    next_flood_check = now + FLOOD_CHECK_SECONDS
                with self._lock:
                    room = self._lanes.count() < MAX_QUEUED
                if room and self.foreground is not None:
                    self.foreground.wait_quiet()  # leasing is database work too
                if room:
                    items = self._lease_rows(LEASE_BATCH, lane_depth=LANE_DEPTH)
                    self._enqueue(items)
                    if len(items) >= LEASE_BATCH:
                        self._wake.set()  # a full batch: more may be waiting
                timeout = min(timeout, self._dispatch(), next_heartbeat - time.monotonic())
                self._last_pass = time.monotonic()
                self._last_error = None
                failed_passes = 0
            except Exception as exc:  # the loop must survive a bad row or a database outage
                failed_passes += 1
                self._last_error = type(exc).__name__
                logs.event(log, "delivery.pass_failed", logging.WARNING, error=repr(exc)[:300])
                timeout = min(IDLE_POLL_SECONDS * 4, 0.25 * 2**failed_passes)
            self._wake.wait(max(timeout, 0.01))

    def run_once(self, limit: int = 100) -> int:
        """Send, in this thread, what is due now; return how many items were handled.

        Tests and one-off tools use this instead of the background loop.
        """
        items = self.flood_lists.plan(self._in_flight) + self._lease_rows(limit)
        try:
            for item in items:
                self._step(item)
        finally:
            self.channels.release()
        return len(items)

    # --- taking work -------------------------------------------------------------------

    def _lease_rows(self, limit: int, *, lane_depth: int | None = None) -> list[LaneItem]:
        """Lease what can go out now, as lane items.

        With `lane_depth`, a channel's lane holds at most that many posts: it posts one
        a second, so leasing its whole backlog would only tie up leases (renewed every
        heartbeat) and the queue, leaving no room for rows that need not wait for the
        channel's pace. Card updates are never held back by it.
        """
        room = self._lane_room(lane_depth) if lane_depth is not None else {}
        full = {channel for channel, left in room.items() if left <= 0}
        rows = self.leases.candidates(
            limit,
            lane_kinds=PACED_LANE_KINDS if lane_depth is not None else frozenset(),
            full_routes=[route for route, channel in self.routes.seen.items() if channel in full],
        )
        if not rows:
            return []
        lanes = {
            row.id: self.routes.lane_of(row.id, row.kind, row.payload or {}, row.route)
            for row in rows
        }
        held = self.channels.hold({channel for _, channel in lanes.values() if channel})
        mine = []
        for row in rows:
            channel = lanes[row.id][1]
            if channel is not None and channel not in held:
                continue  # another process posts to this channel
            if lane_depth is not None and channel is not None and row.kind not in UNPACED_KINDS:
                left = room.get(channel, lane_depth)
                if left <= 0:
                    continue  # leased later, when the lane has posted some of its own
                room[channel] = left - 1
            mine.append(row)
        leased = self.leases.take([row.id for row in mine]) if mine else set()
        return [
            LaneItem([row.id], *lanes[row.id], paced=row.kind not in UNPACED_KINDS, route=row.route)
            for row in mine
            if row.id in leased
        ]

    def _lane_room(self, depth: int) -> dict[str, int]:
        """Posts each channel lane in use has room for (≤ 0: none), at `depth` a lane."""
        with self._lock:
            items = [item for queue in self._lanes.queues.values() for item in queue]
            items += list(self._lanes.busy.values())
        used: dict[str, int] = {}
        for item in items:
            if item.channel is not None and item.paced:
                used[item.channel] = used.get(item.channel, 0) + 1
        return {channel: depth - n for channel, n in used.items()}

    def _heartbeat(self) -> None:
        """Keep the leases of held rows and lanes alive; let go of what another took."""
        with self._lock:
            held = self._lanes.queued_ids() | self._lanes.in_flight_ids()
        if held:
            lost = held - self.leases.renew(held)
            if lost:
                with self._lock:
                    self._lanes.drop(lost)
        with self._lock:
            active = {lane.removeprefix("channel:") for lane in self._lanes.queues}
            active |= {lane.removeprefix("channel:") for lane in self._lanes.busy}
        taken_over = self.channels.renew(active)
        if taken_over:  # another process posts to these channels now: hand back their rows
            with self._lock:
                dropped = [self._lanes.queues.pop(f"channel:{c}", None) for c in taken_over]
            self.leases.release(i for queue in dropped if queue for item in queue for i in item.ids)

    def _in_flight(self) -> set[int]:
        with self._lock:
            return self._lanes.in_flight_ids()

    def _forget_held(self) -> None:
        """Another process took this one for dead and handed its rows and lanes back:
        drop them here too (a send already started finishes; nothing new starts)."""
        with self._lock:
            forgotten = self._lanes.queued_ids()
            self._lanes.queues.clear()
        self.channels.forget()
        logs.event(log, "delivery.forgot_held", logging.WARNING, rows=len(forgotten))

    # --- dispatching ---------------------------------------------------------------------

    def _enqueue(self, items: list[LaneItem], *, front: bool = False) -> None:
        if not items:
            return
        with self._lock:
            if front:
                self._lanes.drop({i for item in items for i in item.ids})
            for item in reversed(items) if front else items:
                queue = self._lanes.queues.setdefault(item.lane, deque())
                if front:
                    queue.appendleft(item)
                else:
                    queue.append(item)
        # No wake-up here: the loop calls this and dispatches right after, in the same
        # pass. Waking it would run a pass for nothing while the items start sending.

    def _dispatch(self) -> float:
        """Hand each ready lane's next item to a worker; return seconds until one is ready."""
        assert self._pool is not None
        next_ready = IDLE_POLL_SECONDS
        with self._lock:
            lanes = sorted(self._lanes.queues.items(), key=lambda kv: kv[1][0].ids[0])
            for lane, queue in lanes:
                if len(self._lanes.busy) >= self.workers:
                    break
                if lane in self._lanes.busy:
                    continue
                item = queue[0]
                wait = self.pacer.channel_wait(item.channel) if item.paced and item.channel else 0
                if wait > 0:
                    next_ready = min(next_ready, wait)
                    # A card update is not held by the channel's posting pace, so it need
                    # not wait behind a post that is: a rep's click shows at once. Order
                    # per lead is kept, since a lane never holds two rows of one lead (a
                    # row is leased only once the lead's earlier rows are sent).
                    unpaced = next((queued for queued in queue if not queued.paced), None)
                    if unpaced is None:
                        continue
                    item = unpaced
                queue.remove(item)
                if not queue:
                    del self._lanes.queues[lane]
                self._lanes.busy[lane] = item
                if item.channel is not None:
                    self.channels.touch([item.channel])
                self._pool.submit(self._work, item)
        return next_ready

    def _work(self, item: LaneItem) -> None:
        try:
            if self.foreground is not None:
                self.foreground.wait_quiet()  # the requests being answered go first
            self._step(item)
        except Exception as exc:  # e.g. the database went away mid-step; the lease expires
            logs.event(log, "delivery.step_failed", logging.WARNING, error=repr(exc)[:300])
        finally:
            with self._lock:
                self._lanes.busy.pop(item.lane, None)
            self._wake.set()

    def _step(self, item: LaneItem) -> None:
        if item.flood_list:
            assert item.channel is not None
            self.steps.send_flood_list(item.ids, item.channel)
        else:
            self.steps.send_row(item.ids[0], item.channel, item.route)
