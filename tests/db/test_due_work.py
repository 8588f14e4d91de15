"""Claiming due work against a real database (SQLite and PostgreSQL).

The standard policy's enterprise route runs on the Tokyo office calendar: handed off
at 10:00 on Friday 2026-11-20, its claim is due 10:15; the nudge goes at 10:10, level 1
at 10:15 and level 2 (managers, with a repost of the card) at 10:45.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text, update

from bot.core.policy import Policy
from bot.leads import due_work
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.store.database import Database
from bot.store.models import DueWork, Lead, LeadEvent, OutboxMessage
from tests.support import databases
from tests.support.clock import FakeClock

MANAGER = "U0MANAGER1"
TOKYO = timedelta(hours=9)


def tokyo(hh: int, mm: int, day: int = 20) -> datetime:
    return datetime(2026, 11, day, hh, mm, tzinfo=UTC) - TOKYO


def hand_off(service: LeadService, n: int = 1, **fields: Any) -> int:
    data = {"source": "web", "name": f"Lead {n}", "external_id": f"x-{n}", "segment": "enterprise"}
    data.update(fields)
    return service.hand_off(LeadInput(**data)).lead.id


def due_sends(db: Database, lead_id: int | None = None) -> list[tuple[str, int, str | None]]:
    """(clock, level, user) of each due.send intent queued, in order."""
    with db.read() as s:
        query = select(OutboxMessage).where(OutboxMessage.kind == "due.send")
        if lead_id is not None:
            query = query.where(OutboxMessage.lead_id == lead_id)
        out = []
        for row in s.scalars(query.order_by(OutboxMessage.id)):
            work = s.get(DueWork, row.payload["due_work_id"])
            assert work is not None
            out.append((work.clock, work.level, row.payload.get("user")))
        return out


def outbox_kinds(db: Database, lead_id: int) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(OutboxMessage.kind)
                .where(OutboxMessage.lead_id == lead_id)
                .order_by(OutboxMessage.id)
            )
        )


def run(db: Database, policy: Policy, at: datetime) -> due_work.Pass:
    return due_work.claim_due(db, policy, at)


def test_nudge_then_each_level_once_at_its_time(
    service: LeadService, db: Database, policy: Policy
) -> None:
    lead_id = hand_off(service)
    assert due_work.next_due_at(db) == tokyo(10, 10)
    assert run(db, policy, tokyo(10, 9) + timedelta(seconds=59)).fetched == 0
    assert run(db, policy, tokyo(10, 10)).sent == 1
    assert due_sends(db) == [("claim", 0, None)]
    assert due_work.next_due_at(db) == tokyo(10, 15)
    assert run(db, policy, tokyo(10, 15)).sent == 1
    assert due_sends(db)[1:] == [("claim", 1, MANAGER)]
    assert run(db, policy, tokyo(10, 44)).fetched == 0
    assert run(db, policy, tokyo(10, 45)).sent == 1
    assert due_sends(db)[2:] == [("claim", 2, MANAGER)]
    # Each pass after that finds nothing: every row went out exactly once.
    assert run(db, policy, tokyo(12, 0)).fetched == 0
    assert len(due_sends(db)) == 3
    assert due_work.next_due_at(db) is None
    kinds = outbox_kinds(db, lead_id)
    assert kinds.count("card.post") == 2  # the card, and the repost of level 2
    with db.read() as s:
        repost = s.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.kind == "card.post", OutboxMessage.lead_id == lead_id
            )
        ).all()[-1]
        events = s.scalars(
            select(LeadEvent).where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.id)
        ).all()
    assert repost == {"repost": True}
    assert [e.kind for e in events] == ["handed_off", "nudged", "escalated", "escalated"]
    assert events[2].detail["notified"] == [MANAGER]
    assert events[3].detail["late_seconds"] == 30 * 60
    assert events[3].detail["repost"] is True


def test_the_nudge_before_first_touch_goes_to_the_owner(
    service: LeadService, db: Database, policy: Policy, clock: FakeClock
) -> None:
    lead_id = hand_off(service)
    clock.set(tokyo(10, 1))
    service.claim(lead_id, "U0REP1")
    assert due_work.next_due_at(db) == tokyo(11, 56)  # first touch due 12:01, less 5 min
    run(db, policy, tokyo(11, 56))
    assert due_sends(db) == [("first_touch", 0, "U0REP1")]


def test_a_met_clock_never_sends(
    service: LeadService, db: Database, policy: Policy, clock: FakeClock
) -> None:
    lead_id = hand_off(service)
    clock.set(tokyo(10, 16))  # level 1 is due, but no pass has run yet
    service.claim(lead_id, "U0REP1")
    run(db, policy, tokyo(10, 50))
    assert [s for s in due_sends(db) if s[0] == "claim"] == []


def test_no_later_level_after_the_clock_was_met(
    service: LeadService, db: Database, policy: Policy, clock: FakeClock
) -> None:
    lead_id = hand_off(service)
    run(db, policy, tokyo(10, 10))
    run(db, policy, tokyo(10, 15))
    clock.set(tokyo(10, 20))
    service.claim(lead_id, "U0REP1")
    run(db, policy, tokyo(11, 0))
    assert due_sends(db, lead_id) == [("claim", 0, None), ("claim", 1, MANAGER)]


def test_a_row_left_pending_for_a_met_clock_is_dropped_not_sent(
    service: LeadService, db: Database, policy: Policy
) -> None:
    """Even if a transition forgot to cancel its rows, the check at claim time stops them."""
    lead_id = hand_off(service)
    with db.transaction() as s:
        s.execute(
            update(Lead)
            .where(Lead.id == lead_id)
            .values(status="claimed", owner_id="U0REP1", claimed_at=tokyo(10, 1))
        )
    result = run(db, policy, tokyo(11, 0))
    assert (result.sent, result.cancelled) == (0, 3)
    assert due_sends(db) == []


def test_a_closed_lead_sends_nothing(
    service: LeadService, db: Database, policy: Policy, clock: FakeClock
) -> None:
    lead_id = hand_off(service)
    service.claim(lead_id, "U0REP1")
    clock.set(tokyo(10, 5))
    service.set_outcome(lead_id, "U0REP1", "disqualified", reason="no_budget")
    assert run(db, policy, tokyo(18, 0)).fetched == 0
    assert due_sends(db) == []


def test_snooze_delays_everything_pending_until_its_end(
    service: LeadService, db: Database, policy: Policy, clock: FakeClock
) -> None:
    lead_id = hand_off(service)
    clock.set(tokyo(10, 5))
    service.snooze(lead_id, MANAGER, tokyo(10, 50), reason="customer is travelling")
    assert due_work.next_due_at(db) == tokyo(10, 50)
    assert run(db, policy, tokyo(10, 49)).fetched == 0
    result = run(db, policy, tokyo(10, 50))
    # The nudge lost its point once the deadline passed; both levels go out now.
    assert (result.sent, result.cancelled) == (2, 1)
    assert due_sends(db, lead_id) == [("claim", 1, MANAGER), ("claim", 2, MANAGER)]


def test_a_snoozed_lead_holds_back_rows_planned_after_the_snooze(
    service: LeadService, db: Database, policy: Policy, clock: FakeClock
) -> None:
    lead_id = hand_off(service)
    with db.transaction() as s:  # a snooze that the due rows did not follow
        s.execute(update(Lead).where(Lead.id == lead_id).values(snoozed_until=tokyo(11, 0)))
    result = run(db, policy, tokyo(10, 20))
    assert (result.sent, result.deferred) == (0, 2)
    assert due_work.next_due_at(db) == tokyo(10, 45)  # level 2 waits for its own time
    assert run(db, policy, tokyo(10, 45)).deferred == 1
    assert due_work.next_due_at(db) == tokyo(11, 0)
    result = run(db, policy, tokyo(11, 0))
    assert (result.sent, result.cancelled) == (2, 1)


def test_work_that_fell_due_while_nothing_ran_goes_out_with_its_real_lateness(
    service: LeadService, db: Database, policy: Policy
) -> None:
    lead_id = hand_off(service)
    result = run(db, policy, tokyo(12, 0))
    assert (result.sent, result.cancelled) == (2, 1)
    with db.read() as s:
        late = s.scalars(
            select(LeadEvent.detail).where(
                LeadEvent.lead_id == lead_id, LeadEvent.kind == "escalated"
            )
        ).all()
    assert [d["late_seconds"] for d in late] == [105 * 60, 105 * 60]


def test_lateness_counts_open_hours_only(
    service: LeadService, db: Database, policy: Policy, clock: FakeClock
) -> None:
    # Friday evening; Monday the 23rd is Labour Thanksgiving Day: claim due Tuesday 09:10.
    clock.set(tokyo(17, 55))
    lead_id = hand_off(service)
    assert run(db, policy, tokyo(9, 12, day=23)).fetched == 0
    run(db, policy, tokyo(9, 12, day=24))
    with db.read() as s:
        detail = s.scalars(
            select(LeadEvent.detail).where(
                LeadEvent.lead_id == lead_id, LeadEvent.kind == "escalated"
            )
        ).one()
    assert detail["late_seconds"] == 120


def test_a_level_removed_from_the_policy_is_dropped(
    service: LeadService, db: Database, policy: Policy
) -> None:
    hand_off(service)
    enterprise = policy.routes[0]
    shorter = policy.model_copy(
        update={
            "routes": [
                enterprise.model_copy(update={"escalate": enterprise.escalate[:1]}),
                *policy.routes[1:],
            ]
        }
    )
    result = run(db, shorter, tokyo(11, 0))
    assert (result.sent, result.cancelled) == (1, 2)  # the nudge came too late; level 2 is gone


def test_concurrent_passes_send_each_row_once(
    service: LeadService, database_url: str, db: Database, policy: Policy
) -> None:
    """Four processes' worth of passes (each its own engine) race over 150 due rows."""
    lead_ids = [hand_off(service, n) for n in range(50)]
    at = tokyo(12, 0)
    dbs = [Database(database_url) for _ in range(4)]
    start = threading.Barrier(len(dbs))
    failures: list[BaseException] = []

    def worker(mine: Database) -> None:
        start.wait()
        try:
            while due_work.claim_due(mine, policy, at, limit=7).fetched:
                pass
        except BaseException as exc:  # any error fails the test below
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(d,)) for d in dbs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for mine in dbs:
        mine.dispose()
    assert failures == []
    sends = due_sends(db)
    assert len(sends) == 2 * len(lead_ids)  # levels 1 and 2; every nudge came too late
    with db.read() as s:
        work_ids = s.scalars(
            select(OutboxMessage.payload["due_work_id"].as_integer()).where(
                OutboxMessage.kind == "due.send"
            )
        ).all()
        pending = s.scalar(select(DueWork.id).where(due_work.pending()).limit(1))
    assert len(set(work_ids)) == len(work_ids)
    assert pending is None


