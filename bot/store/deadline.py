"""How long a PostgreSQL round trip may stay unanswered before Baton gives up on it.

A network that goes silent (packets dropped, no reset) leaves a query waiting for an
answer that never comes: TCP keeps retrying for many minutes, and PostgreSQL's own
statement timeout cannot help, as the server may never have seen the query. A request
thread stuck that way held `POST /leads` and `/healthz` for as long as the partition
lasted. So each statement, and the ping at every checkout from the pool, is given a
deadline; a watchdog thread shuts the connection's socket down when one passes, which
ends the wait at once with an error SQLAlchemy treats as a lost connection (the
connection is dropped from the pool; the request answers 503 with Retry-After).

Requests get a short deadline (`request_deadline`, set by the web app around each
request: an answer within a few seconds, 503 or not); everything else the process does
(the scheduler, delivery, report snapshots) a long one, since a slow query there is no
partition. libpq's own options bound what TCP can tell: `connect_timeout` for a new
connection, keepalives and `tcp_user_timeout` for a connection that stops
acknowledging (bot.store.engine).

Written by hand because neither psycopg nor SQLAlchemy has a client-side time limit on
a round trip.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, exc

from bot.core import logs

log = logging.getLogger(__name__)

REQUEST_SECONDS = 4.0  # a request's round trips: /healthz answers 503 within 5 s
BACKGROUND_SECONDS = 300.0  # the scheduler's, delivery's and report snapshots'
_TICK = 0.25

_local = threading.local()


@contextmanager
def request_deadline(seconds: float = REQUEST_SECONDS) -> Iterator[None]:
    """Round trips made by this thread inside the block get `seconds` each."""
    before = getattr(_local, "seconds", None)
    _local.seconds = seconds
    try:
        yield
    finally:
        _local.seconds = before


def _seconds() -> float:
    return getattr(_local, "seconds", None) or BACKGROUND_SECONDS


class Watchdog:
    """Shuts down the socket of a round trip that has passed its deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[int, tuple[float, int]] = {}  # thread id -> (deadline, fd)
        self._thread: threading.Thread | None = None

    def arm(self, fd: int) -> None:
        with self._lock:
            self._armed[threading.get_ident()] = (time.monotonic() + _seconds(), fd)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="db-deadline", daemon=True)
                self._thread.start()

    def disarm(self) -> None:
        with self._lock:
            self._armed.pop(threading.get_ident(), None)

    def _watch(self) -> None:
        while True:
            time.sleep(_TICK)
            now = time.monotonic()
            with self._lock:
                overdue = [(t, fd) for t, (due, fd) in self._armed.items() if due <= now]
                for thread, _fd in overdue:
                    del self._armed[thread]
            for _thread, fd in overdue:
                _cut(fd)


def _cut(fd: int) -> None:
    logs.event(log, "database.no_answer", logging.WARNING)
    try:
        # shutdown acts on the socket, not on this descriptor: the waiting thread's
        # poll returns and its read fails, as when the server goes away.
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed meanwhile: the round trip ended by itself


def _fd(dbapi_connection: Any) -> int | None:
    pgconn = getattr(dbapi_connection, "pgconn", None)
    fd = getattr(pgconn, "socket", None)
    return fd if isinstance(fd, int) and fd >= 0 else None


def guard(engine: Engine) -> None:
    """Give every statement and checkout ping of `engine` (PostgreSQL) a deadline."""
    watchdog = Watchdog()

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, *_args: Any) -> None:
        fd = _fd(conn.connection.dbapi_connection)
        if fd is not None:
            watchdog.arm(fd)

    @event.listens_for(engine, "after_cursor_execute")
    def _after(*_args: Any) -> None:
        watchdog.disarm()

    @event.listens_for(engine, "handle_error")
    def _failed(_context: Any) -> None:
        watchdog.disarm()

    @event.listens_for(engine.pool, "checkout")
    def _ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # SQLAlchemy's pre-ping has no hook to arm a deadline around: this is the same
        # ping, armed (the pool's documented way: a failed ping raises
        # DisconnectionError, and the pool tries a fresh connection).
        fd = _fd(dbapi_connection)
        if fd is not None:
            watchdog.arm(fd)
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError() from error
        finally:
            watchdog.disarm()
