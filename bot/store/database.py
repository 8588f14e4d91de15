"""Engines, sessions and schema state for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Executable, Row, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import migrations
from bot.store.batching import GroupInsert, Insert, insert_rows
from bot.store.wal_checkpoint import BACKSTOP_PAGES, WalCheckpointer

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Connections kept open per process: at least as many as its threads that may use the
# database at once (16 request threads, 8 delivery senders, delivery's loop, two
# scheduler passes, the checkpoint and the watch; tests/db/test_pool.py keeps the sum).
# A pool smaller than that steady demand closes a connection on every return beyond its
# size and opens a new one on the next checkout; on PostgreSQL each is a new backend:
# `GET /healthz` from 16 clients ran at about 600 a second with p99 143 ms on a pool of
# 10, and at 1,250-1,870 with p99 16-24 ms on this one. LIFO (below) means connections
# beyond what the load needs are never opened.
POOL_SIZE = 32
# Execution options for an ORM UPDATE of rows no object in its session stands for (a
# session of its own per statement): by default the ORM first works out which loaded
# objects the WHERE clause matches, which cost as much CPU as the statement itself.
UNSYNCED = {"synchronize_session": False}
# Session.info flag set by bot.store.outbox.enqueue, so delivery wakes right after the commit.
OUTBOX_QUEUED = "baton.outbox_queued"
# Session.info entry set by bot.leads.sla.note_planned: the earliest due time of the due work
# a transaction wrote, so the scheduler can wake earlier right after the commit.
DUE_WORK_PLANNED = "baton.due_work_planned"
# PostgreSQL NOTIFY channel: other processes' schedulers wake when due work is planned.
NOTIFY_CHANNEL = "baton_due_work"
# Session.info entry: rows queued by insert_at_commit, as (table, rows) in queued order.
HELD_ROWS = "baton.held_rows"


def normalize_url(url: str) -> str:
    """Accept the `postgres://` and `postgresql://` URLs hosting platforms hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    # Errors name the statement, never its values: those hold lead contact details,
    # and errors end up in logs.
    kwargs.setdefault("hide_parameters", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", POOL_SIZE)
        # Room for a burst beyond that; these are closed when they come back.
        kwargs.setdefault("max_overflow", 40)
        # The connection used last is handed out next: at ordinary load a few connections
        # do all the work and stay warm, instead of every pooled connection filling a
        # page cache of its own (SQLite) or a backend's memory (PostgreSQL) in turn.
        kwargs.setdefault("pool_use_lifo", True)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    connect_args.setdefault("check_same_thread", False)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Commits leave checkpoints to bot.store.wal_checkpoint (this is only its backstop).
        cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A write transaction takes the write lock up front: a deferred one that
        # reads first fails at once with "database is locked" when another writer
        # got there in between, instead of waiting its turn.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


@dataclass(eq=False)
class Database:
    """One engine plus the two kinds of session the application uses."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self.dialect = self.engine.dialect.name
        writer = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.dialect == "sqlite"
            else self.engine
        )
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(writer, expire_on_commit=False)
        self._insert_group = GroupInsert(self)
        self._outbox_listeners: list[Callable[[], None]] = []
        self._due_work_listeners: list[Callable[[datetime], None]] = []
        # SQLite has one writer at a time. Threads of this process wait for it here, in
        # turn, rather than in SQLite's busy handler, which sleeps and retries in steps of
        # up to 100 ms: under a burst of writes that made waits long and throughput low.
        # (Other processes on the same file still meet the busy timeout.)
        self._write_turn: AbstractContextManager[Any] = (
            threading.RLock() if self.dialect == "sqlite" else nullcontext()
        )
        self._checkpointer = WalCheckpointer(self.engine) if _sqlite_file(self.url) else None

    def on_outbox_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after any transaction that queued outbox messages commits."""
        self._outbox_listeners.append(listener)

    def on_due_work_commit(self, listener: Callable[[datetime], None]) -> None:
        """Call `listener(earliest due time)` after a transaction that planned due work."""
        self._due_work_listeners.append(listener)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any error."""
        with self._write_turn, self._writer() as session:
            with session.begin():
                yield session
                self._before_commit(session)
            queued = session.info.pop(OUTBOX_QUEUED, False)
            planned = session.info.pop(DUE_WORK_PLANNED, None)
        # Listeners run after the commit and after this thread's turn to write is over.
        if self._checkpointer is not None:
            self._checkpointer.nudge()
        if queued:
            for listener in self._outbox_listeners:
                listener()
        if planned is not None:
            for due_listener in self._due_work_listeners:
                due_listener(planned)

    def _before_commit(self, session: Session) -> None:
        insert_rows(session, session.info.pop(HELD_ROWS, []))
        planned = session.info.get(DUE_WORK_PLANNED)
        if planned is not None and self.dialect == "postgresql":
            # One NOTIFY a transaction, for its earliest due time, however many leads
            # it planned due work for (a group commit of hand-offs plans one each).
            session.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": NOTIFY_CHANNEL, "payload": planned.isoformat()},
            )

    def insert_together(self, table: Table, rows: list[dict[str, Any]], *, outbox: bool) -> None:
        """INSERT `rows` into `table`, committed when this returns, in one transaction
        with the rows other threads are inserting at the same moment (a group commit).

        For rows a burst of requests each adds and nothing else in the transaction depends
        on (the notes to fifty clicks that lost one claim race): one write transaction and
        one commit for the burst instead of one each. On SQLite they would queue for the
        one writer; on PostgreSQL each would check out a connection and make its own
        round trips, taking turns for the GIL with the clicks still being answered.
        `outbox`: the rows are outbox messages (delivery wakes after the commit).
        Not from inside `transaction()`: the group's writer needs this thread's turn.
        """
        self._insert_group.run(Insert(table, rows, {OUTBOX_QUEUED: True} if outbox else {}))

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def read_one(self, statement: Executable, params: dict[str, Any]) -> Row[Any] | None:
        """The first row of one read statement, on a pooled connection without an ORM
        session: for the few look-ups on the busiest paths (a click's look at its lead),
        where setting up and closing a session cost as much as the query."""
        with self.engine.connect() as connection:
            return connection.execute(statement, params).first()

    def warm(self, connections: int) -> None:
        """Open up to `connections` pooled PostgreSQL connections now, before requests
        arrive, so the first burst does not wait for a backend to start per connection.
        (SQLite's connections open in microseconds: nothing to gain there.)"""
        if self.dialect != "postgresql":
            return
        held = []
        try:
            for _ in range(min(connections, POOL_SIZE)):
                held.append(self.engine.connect())
        finally:
            for connection in held:
                connection.close()

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()


def insert_at_commit(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` into `table` just before the session's transaction (from
    `Database.transaction`) commits, in one statement per table with the rows the rest of
    the transaction queued the same way. Nothing in the transaction can read them back.

    For rows written alongside a new lead (its due work, timeline event and card): a
    group commit of N hand-offs then makes one statement a lead plus three for the
    group, instead of four a lead, each of which was a round trip on PostgreSQL and, on
    SQLite, a moment the group's writer let go of the GIL and waited to win it back.
    """
    session.info.setdefault(HELD_ROWS, []).append((table, rows))


def _sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")


# --- schema state and migrations -------------------------------------------------


class SchemaState(enum.Enum):
    EMPTY = "empty"
    CURRENT = "current"
    OUTDATED = "outdated"
    UNKNOWN = "unknown"  # a revision this version of Baton does not know (newer code ran)


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    current: str | None
    head: str


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def schema_status(engine: Engine) -> SchemaStatus:
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    head = script.get_current_head()
    assert head is not None
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current is None:
        state = SchemaState.EMPTY
    elif current == head:
        state = SchemaState.CURRENT
    elif current in {rev.revision for rev in script.walk_revisions()}:
        state = SchemaState.OUTDATED
    else:
        state = SchemaState.UNKNOWN
    return SchemaStatus(state, current, head)


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


class SchemaNotReady(Exception):
    """The database schema is not the one this version of Baton needs."""


def ensure_schema(engine: Engine) -> SchemaStatus:
    """Make the schema ready for serving, or say what the operator must do.

    The embedded SQLite default migrates itself so a first `baton serve` just works;
    a shared PostgreSQL database is migrated deliberately, by `baton migrate`
    (the Procfile's release phase), never by whichever process starts first.
    """
    status = schema_status(engine)
    if status.state is SchemaState.CURRENT:
        return status
    if status.state is SchemaState.UNKNOWN:
        raise SchemaNotReady(
            f"The database is at schema revision {status.current}, which this version of "
            "Baton does not know (a newer Baton migrated it). Run the newer Baton."
        )
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return schema_status(engine)
    have = "empty" if status.state is SchemaState.EMPTY else f"at revision {status.current}"
    raise SchemaNotReady(
        f"The database schema is {have}; this version of Baton needs {status.head}. "
        "Run `baton migrate` first."
    )