@pytest.mark.skipif("postgresql" not in databases.backends(), reason="PostgreSQL not selected")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_lead_locked_by_a_transition_is_left_for_the_next_pass(
    service: LeadService, db: Database, policy: Policy, database_url: str
) -> None:
    """PostgreSQL: a claim holding the lead's row when level 1 falls due. The pass does
    not wait (no deadlock with the claim, which locks the lead, then its due rows); it
    leaves the row and the claim, once committed, cancels it."""
    lead_id = hand_off(service)
    other = Database(database_url)
    try:
        with other.transaction() as s:
            s.execute(text("SELECT id FROM leads WHERE id = :id FOR UPDATE"), {"id": lead_id})
            result = run(db, policy, tokyo(10, 15))
            assert (result.fetched, result.busy, result.sent) == (2, 2, 0)
            s.execute(
                update(Lead)
                .where(Lead.id == lead_id)
                .values(status="claimed", owner_id="U0REP1", claimed_at=tokyo(10, 14))
            )
    finally:
        other.dispose()
    result = run(db, policy, tokyo(10, 15))
    assert (result.sent, result.cancelled) == (0, 2)


def test_due_queries_read_only_the_partial_index(db: Database, clock: FakeClock) -> None:
    """No pass ever scans due_work: both queries are answerable from the partial index."""
    with db.read() as s:
        for query in (due_work.due_query(clock(), 100), due_work.next_due_query()):
            sql = str(query.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
            if db.dialect == "postgresql":
                s.execute(text("SET LOCAL enable_seqscan = off"))
                plan = "\n".join(s.scalars(text(f"EXPLAIN {sql}")))
            else:
                plan = "\n".join(str(r[-1]) for r in s.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
            assert "ix_due_work_pending_due_at" in plan, plan
            assert "Seq Scan" not in plan and "SCAN due_work\n" not in plan + "\n", plan
