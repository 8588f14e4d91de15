"""What a transaction's code registers to happen at its commit (bot.store.database):
hooks that run just before it commits and once it has committed, once per key, never
for a transaction that failed; and rows held to the commit (insert_at_commit), written
one statement a table, in the order they were queued."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.database import (
    Database,
    after_commit,
    before_commit,
    insert_at_commit,
    update_at_commit,
)
from bot.store.models import JobRun
from tests.support.databases import count_inserts

JOB_RUNS: Table = JobRun.__table__  # type: ignore[assignment]


def job_run(period: str) -> dict[str, Any]:
    return {"job": "test", "period": period, "created_at": datetime.now(UTC)}


def periods(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(JobRun.period).order_by(JobRun.id)))


def test_held_rows_go_in_at_the_commit_in_one_statement(db: Database) -> None:
    inserts = count_inserts(db.engine, "job_runs")
    with db.transaction() as session:
        insert_at_commit(session, JOB_RUNS, [job_run("a")])
        insert_at_commit(session, JOB_RUNS, [job_run("b"), job_run("c")])
        assert inserts == []  # not yet: nothing in the transaction reads them back
        assert session.scalar(select(JobRun.id)) is None

    assert inserts == [3]
    assert periods(db) == ["a", "b", "c"]


RENAME = (
    update(JOB_RUNS).where(JOB_RUNS.c.period == bindparam("old")).values(period=bindparam("new"))
)


def test_held_updates_run_at_the_commit_in_one_statement_after_the_held_rows(
    db: Database,
) -> None:
    updates = count_inserts(db.engine, "job_runs", verb="UPDATE")
    with db.transaction() as session:
        insert_at_commit(session, JOB_RUNS, [job_run("a"), job_run("b"), job_run("c")])
        update_at_commit(session, RENAME, {"old": "a", "new": "A"})
        update_at_commit(session, RENAME, {"old": "c", "new": "C"})
        assert updates == []

    assert updates == [2]
    assert periods(db) == ["A", "b", "C"]


def test_held_updates_are_not_run_when_the_transaction_fails(db: Database) -> None:
    with db.transaction() as session:
        insert_at_commit(session, JOB_RUNS, [job_run("a")])

    def fail(session: Session) -> None:
        update_at_commit(session, RENAME, {"old": "a", "new": "A"})
        raise ValueError("the rest of the transaction failed")

    with pytest.raises(ValueError), db.transaction() as session:
        fail(session)
    with db.transaction() as session:  # nor inherited by the next transaction
        insert_at_commit(session, JOB_RUNS, [job_run("b")])
    assert periods(db) == ["a", "b"]


def test_held_rows_are_not_written_when_the_transaction_fails(db: Database) -> None:
    def fail(session: Session) -> None:
        insert_at_commit(session, JOB_RUNS, [job_run("a")])
        raise ValueError("the rest of the transaction failed")

    with pytest.raises(ValueError), db.transaction() as session:
        fail(session)

    assert periods(db) == []
    with db.transaction() as session:  # and the next transaction does not inherit them
        insert_at_commit(session, JOB_RUNS, [job_run("b")])
    assert periods(db) == ["b"]


def test_hooks_run_once_a_key_before_and_after_the_commit(db: Database) -> None:
    seen: list[str] = []
    db.listen("test.topic", lambda value: seen.append(f"told {value}"))
    with db.transaction() as session:
        insert_at_commit(session, JOB_RUNS, [job_run("a")])
        for _ in range(3):  # the same keys, three times: each hook runs once
            before_commit(session, "check", lambda s: seen.append(f"before {periods_in(s)}"))
            after_commit(session, "tell", lambda database: database.tell("test.topic", "done"))
        assert seen == []

    # the held rows are written first, then the hooks run; listeners hear after the commit
    assert seen == ["before ['a']", "told done"]


def test_rows_a_hook_holds_are_written_with_the_others(db: Database) -> None:
    """A hook may hold rows of its own (a round robin pool's leads are given at the
    commit): they go in with the rows held before it, and a hook they register runs."""
    seen: list[str] = []

    def hold_more(session: Session) -> None:
        insert_at_commit(session, JOB_RUNS, [job_run("b")])
        before_commit(session, "later", lambda s: seen.append(f"later {periods_in(s)}"))

    with db.transaction() as session:
        insert_at_commit(session, JOB_RUNS, [job_run("a")])
        before_commit(session, "hold", hold_more)

    assert periods(db) == ["a", "b"]
    assert seen == ["later ['a', 'b']"]  # after the rows held before it ran


def test_a_held_row_that_breaks_a_rule_fails_the_transaction(db: Database) -> None:
    """A held row the database refuses fails the whole transaction, with the SQLAlchemy
    error (the caller's to handle), and nothing of it is written."""
    with db.transaction() as session:
        insert_at_commit(session, JOB_RUNS, [job_run("a")])
    period_taken = {**job_run("a"), "job": "test"}  # (job, period) is unique

    with pytest.raises(IntegrityError), db.transaction() as session:
        insert_at_commit(session, JOB_RUNS, [job_run("b"), period_taken])

    assert periods(db) == ["a"]


def test_hooks_of_a_failed_transaction_never_run(db: Database) -> None:
    seen: list[str] = []

    def fail(session: Session) -> None:
        before_commit(session, "check", lambda s: seen.append("before"))
        after_commit(session, "tell", lambda database: seen.append("after"))
        raise ValueError("the rest of the transaction failed")

    with pytest.raises(ValueError), db.transaction() as session:
        fail(session)
    with db.transaction() as session:  # the next transaction does not inherit them
        session.execute(select(JobRun.id))

    assert seen == []


def test_a_failing_before_commit_hook_rolls_the_transaction_back(db: Database) -> None:
    def refuse(session: Session) -> None:
        raise ValueError("refused at the commit")

    with pytest.raises(ValueError), db.transaction() as session:
        insert_at_commit(session, JOB_RUNS, [job_run("a")])
        session.execute(JOB_RUNS.insert(), job_run("b"))
        before_commit(session, "refuse", refuse)

    assert periods(db) == []


def periods_in(session: Session) -> list[str]:
    return list(session.scalars(select(JobRun.period).order_by(JobRun.id)))
