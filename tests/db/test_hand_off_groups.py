"""Write transactions that threads want at the same moment share one commit (on SQLite,
where hand-offs use it), and a piece that fails fails alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.store.batching import GroupCommit
from bot.store.database import Database
from bot.store.models import DueWork, JobRun, Lead, LeadEvent, OutboxMessage
from tests.support.databases import count_inserts

THREADS = 8


def job_run(name: str) -> Any:
    def work(session: Session) -> str:
        if name == "broken":
            raise ValueError("this piece fails")
        row = {"job": "test", "period": name, "created_at": datetime.now(UTC)}
        session.execute(insert(JobRun.__table__), row)
        return name

    return work


@pytest.fixture
def groups(db: Database) -> GroupCommit:
    if db.dialect != "sqlite":
        pytest.skip("holding the write turn back needs SQLite's single writer")
    return db._group


def run_held_back(db: Database, groups: GroupCommit, names: list[str]) -> dict[str, Any]:
    """Run one piece per name from its own thread while the write turn is held, so that
    all but the first queue up behind it; return each name's result or exception."""
    outcomes: dict[str, Any] = {}
    lock = threading.Lock()

    def piece(name: str) -> None:
        try:
            result: Any = groups.run(job_run(name))
        except BaseException as exc:  # the outcome under test
            result = exc
        with lock:
            outcomes[name] = result

    queue_up_behind_the_first(db, groups, [lambda n=n: piece(n) for n in names])
    return outcomes


def queue_up_behind_the_first(
    db: Database, group: GroupCommit, work: list[Callable[[], None]]
) -> None:
    """Start each of `work` (which runs through `group`) in a thread of its own while the
    write turn is held, so that all but the first queue up behind it; wait for them all."""
    threads = [threading.Thread(target=w) for w in work]
    with db.transaction():
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(group._waiting) < len(work) - 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    for thread in threads:
        thread.join(30)


def stored(db: Database) -> set[str]:
    with db.read() as session:
        return set(session.scalars(select(JobRun.period)))


def test_waiting_pieces_are_written_together(db: Database, groups: GroupCommit) -> None:
    commits: list[int] = []
    event.listen(db.engine, "commit", lambda _conn: commits.append(1))
    names = [f"job-{i}" for i in range(THREADS)]

    outcomes = run_held_back(db, groups, names)

    assert outcomes == {n: n for n in names}
    assert stored(db) == set(names)
    # the held-back transaction, the first piece, then everyone who queued behind it
    assert len(commits) == 3


def test_a_failing_piece_fails_alone(db: Database, groups: GroupCommit) -> None:
    names = [f"job-{i}" for i in range(THREADS)] + ["broken"]

    outcomes = run_held_back(db, groups, names)

    assert isinstance(outcomes.pop("broken"), ValueError)
    assert outcomes == {n: n for n in names if n != "broken"}
    assert stored(db) == {n for n in names if n != "broken"}
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(JobRun)) == THREADS


def test_a_group_of_hand_offs_writes_their_other_rows_once_a_table(
    db: Database, service: LeadService
) -> None:
    """Each lead needs its own INSERT (for its id); its due work, timeline event and card
    are held to the group's commit and go in with the group's other leads' rows."""
    if db.dialect != "sqlite":
        pytest.skip("holding the write turn back needs SQLite's single writer")
    tables = ("leads", "due_work", "lead_events", "outbox")
    inserts = {table: count_inserts(db.engine, table) for table in tables}
    names = [f"lead-{i}" for i in range(THREADS)]
    outcomes: dict[str, Any] = {}

    def hand_off(name: str) -> None:
        lead = LeadInput(source="web", name=name, external_id=name, segment="enterprise")
        outcomes[name] = service.hand_off(lead)

    queue_up_behind_the_first(db, db._group, [lambda n=n: hand_off(n) for n in names])

    assert sorted(outcomes) == names and all(o.created for o in outcomes.values())
    # the first hand-off alone, then everyone who queued behind it: one group each
    assert [len(inserts[table]) for table in tables] == [THREADS, 2, 2, 2]
    assert sum(inserts["outbox"]) == sum(inserts["lead_events"]) == THREADS
    with db.read() as session:
        lead_ids = set(session.scalars(select(Lead.id)))
        assert len(lead_ids) == THREADS
        for model in (DueWork, LeadEvent, OutboxMessage):
            assert set(session.scalars(select(model.lead_id))) == lead_ids
