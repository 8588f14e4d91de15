"""Rows held to the commit (bot.store.database.insert_at_commit): written just before the transaction
commits, one statement a table, in the order they were queued; nothing if it fails."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from bot.store.database import Database, insert_at_commit
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
