"""Sessions: the one way Baton reads and writes its database.

- `Database.read()`: a read-only session.
- `Database.transaction()`: a write transaction, committed on success, rolled back on
  any error. What must happen because the transaction committed is registered on its
  session by the code that causes it, not known here:
  - `before_commit(session, key, hook)`: runs inside the transaction, just before it
    commits (rows held to the commit, a PostgreSQL NOTIFY that is delivered only if
    the transaction commits);
  - `after_commit(session, key, hook)`: runs once it has committed, outside this
    thread's turn to write (waking delivery, counting a metric). A hook gets the
    `Database`, so it can `tell` the listeners that parts of this process registered
    with `Database.listen` (delivery listens for queued messages, the scheduler for
    planned due work).
  A key is registered once per transaction: ten rows queued in one transaction wake
  delivery once.
- `Database.together(work)`: `work(session)` in a write transaction shared with the
  work other threads ask for at the same moment (bot.store.batching); the same hooks.
- `Database.read_one(statement, params)`: one row of one statement, without a session.
- `Database.share(key, value)`: a value every session carries in its `info`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, TypeVar

from sqlalchemy import Executable, Row, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from bot.store.batching import GroupCommit, insert_rows
from bot.store.engine import POOL_SIZE, is_sqlite_file, make_engine, normalize_url
from bot.store.wal_checkpoint import WalCheckpointer

T = TypeVar("T")

# Execution options for an ORM UPDATE of rows no object in its session stands for (a
# session of its own per statement): by default the ORM first works out which loaded
# objects the WHERE clause matches, which cost as much CPU as the statement itself.
UNSYNCED = {"synchronize_session": False}

_BEFORE_COMMIT = "baton.before_commit"
_AFTER_COMMIT = "baton.after_commit"
_HELD_ROWS = "baton.held_rows"
_HELD_UPDATES = "baton.held_updates"

BeforeCommit = Callable[[Session], None]
AfterCommit = Callable[["Database"], None]


def before_commit(session: Session, key: str, hook: BeforeCommit) -> None:
    """Run `hook(session)` just before this transaction commits (once per `key`)."""
    session.info.setdefault(_BEFORE_COMMIT, {}).setdefault(key, hook)


def after_commit(session: Session, key: str, hook: AfterCommit) -> None:
    """Run `hook(database)` once this transaction has committed (once per `key`)."""
    session.info.setdefault(_AFTER_COMMIT, {}).setdefault(key, hook)


def insert_at_commit(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` into `table` just before the session's transaction commits, in one
    statement per table with the rows the rest of the transaction held the same way.
    Nothing in the transaction can read them back.

    For rows written alongside a new lead (its due work, timeline event and card): a
    group commit of N hand-offs then makes one statement a lead plus three for the
    group, instead of four a lead, each of which was a round trip on PostgreSQL and, on
    SQLite, a moment the group's writer let go of the GIL and waited to win it back.
    """
    session.info.setdefault(_HELD_ROWS, []).append((table, rows))


def update_at_commit(session: Session, statement: Executable, params: dict[str, Any]) -> None:
    """Run the prebuilt UPDATE `statement` with `params` just before the transaction
    commits, in one executemany with the parameters the rest of the transaction held
    for the same statement, after the rows held by `insert_at_commit`.

    For an update every piece of a group commit makes (a CRM's stage update cancels its
    lead's pending nudges): one statement a group instead of one a piece. Nothing in
    the transaction sees it done before then; it also reaches the rows the transaction
    held with `insert_at_commit`.
    """
    held: dict[Executable, list[dict[str, Any]]] = session.info.setdefault(_HELD_UPDATES, {})
    held.setdefault(statement, []).append(params)


def _write_held(session: Session) -> None:
    insert_rows(session, session.info.pop(_HELD_ROWS, []))
    for statement, params in session.info.pop(_HELD_UPDATES, {}).items():
        session.execute(statement, params)


