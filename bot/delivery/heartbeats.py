"""Heartbeats: each delivering process says, every second, that it is alive.

A process that dies holding outbox rows and channel lanes would otherwise hold them
until their leases ran out (`BATON_OUTBOX_LEASE_SECONDS`, a minute by default), and
with its lanes every card for those channels. Each process therefore writes its
heartbeat (a row in `heartbeats`) every `BEAT_SECONDS`, and each looks for processes
that are gone:

- a heartbeat that has not moved for `DEAD_AFTER` (whatever the lease is), or
- a process on this host, in this process id namespace, whose process id no longer
  exists (or is this process's own, under another worker id): a process restarted on
  the same host takes over its predecessor's work at once.

Taking over hands the dead process's unsent rows and its lanes back to the pool (in
the transaction that removes its heartbeat, so one process does it). The rows keep
`in_slack`: a row the dead process may have posted (`sending`, `maybe`) is looked up
in Slack's history before it is sent again (bot/delivery/slack_client.py), so a take
over never posts twice what Slack already has.

A process that finds its own heartbeat gone (another took it for dead: the database
was out of its reach for a while) forgets the rows and lanes it held and registers
again; each send starts with a compare-and-set on the row's lease
(bot/delivery/leases.py), so it sends nothing it no longer holds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from bot.core import logs
from bot.core.clock import Now
from bot.store.database import Database
from bot.store.models import DeliveryLane, Heartbeat, OutboxMessage

log = logging.getLogger(__name__)

BEAT_SECONDS = 1.0
DEAD_AFTER = timedelta(seconds=5)
# Worker ids with a heartbeat running in this process (tests run several in one).
_BEATING_HERE: set[str] = set()
_BEATING_LOCK = threading.Lock()


def pid_space() -> str:
    """Where a process id means this host's process: the boot and the pid namespace
    (Linux); empty elsewhere, where only the host name is known."""
    parts = []
    with contextlib.suppress(OSError), open("/proc/sys/kernel/random/boot_id") as boot:
        parts.append(boot.read().strip())
    with contextlib.suppress(OSError):
        parts.append(os.readlink("/proc/self/ns/pid"))
    return " ".join(parts)[:120]


def pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: it exists
        return True
    return True


@dataclass(frozen=True)
class Gone:
    worker_id: str
    beat_at: datetime
    why: str  # "process_gone" | "heartbeat_stopped"


class Heartbeats:
    def __init__(
        self,
        db: Database,
        clock: Now,
        worker_id: str,
        *,
        dead_after: timedelta = DEAD_AFTER,
        every: float = BEAT_SECONDS,
    ) -> None:
        self.db = db
        self.now = clock
        self.worker_id = worker_id
        self.dead_after = dead_after
        self.every = every
        self.host = socket.gethostname()[:255]
        self.pid_space = pid_space()
        self.pid = os.getpid()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- this process ------------------------------------------------------------------

    def beat(self) -> bool:
        """Say this process is alive; False if its heartbeat was gone (first beat, or
        another process took it for dead), and it registered again."""
        now = self.now()
        with self.db.transaction() as session:
            moved = session.scalars(
                update(Heartbeat)
                .where(Heartbeat.worker_id == self.worker_id)
                .values(beat_at=now)
                .returning(Heartbeat.worker_id)
            ).all()
            if moved:
                return True
            session.add(
                Heartbeat(
                    worker_id=self.worker_id,
                    host=self.host,
                    pid_space=self.pid_space,
                    pid=self.pid,
                    started_at=now,
                    beat_at=now,
                )
            )
        return False

    def start(self, on_lost: Callable[[], None], on_taken_over: Callable[[], None]) -> None:
        """Beat, and take over the work of processes that are gone, in a thread of its
        own (a slow send or database pass does not stop the heartbeat); once at once."""
        with _BEATING_LOCK:
            _BEATING_HERE.add(self.worker_id)
        self._stop.clear()
        self.beat()
        if self.take_over(self.gone()):
            on_taken_over()
        self._thread = threading.Thread(
            target=self._run, args=(on_lost, on_taken_over), name="baton-heartbeat", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and remove the heartbeat: what this process still holds (a send
        that did not finish) comes back when its lease runs out, not before."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None
        with _BEATING_LOCK:
            _BEATING_HERE.discard(self.worker_id)
        try:
            with self.db.transaction() as session:
                session.execute(delete(Heartbeat).where(Heartbeat.worker_id == self.worker_id))
        except Exception:  # it is taken for dead a few seconds from now
            log.exception("could not remove the heartbeat")

    def _run(self, on_lost: Callable[[], None], on_taken_over: Callable[[], None]) -> None:
        failed = False
        while not self._stop.wait(self.every):
            try:
                if not self.beat():
                    logs.event(log, "delivery.heartbeat_lost", logging.WARNING)
                    on_lost()
                if self.take_over(self.gone()):
                    on_taken_over()
                if failed:
                    logs.event(log, "delivery.heartbeat_back")
                failed = False
            except Exception as exc:  # the database is away; try again next beat
                if not failed:
                    logs.event(
                        log, "delivery.heartbeat_failed", logging.WARNING, error=repr(exc)[:300]
                    )
                failed = True

    # --- the others ----------------------------------------------------------------------

    def gone(self) -> list[Gone]:
        """Processes whose heartbeat says they are gone."""
        now = self.now()
        with self.db.read() as session:
            beats = session.execute(
                select(
                    Heartbeat.worker_id,
                    Heartbeat.host,
                    Heartbeat.pid_space,
                    Heartbeat.pid,
                    Heartbeat.beat_at,
                ).where(Heartbeat.worker_id != self.worker_id)
            ).all()
        found = []
        for worker_id, host, space, pid, beat_at in beats:
            if (
                host == self.host
                and space == self.pid_space
                and not self._alive_here(worker_id, pid)
            ):
                found.append(Gone(worker_id, beat_at, "process_gone"))
            elif beat_at < now - self.dead_after:
                found.append(Gone(worker_id, beat_at, "heartbeat_stopped"))
        return found

    def _alive_here(self, worker_id: str, pid: int) -> bool:
        if pid == self.pid:  # this process: alive if it beats under that worker id
            with _BEATING_LOCK:
                return worker_id in _BEATING_HERE
        return pid_exists(pid)

    def take_over(self, gone: list[Gone]) -> bool:
        """Hand the unsent rows and the lanes of `gone` back to the pool; True if any."""
        freed_any = False
        for dead in gone:
            with self.db.transaction() as session:
                # Only if its heartbeat is as it was seen: it did not beat meanwhile, and
                # no other process took over first.
                removed = session.scalars(
                    delete(Heartbeat)
                    .where(Heartbeat.worker_id == dead.worker_id, Heartbeat.beat_at <= dead.beat_at)
                    .returning(Heartbeat.worker_id)
                ).all()
                if not removed:
                    continue
                rows = len(
                    session.scalars(
                        update(OutboxMessage)
                        .where(
                            OutboxMessage.leased_by == dead.worker_id,
                            OutboxMessage.sent_at.is_(None),
                        )
                        .values(leased_until=None, leased_by=None)
                        .returning(OutboxMessage.id)
                    ).all()
                )
                lanes = len(
                    session.scalars(
                        update(DeliveryLane)
                        .where(DeliveryLane.holder == dead.worker_id)
                        .values(holder=None, leased_until=None)
                        .returning(DeliveryLane.lane)
                    ).all()
                )
            logs.event(
                log,
                "delivery.took_over",
                logging.WARNING if rows or lanes else logging.INFO,
                worker=dead.worker_id,
                why=dead.why,
                rows=rows,
                lanes=lanes,
                silent_seconds=round((self.now() - dead.beat_at).total_seconds(), 1),
            )
            freed_any = freed_any or bool(rows or lanes)
        return freed_any
