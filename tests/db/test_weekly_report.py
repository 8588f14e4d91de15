"""The weekly report's numbers, and queueing it once, on both databases.

The week runs from Monday 2026-11-16 09:00 to Monday 2026-11-23 09:00 in Tokyo (the
23rd is a holiday, so the office's week ends Friday 18:00).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.core.policy import Policy, parse_policy
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.leads.weekly_report import queue_weekly_report, weekly_report
from bot.store.database import Database
from bot.store.models import OutboxMessage
from tests.support.clock import FakeClock
from tests.support.policies import STANDARD

DIGEST = 'digest: {channel: C0MARKETING, weekly: "mon 09:00", calendar: tokyo-office}\n'


def tokyo(day: int, hh: int, mm: int) -> datetime:
    return datetime(2026, 11, day, hh, mm, tzinfo=UTC) - timedelta(hours=9)


START, END = tokyo(16, 9, 0), tokyo(23, 9, 0)


def lead_at(service: LeadService, clock: FakeClock, when: datetime, n: str, **kw: str) -> int:
    clock.set(when)
    data = LeadInput(source="web", name=f"Lead {n}", external_id=n, **kw)  # type: ignore[arg-type]
    return service.hand_off(data).lead.id


def test_the_weeks_numbers(
    service: LeadService, clock: FakeClock, db: Database, policy: Policy
) -> None:
    enterprise = {"segment": "enterprise"}
    a = lead_at(service, clock, tokyo(17, 10, 0), "a", **enterprise)
    b = lead_at(service, clock, tokyo(17, 10, 0), "b", **enterprise)
    c = lead_at(service, clock, tokyo(18, 10, 0), "c", **enterprise)
    d = lead_at(service, clock, tokyo(19, 10, 0), "d")  # default route, 24/7
    e = lead_at(service, clock, tokyo(10, 10, 0), "e")  # handed off the week before
    lead_at(service, clock, tokyo(23, 9, 0), "f")  # the next week's
    clock.set(tokyo(17, 10, 5))
    service.claim(a, "U0REP1")
    clock.set(tokyo(17, 11, 0))
    service.log_first_touch(a, "U0REP1")
    clock.set(tokyo(17, 10, 30))
    service.claim(b, "U0REP2")
    clock.set(tokyo(19, 10, 10))
    service.claim(d, "U0REP1")
    clock.set(tokyo(19, 10, 20))
    service.set_outcome(d, "U0REP1", "disqualified", reason="no_budget")
    clock.set(tokyo(10, 11, 0))
    service.claim(e, "U0REP1")
    clock.set(tokyo(18, 9, 0))
    service.set_outcome(e, "U0REP1", "meeting_booked")
    clock.set(tokyo(24, 10, 0))  # after the week: not counted in it
    service.log_first_touch(b, "U0REP2")

    with db.read() as s:
        report = weekly_report(s, policy, START, END)
    routes = {r.route: r for r in report.routes}
    ent = routes["enterprise"]
    assert (ent.handed_off, ent.claim_on_time, ent.claim_late) == (3, 1, 2)
    assert (ent.touch_on_time, ent.touch_late) == (1, 1)
    assert ent.median_to_claim == timedelta(minutes=17, seconds=30)
    assert ent.median_to_touch == timedelta(minutes=55)
    default = routes["default"]
    # Disqualified before its first-touch deadline: no first-touch verdict either way.
    assert (default.handed_off, default.claim_on_time, default.touch_late) == (1, 1, 0)
    assert report.handed_off == 4
    assert report.outcomes == {"disqualified": 1, "meeting_booked": 1}
    assert report.top_reasons == [("no_budget", 1)]
    # Open hours: B 30 min to claim, then 34.5 without a touch; C 26 unclaimed.
    assert [(s.lead_id, s.total) for s in report.slowest] == [
        (b, timedelta(hours=35)),
        (c, timedelta(hours=26)),
        (a, timedelta(hours=1)),
    ]
    assert not report.slowest[1].claimed


def test_the_digest_is_queued_once_across_processes(database_url: str, db: Database) -> None:
    policy = parse_policy(STANDARD + DIGEST)
    at = tokyo(30, 9, 0) + timedelta(seconds=5)
    results: list[bool] = []
    start = threading.Barrier(4)

    def run() -> None:
        mine = Database(database_url)
        try:
            start.wait()
            results.append(queue_weekly_report(mine, policy, at, timedelta(hours=12)))
        finally:
            mine.dispose()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False, False, False, True]
    with db.read() as s:
        [row] = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest.post"))
    assert row.payload == {"start": tokyo(23, 9, 0).isoformat(), "end": tokyo(30, 9, 0).isoformat()}


def test_a_digest_too_long_overdue_is_not_posted(db: Database) -> None:
    policy = parse_policy(STANDARD + DIGEST)
    assert not queue_weekly_report(db, policy, tokyo(30, 22, 0), timedelta(hours=12))
    assert queue_weekly_report(db, policy, tokyo(30, 20, 0), timedelta(hours=12))
    with db.read() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == "digest.post")
            )
            == 1
        )