class Database:
    """One engine, its sessions, and the listeners of what its transactions commit."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self.dialect = self.engine.dialect.name
        writer = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.dialect == "sqlite"
            else self.engine
        )
        # Copied into every new session's `info` (see `share`).
        self._shared: dict[str, Any] = {}
        self._reader = sessionmaker(self.engine, expire_on_commit=False, info=self._shared)
        self._writer = sessionmaker(writer, expire_on_commit=False, info=self._shared)
        self._group = GroupCommit(self.transaction)
        self._listeners: dict[str, list[Callable[[Any], None]]] = {}
        # SQLite has one writer at a time. Threads of this process wait for it here, in
        # turn, rather than in SQLite's busy handler, which sleeps and retries in steps of
        # up to 100 ms: under a burst of writes that made waits long and throughput low.
        # (Other processes on the same file still meet the busy timeout.)
        self._write_turn: AbstractContextManager[Any] = (
            threading.RLock() if self.dialect == "sqlite" else nullcontext()
        )
        self._checkpointer = WalCheckpointer(self.engine) if is_sqlite_file(self.url) else None

    # --- listeners --------------------------------------------------------------------

    def listen(self, topic: str, listener: Callable[[Any], None]) -> None:
        """Call `listener(value)` whenever a committed transaction's hook tells `topic`."""
        self._listeners.setdefault(topic, []).append(listener)

    def tell(self, topic: str, value: Any = None) -> None:
        for listener in self._listeners.get(topic, ()):
            listener(value)

    def share(self, key: str, value: Any) -> None:
        """Give every session opened from now on `value` as `session.info[key]`: for what
        code that holds only a session needs to know of the process (the policy's
        webhooks, for bot.leads.timeline), without this layer knowing what it is."""
        self._shared[key] = value

    # --- sessions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any error."""
        with self._write_turn, self._writer() as session:
            with session.begin():
                yield session
                _run_before_commit(session)
            after = session.info.pop(_AFTER_COMMIT, {})
        # After the commit and after this thread's turn to write is over.
        if self._checkpointer is not None:
            self._checkpointer.nudge()
        for hook in after.values():
            hook(self)

    def together(self, work: Callable[[Session], T]) -> T:
        """Run `work(session)` in a write transaction, perhaps shared with the work other
        threads of this process ask for at the same moment; return its result once that
        transaction has committed. `work` must be safe to run twice (bot.store.batching).

        For a burst of small writes (fifty clicks on one card, sixteen intake clients):
        one transaction and one commit for the burst instead of one each. On SQLite they
        would queue for the one writer; on PostgreSQL each would check out a connection
        and make its own round trips. Not from inside `transaction()`.
        """
        return self._group.run(work)

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

    # --- the process ------------------------------------------------------------------

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


def _run_before_commit(session: Session) -> None:
    # The rows held so far first, then the hooks, then what the hooks held (a round robin
    # pool's leads are given in a hook, which locks the pool's turn: the group's other
    # rows are in by then, so the lock waits for less), until nothing is left; a held row
    # may register a hook (a NOTIFY for the due work it plans). Each hook runs once.
    done: set[str] = set()
    while True:
        if session.info.get(_HELD_ROWS) or session.info.get(_HELD_UPDATES):
            _write_held(session)
            continue
        hooks = session.info.get(_BEFORE_COMMIT, {})
        pending = [(key, hook) for key, hook in hooks.items() if key not in done]
        if not pending:
            break
        for key, hook in pending:
            done.add(key)
            hook(session)
    session.info.pop(_BEFORE_COMMIT, None)


def upsert(
    session: Session,
    table: Table,
    values: dict[str, Any] | list[dict[str, Any]],
    key: str | tuple[str, ...],
) -> None:
    """INSERT `values` (a row, or rows with the same columns in one executemany), or
    UPDATE only the columns given where `key` (a column, or the columns of a composite
    key) already exists: the two databases' own ON CONFLICT (SQLAlchemy has it per
    dialect, not in general)."""
    rows = [values] if isinstance(values, dict) else values
    if not rows:
        return
    keys = [key] if isinstance(key, str) else list(key)
    dialect = session.get_bind().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    changed = {k: statement.excluded[k] for k in rows[0] if k not in keys}
    session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changed), rows)
