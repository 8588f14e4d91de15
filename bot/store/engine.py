"""Engines for SQLite (the embedded default) and PostgreSQL, tuned for Baton's load."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from bot.store import deadline
from bot.store.wal_checkpoint import BACKSTOP_PAGES

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
CONNECT_SECONDS = 4  # libpq's connect_timeout (whole seconds, at least 2)
TCP_USER_TIMEOUT_MS = 10_000


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
    # A network gone silent fails a round trip in seconds instead of hanging it: TCP
    # itself gives up on a new connection after CONNECT_SECONDS and on one that stops
    # acknowledging after TCP_USER_TIMEOUT_MS, and checks an idle one with keepalives;
    # deadline.guard bounds what TCP cannot see (a statement whose answer never comes),
    # and pings each connection at checkout in place of pool_pre_ping.
    connect_args = {
        "connect_timeout": CONNECT_SECONDS,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 3,
        "keepalives_count": 3,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
    } | kwargs.pop("connect_args", {})
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    deadline.guard(engine)
    return engine


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


def is_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
