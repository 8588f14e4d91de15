"""The APScheduler wiring with real threads and the real clock, on both databases.

Windows are a few seconds; assertions wait generously (a loaded two-core machine) and
never check how fast something happened, only that it happened, and once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select, update

from bot.core.clock import utcnow
from bot.core.policy import Policy, parse_policy
from bot.leads import availability, weekly_report
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.leads.periodic import PEOPLE_JOB
from bot.leads.scheduler import SlaScheduler
from bot.store.database import Database
from bot.store.models import DueWork, JobRun, OutboxMessage
from bot.store.outbox import Intent

WAIT = 15.0
NEVER = timedelta(hours=1)

FAST = """
timezone: UTC
roles: {managers: [U0MANAGER1]}
routes:
  - name: default
    channel: C0SALES
    calendar: always
    claim_within: 2s
    first_touch_within: 1d
    escalate:
      - after: 0s
        notify: [managers]
"""


@pytest.fixture
def fast() -> Policy:
    return parse_policy(FAST)


@pytest.fixture
def scheduler(db: Database, fast: Policy) -> Iterator[SlaScheduler]:
    # Neither the sweep nor (on SQLite) the data_version watch may explain a wake-up here.
    built = SlaScheduler(db, fast, sweep_every=NEVER, watch_every=NEVER)
    yield built
    built.stop()


def wait_until(check: Callable[[], bool], timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def due_sends(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).where(OutboxMessage.kind == "due.send")) or 0)


def hand_off(service: LeadService, n: int) -> None:
    service.hand_off(LeadInput(source="web", name=f"Lead {n}", external_id=f"s-{n}"))


def test_work_planned_in_this_process_arms_the_wake_up(
    db: Database, fast: Policy, scheduler: SlaScheduler
) -> None:
    scheduler.start()
    assert wait_until(lambda: scheduler.state()["next_wake"] is None)
    hand_off(LeadService(db, fast), 1)
    armed = scheduler.state()["next_wake"]
    assert armed is not None and datetime.fromisoformat(armed) > datetime.now(UTC)
    assert wait_until(lambda: due_sends(db) == 1)
    assert wait_until(lambda: scheduler.state()["next_wake"] is None)
    time.sleep(0.5)
    assert due_sends(db) == 1


def test_work_planned_by_another_process_wakes_it(
    database_url: str, db: Database, fast: Policy
) -> None:
    """Another process: its own engine, so only NOTIFY (PostgreSQL) or the data_version
    watch (SQLite) can tell this scheduler."""
    watch = timedelta(seconds=0.2) if db.dialect == "sqlite" else NEVER
    scheduler = SlaScheduler(db, fast, sweep_every=NEVER, watch_every=watch)
    other = Database(database_url)
    try:
        scheduler.start()
        for n in range(3):
            hand_off(LeadService(other, fast), n)
        assert wait_until(lambda: due_sends(db) == 3)
    finally:
        scheduler.stop()
        other.dispose()


def test_a_round_robin_lead_nobody_can_take_wakes_another_process_at_its_claim_clock(
    database_url: str, db: Database
) -> None:
    """Its first-touch clock (a day) is planned with the hand-off and announced first;
    the claim clock (seconds) only once the turn finds nobody: announced too."""
    pooled = parse_policy(FAST + "    assign: {mode: round_robin, pool: [U0AWAY]}\n")
    watch = timedelta(seconds=0.2) if db.dialect == "sqlite" else NEVER
    scheduler = SlaScheduler(db, pooled, sweep_every=NEVER, watch_every=watch)
    other = Database(database_url)
    try:
        with other.transaction() as session:
            availability.set_away(session, "U0AWAY", until=None, by="U0AWAY", now=utcnow())
        scheduler.start()
        hand_off(LeadService(other, pooled), 1)
        assert wait_until(lambda: due_sends(db) == 1)
    finally:
        scheduler.stop()
        other.dispose()


def test_work_overdue_at_start_goes_out_at_once(db: Database, fast: Policy) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    service = LeadService(db, fast, clock=lambda: past)
    for n in range(3):
        hand_off(service, n)
    scheduler = SlaScheduler(db, fast, sweep_every=NEVER, watch_every=NEVER)
    try:
        scheduler.start()
        assert wait_until(lambda: due_sends(db) == 3)
    finally:
        scheduler.stop()
    assert not scheduler.running


def test_the_sweep_finds_what_no_one_announced(db: Database, fast: Policy) -> None:
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    hand_off(LeadService(db, fast, clock=lambda: tomorrow), 1)
    scheduler = SlaScheduler(db, fast, sweep_every=timedelta(seconds=0.5), watch_every=NEVER)
    try:
        scheduler.start()
        with db.transaction() as s:  # moved earlier without telling anyone
            s.execute(update(DueWork).values(due_at=datetime.now(UTC) - timedelta(minutes=1)))
        assert wait_until(lambda: due_sends(db) == 1)
    finally:
        scheduler.stop()


def test_a_missed_digest_is_queued_on_start_once(db: Database) -> None:
    just_now = datetime.now(UTC) - timedelta(minutes=2)
    weekly = f"{just_now.strftime('%a').lower()} {just_now.strftime('%H:%M')}"
    policy = parse_policy(FAST + f'digest: {{channel: C0MARKETING, weekly: "{weekly}"}}\n')
    for _ in range(2):  # a restart must not post it again
        scheduler = SlaScheduler(db, policy, sweep_every=NEVER, watch_every=NEVER)
        try:
            scheduler.start()
            assert wait_until(lambda: _digests(db) == 1)
        finally:
            scheduler.stop()
    with db.read() as s:
        assert s.scalar(select(func.count()).where(JobRun.job == weekly_report.JOB)) == 1


def on_start_ran(scheduler: SlaScheduler) -> bool:
    assert scheduler._scheduler is not None
    return scheduler._scheduler.get_job(f"{PEOPLE_JOB}.on_start") is None


def test_the_members_are_listed_on_start_once_a_day(db: Database) -> None:
    """Everyone's language and guest flag, before their first request (bot.store.people):
    the first start queues the day's listing; a restart the same day does not."""

    def listings() -> int:
        with db.read() as s:
            kind = OutboxMessage.kind == str(Intent.LIST_PEOPLE)
            return int(s.scalar(select(func.count()).where(kind)) or 0)

    for _ in range(2):
        scheduler = SlaScheduler(db, parse_policy(FAST), sweep_every=NEVER, watch_every=NEVER)
        scheduler.periodic.first_listing_after = timedelta(0)  # not half a minute after start
        try:
            scheduler.start()
            # the one-off job is dropped once it has been handed to a thread
            assert wait_until(partial(on_start_ran, scheduler))
        finally:
            scheduler.stop()  # waits for a job still running
        assert listings() == 1


def _digests(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).where(OutboxMessage.kind == "digest.post")) or 0)
