"""The connection pool holds what one process's threads use at once, so a steady load
reuses connections instead of opening one per request (a new backend on PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import event, text

from bot import server
from bot.delivery import loop as delivery
from bot.leads import scheduler
from bot.store import engine as db_module
from bot.store.database import Database
from tests.support.threads import at_once

QUERIES_EACH = 25


def test_the_pool_has_room_for_every_thread_that_uses_the_database() -> None:
    # Request threads, delivery's senders and loop, the scheduler's passes, the SQLite
    # checkpoint and the watch's connection, which it keeps.
    threads = server.HTTP_THREADS + delivery.WORKERS + 1 + scheduler.PASS_THREADS + 2
    assert threads <= db_module.POOL_SIZE


def test_busy_request_threads_reuse_their_connections(db: Database) -> None:
    opened: list[int] = []
    lock = threading.Lock()

    def connected(_dbapi_connection: Any, _record: Any) -> None:
        with lock:
            opened.append(1)

    event.listen(db.engine, "connect", connected)
    barrier = threading.Barrier(server.HTTP_THREADS)
    answers: list[int] = []

    def request_thread(_n: int) -> None:
        for _ in range(QUERIES_EACH):
            # All of them hold a connection at the same moment, and then all of them
            # wait for their next request at the same moment, every time round.
            with db.engine.connect() as connection:
                barrier.wait(30)
                answers.append(connection.execute(text("SELECT 1")).scalar_one())
            barrier.wait(30)

    at_once(server.HTTP_THREADS, request_thread)

    assert answers == [1] * (server.HTTP_THREADS * QUERIES_EACH)
    # One connection per thread, opened once; not one per request beyond the pool.
    assert len(opened) <= server.HTTP_THREADS
