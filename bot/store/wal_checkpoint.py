"""SQLite: the write-ahead log is copied into the database file on a thread of its own.

In WAL mode with synchronous=NORMAL a commit only appends to the log; a checkpoint
copies the log into the database file and syncs both to disk. By default SQLite runs
one inside whichever commit takes the log past 1,000 pages, so about one click in a
hundred waited for two disk syncs (tens of milliseconds on a shared disk). Here a
commit only nudges this thread, which lets the commits of the next moment gather and
then runs a PASSIVE checkpoint: it takes no lock that readers or writers wait for.

SQLite's own checkpoint stays as a backstop, at a much larger log (writes this process
does not see, such as another program's bulk load, or this thread falling behind).
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from bot.core import logs

log = logging.getLogger(__name__)
# Commits of this long share one checkpoint (a log of at most a few MB under load).
GATHER_SECONDS = 0.5
# SQLite's automatic checkpoint, in pages: only when this thread has not kept up.
BACKSTOP_PAGES = 10_000


class WalCheckpointer:
    """Checkpoints an SQLite file's log soon after commits, never inside one."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._nudged = threading.Event()
        self._stopping = threading.Event()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        """A transaction committed: checkpoint soon. (Idle, the thread only waits.)"""
        if self._thread is None:
            self._start()
        self._nudged.set()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None and not self._stopping.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="baton-wal-checkpoint", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._nudged.set()
        if self._thread is not None:
            self._thread.join(5.0)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._nudged.wait()
            if self._stopping.wait(GATHER_SECONDS):
                return
            self._nudged.clear()
            try:
                self.checkpoint()
            except (sqlite3.Error, DBAPIError) as error:  # tried again after the next commit
                logs.event(log, "sqlite.checkpoint_failed", logging.WARNING, error=str(error))

    def checkpoint(self) -> None:
        """Run a PASSIVE checkpoint (what it could not copy now, the next one copies)."""
        # The driver connection, outside any transaction: a checkpoint cannot run inside
        # one, and SQLAlchemy would begin one on the first statement.
        connection = self._engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            cursor.close()
        finally:
            connection.close()
