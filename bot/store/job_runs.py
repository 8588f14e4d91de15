"""Periodic jobs that several processes run on the same schedule, done once a period:
the first process to record a (job, period) row in `job_runs` does the job; the
others' INSERT meets the unique key and they leave it (the weekly report once a week,
the workspace's members listed once a day)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import JobRun


def first_to_run(session: Session, job: str, period: str, now: datetime) -> bool:
    """Record that `job` ran for `period` in this transaction, unless it already did
    (then nothing changes and this says False)."""
    try:
        with session.begin_nested():  # only this INSERT is undone when the key refuses it
            session.add(JobRun(job=job, period=period, created_at=now))
    except IntegrityError:
        return False
    return True
