"""Periodic jobs that several processes run on the same schedule, done once a period:
the first process to record a (job, period) row in `job_runs` does the job; the others
find the row there and leave it (the weekly report once a week, the workspace's members
listed once a day)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.store.models import JOB_RUNS_TABLE


def first_to_run(session: Session, job: str, period: str, now: datetime) -> bool:
    """Record that `job` ran for `period` in this transaction, unless it already did
    (then nothing changes and this says False). INSERT … ON CONFLICT DO NOTHING, not an
    INSERT that fails on the unique key: a job asked about every hour in each process
    would otherwise leave an error in PostgreSQL's log every time (and PostgreSQL waits
    for a concurrent INSERT of the same row to commit or roll back before it answers)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    recorded = session.execute(
        insert(JOB_RUNS_TABLE)
        .values(job=job, period=period, created_at=now)
        .on_conflict_do_nothing(index_elements=["job", "period"])
        .returning(JOB_RUNS_TABLE.c.id)
    ).scalar()
    return recorded is not None
