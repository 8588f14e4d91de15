"""SQLite has one writer at a time: the threads of one process take turns for it."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from bot.core.policy import parse_policy
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.store.database import Database
from bot.store.models import Lead
from bot.store.wal_checkpoint import BACKSTOP_PAGES
from tests.support.databases import MigratedTemplates
from tests.support.policies import STANDARD


def test_concurrent_writers_in_one_process_wait_their_turn(
    migrated: MigratedTemplates, tmp_path: Path
) -> None:
    db = Database(migrated.sqlite_url(tmp_path / "turns.db"))

    @event.listens_for(db.engine, "connect")
    def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
        # Without a turn of its own, the second writer would now fail at once with
        # "database is locked" instead of sleeping in SQLite's busy handler.
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    leads = LeadService(db, parse_policy(STANDARD))
    first_is_writing = threading.Event()
    problems: list[BaseException] = []

    def second_writer() -> None:
        first_is_writing.wait(10)
        try:
            leads.hand_off(LeadInput(source="web", name="Second", external_id="second"))
        except BaseException as exc:  # any failure here is what the test looks for
            problems.append(exc)

    thread = threading.Thread(target=second_writer)
    thread.start()
    try:
        with db.transaction() as session:
            session.add(
                Lead(
                    source="web",
                    external_id="first",
                    route="default",
                    handed_off_by="test",
                    created_at=leads.now(),
                )
            )
            session.flush()
            first_is_writing.set()
            thread.join(0.3)  # the second writer is waiting for its turn meanwhile
    finally:
        thread.join(10)
    with db.read() as session:
        stored = session.scalar(select(func.count()).select_from(Lead))
    db.dispose()
    assert problems == []
    assert stored == 2


def test_commits_leave_the_checkpoint_to_its_own_thread(
    migrated: MigratedTemplates, tmp_path: Path
) -> None:
    path = tmp_path / "checkpoint.db"
    db = Database(migrated.sqlite_url(path))
    leads = LeadService(db, parse_policy(STANDARD))
    marker = "Checkpointed-Company-7f3a"
    try:
        with db.engine.connect() as connection:
            backstop = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        leads.hand_off(LeadInput(source="web", name="Marker", company=marker))
        # The commit appended the lead to the write-ahead log only; soon after, the
        # checkpoint thread copies it into the database file itself.
        deadline = time.monotonic() + 10
        while marker.encode() not in path.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.05)
        in_database_file = marker.encode() in path.read_bytes()
    finally:
        db.dispose()
    assert backstop == BACKSTOP_PAGES
    assert in_database_file
