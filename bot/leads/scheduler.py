"""The SLA scheduler: APScheduler 3 wakes this process when due work falls due.

Deadlines live as indexed rows (`due_work`), not as one pickled job per lead: an
APScheduler job store cannot be shared by several processes, and a hundred thousand
jobs would be held in memory. Instead one date job (`WAKE_JOB`) is armed for the
earliest pending row and re-armed whenever an earlier one appears:

- in this process, right after the commit that planned it (`bot.leads.sla.note_planned`);
- in other processes on PostgreSQL, by a NOTIFY sent with that commit (`LISTEN` thread);
- in other processes on SQLite, by a one-second check of `PRAGMA data_version`, which
  changes only when another connection committed (no table is read while idle);
- and, whatever happens, by a periodic safety sweep (`SWEEP_JOB`).

Between due times the process sleeps: APScheduler waits on an event until the next
job, and no query runs unless something changed. The other periodic jobs (the weekly
report, reports kept ready, erasure, the members' listing) are bot.leads.periodic's.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import configure_mappers

from bot.core.clock import Now, utcnow
from bot.core.policy import Policy
from bot.leads import due_work
from bot.leads.periodic import PeriodicJobs
from bot.leads.sla import NOTIFY_CHANNEL, PLANNED
from bot.store.database import Database

log = logging.getLogger(__name__)

WAKE_JOB = "baton.due_work.wake"
SWEEP_JOB = "baton.due_work.sweep"
WATCH_JOB = "baton.due_work.watch"

SWEEP_EVERY = timedelta(seconds=30)
WATCH_EVERY = timedelta(seconds=1)
# Leads locked by a transition in progress are looked at again this soon.
BUSY_RETRY = timedelta(milliseconds=200)
# After an unexpected failure (the database went away...), try again this soon.
FAILURE_RETRY = timedelta(seconds=5)
LISTEN_POLL_SECONDS = 5.0
# Threads running the jobs. Passes take turns on the drain lock, so more threads would
# only wait there, each holding a stack, a malloc arena and (SQLite) a connection of its
# own; the second keeps the one-second watch and the digest from queueing behind a pass.
PASS_THREADS = 2

# Deliberate job settings. A due nudge or escalation is sent however late the process
# got to it (no misfire grace limit: a late wake-up is exactly when it matters), and
# runs that piled up while it was busy collapse into one pass (coalesce). Several
# wake-ups may overlap; the drain lock makes them take turns instead of dropping one.
DUE_JOB_OPTIONS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True}


class SlaScheduler:
    def __init__(
        self,
        db: Database,
        policy: Policy,
        *,
        clock: Now = utcnow,
        sweep_every: timedelta = SWEEP_EVERY,
        watch_every: timedelta = WATCH_EVERY,
    ) -> None:
        self.db = db
        self.policy = policy
        self.now = clock
        self.sweep_every = sweep_every
        self.watch_every = watch_every
        self.periodic = PeriodicJobs(db, policy, clock)
        self._scheduler: BackgroundScheduler | None = None
        self._arm_lock = threading.Lock()
        self._drain_lock = threading.Lock()
        self._armed_at: datetime | None = None
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None
        self._watch_conn: Connection | None = None
        self._data_version: int | None = None
        db.listen(PLANNED, self.notice)
        # SQLAlchemy configures the ORM mappers on their first use: tens of milliseconds
        # and a few MB, which would otherwise land inside start() (or delivery's first
        # pass racing it). Building the scheduler is part of building the process.
        configure_mappers()
        # APScheduler logs every run at INFO; a one-second watch would flood the log.
        for name in ("apscheduler.executors.default", "apscheduler.scheduler"):
            logging.getLogger(name).setLevel(logging.WARNING)

    # --- lifecycle -------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def start(self) -> None:
        scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(PASS_THREADS)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )
        # Jobs are added before APScheduler's thread starts: each one added to a running
        # scheduler wakes that thread for a pass over the jobs, competing with the rest of
        # start() for the GIL. From here on notice() arms too (a pending job until started).
        self._scheduler = scheduler
        # Triggers are passed built, not by name: by name APScheduler imports their module
        # through its plugin entry points on first use, i.e. inside start().
        scheduler.add_job(
            self.run_due,
            IntervalTrigger(seconds=self.sweep_every.total_seconds(), timezone=UTC),
            id=SWEEP_JOB,
            replace_existing=True,
            **DUE_JOB_OPTIONS,
        )
        if self.db.dialect == "sqlite":
            # The watch keeps a connection of its own (a data version compares commits
            # seen by one connection); start-up's lookup below uses it too, after the
            # version is read, so a commit in between is seen by one or the other.
            self._watch_conn = self.db.engine.connect()
            self._data_version = self._read_data_version()
            scheduler.add_job(
                self._watch,
                IntervalTrigger(seconds=self.watch_every.total_seconds(), timezone=UTC),
                id=WATCH_JOB,
                replace_existing=True,
                coalesce=True,
                misfire_grace_time=None,
            )
        self.periodic.add_to(scheduler)
        # The first wake-up is armed for the earliest pending row before start returns:
        # one lookup through the partial index, no rows loaded, no claiming pass when
        # nothing is due. Rows that fell due while nothing ran are armed in the past,
        # so they go out at once, with their real lateness. (Due work committed after
        # the lookup is noticed: notice() arms from the moment the scheduler is set.)
        try:
            self._arm_earliest(conn=self._watch_conn)
        except Exception:  # the database is not there yet: a claiming pass will retry
            log.exception("could not look up the first due work; trying at once")
            self._arm(self.now())
        scheduler.start()
        if self.db.dialect == "postgresql":
            self._listener = threading.Thread(
                target=self._listen, name="baton-due-work-listen", daemon=True
            )
            self._listener.start()

    def stop(self) -> None:
        """Finish the pass in progress, then stop; nothing claimed is left half done."""
        self._stop.set()
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None and scheduler.running:
            # Pause, then clear the jobs (which waits for a pass over them in progress):
            # APScheduler's shutdown alone races a one-off job firing at that moment.
            scheduler.pause()
            scheduler.remove_all_jobs()
            scheduler.shutdown(wait=True)
        if self._listener is not None:
            self._wake_listener()
            self._listener.join(LISTEN_POLL_SECONDS + 1)
            self._listener = None
        if self._watch_conn is not None:
            self._watch_conn.close()
            self._watch_conn = None

    def _wake_listener(self) -> None:
        """An empty notification ends the listener's wait at once (others ignore it)."""
        try:
            with self.db.engine.connect() as conn:
                conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
                conn.commit()
        except Exception:  # the database is gone: the listener's own timeout ends it
            log.debug("could not wake the due-work listener", exc_info=True)

    def state(self) -> dict[str, Any]:
        """For health checks: whether it runs and when it next wakes for due work."""
        return {
            "running": self.running,
            "next_wake": wake.isoformat() if (wake := self._wake_at()) else None,
        }

    def health(self) -> dict[str, Any]:
        """For /healthz: unhealthy only when it was started and no longer runs."""
        return {**self.state(), "healthy": self.running or self._scheduler is None}

    # --- waking up ---------------------------------------------------------------------

    def notice(self, earliest: datetime) -> None:
        """Due work falling due at `earliest` was just committed: wake earlier if needed."""
        if self._scheduler is None:  # not started, or stopped
            return
        with self._arm_lock:
            armed = self._wake_at()
            if armed is None or earliest < armed:
                self._arm(earliest)

    def _wake_at(self) -> datetime | None:
        """When the wake-up job runs next; None once it has fired (or none is armed).

        Read from the job itself, not only from what was last asked for: APScheduler drops
        a one-off job the moment it fires, and a wake-up believed armed but already gone
        would make notice() skip arming for due work planned meanwhile."""
        scheduler = self._scheduler
        if scheduler is None or self._armed_at is None:
            return None
        return self._armed_at if scheduler.get_job(WAKE_JOB) is not None else None

    def _arm(self, at: datetime) -> None:
        scheduler = self._scheduler
        if scheduler is None:
            return
        scheduler.add_job(
            self.run_due,
            DateTrigger(run_date=at, timezone=UTC),
            id=WAKE_JOB,
            replace_existing=True,
            # Wake-ups may overlap when an earlier row turns up mid-pass; they queue on
            # the drain lock rather than being skipped.
            max_instances=3,
            **DUE_JOB_OPTIONS,
        )
        self._armed_at = at

    def rearm(self, *, soon: datetime | None = None) -> None:
        """Arm the wake-up for the earliest pending row (or `soon`, if that is earlier)."""
        if not self.running:
            return
        self._arm_earliest(soon=soon)

    def _arm_earliest(
        self, *, soon: datetime | None = None, conn: Connection | None = None
    ) -> None:
        with self._arm_lock:
            at = due_work.next_due_at(self.db, conn)
            if soon is not None and (at is None or soon < at):
                at = soon
            if at is not None:
                self._arm(at)
                return
            self._armed_at = None
            scheduler = self._scheduler
            if scheduler is not None:
                with contextlib.suppress(JobLookupError):
                    scheduler.remove_job(WAKE_JOB)

    def run_due(self) -> int:
        """Claim and dispatch everything due now, then arm for the next row.

        Returns how many rows were sent. Tests call it directly (no threads needed).
        """
        handled = 0
        soon: datetime | None = None
        with self._drain_lock:
            try:
                while True:
                    result = due_work.claim_due(self.db, self.policy, self.now())
                    handled += result.sent
                    if result.busy:
                        soon = self.now() + BUSY_RETRY
                    if not result.more:
                        break
            except Exception:  # a database blip must not stop the clocks
                log.exception("claiming due work failed; trying again shortly")
                soon = self.now() + FAILURE_RETRY
            try:
                self.rearm(soon=soon)
            except Exception:
                log.exception("could not arm the next wake-up; the sweep will")
        return handled

    # --- hearing about other processes' due work ------------------------------------------

    def _read_data_version(self) -> int:
        # On the driver's connection: outside any transaction (SQLAlchemy's would begin one).
        assert self._watch_conn is not None
        cursor = self._watch_conn.connection.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            row = cursor.fetchone()
            assert row is not None  # the pragma always answers one row
            return int(row[0])
        finally:
            cursor.close()

    def _watch(self) -> None:
        """SQLite: re-arm when another connection committed since the last look."""
        try:
            version = self._read_data_version()
        except sqlite3.Error:
            log.exception("could not read the SQLite data version")
            return
        if version != self._data_version:
            self._data_version = version
            self.rearm()

    def _listen(self) -> None:
        """PostgreSQL: LISTEN for due work planned by any process; reconnect on failure."""
        conninfo = make_url(self.db.url).set(drivername="postgresql")
        dsn = conninfo.render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.rearm()  # whatever was planned while not listening
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=LISTEN_POLL_SECONDS):
                            if self._stop.is_set():
                                break
                            self._heard(note.payload)
            except Exception:  # the database restarting must not end the listening
                if self._stop.is_set():
                    return
                log.exception("listening for due work failed; reconnecting")
                self._stop.wait(FAILURE_RETRY.total_seconds())

    def _heard(self, payload: str) -> None:
        if not payload:
            return  # a bare wake-up (see stop)
        try:
            at = datetime.fromisoformat(payload)
        except ValueError:
            log.warning("ignoring a due-work notification with payload %r", payload)
            return
        self.notice(at if at.tzinfo else at.replace(tzinfo=UTC))
