"""Fifty reps click Claim at once: exactly one wins, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bot.core.errors import AlreadyClaimed
from bot.core.policy import Policy
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.store.database import Database
from bot.store.models import LeadEvent
from tests.support.clock import FakeClock

RACERS = 50


def test_fifty_concurrent_claims_have_one_winner(service: LeadService, db: Database) -> None:
    lead_id = service.hand_off(LeadInput(source="web", name="Race", external_id="race")).lead.id
    start = threading.Barrier(RACERS)
    winners: list[str] = []
    refusals: list[AlreadyClaimed] = []
    other: list[BaseException] = []
    lock = threading.Lock()

    def click(user: str) -> None:
        start.wait()
        try:
            service.claim(lead_id, user)
        except AlreadyClaimed as exc:
            with lock:
                refusals.append(exc)
        except BaseException as exc:  # anything else is a failure of the guarantee
            with lock:
                other.append(exc)
        else:
            with lock:
                winners.append(user)

    threads = [threading.Thread(target=click, args=(f"U0REP{i:03d}",)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert other == []
    assert len(winners) == 1
    assert len(refusals) == RACERS - 1
    assert {exc.owner_id for exc in refusals} == {winners[0]}
    assert all(f"<@{winners[0]}>" in str(exc) for exc in refusals)
    assert service.get(lead_id).owner_id == winners[0]
    with db.read() as s:
        claimed = s.scalar(
            select(func.count()).where(LeadEvent.lead_id == lead_id, LeadEvent.kind == "claimed")
        )
    assert claimed == 1


def test_a_click_on_a_claimed_lead_is_answered_without_the_write_lock(
    service: LeadService, db: Database
) -> None:
    """Losing clicks are answered from a read: they never queue behind a writer (on SQLite
    the whole database has one), so a crowd of late clicks cannot hold up anyone else."""
    lead_id = service.hand_off(LeadInput(source="web", name="Taken", external_id="taken")).lead.id
    service.claim(lead_id, "U0WINNER")
    with db.transaction() as writing:  # another request is in the middle of a write
        writing.add(
            LeadEvent(lead_id=lead_id, kind="note", actor="system", at=service.now(), detail={})
        )
        writing.flush()
        with pytest.raises(AlreadyClaimed) as refused:
            service.claim(lead_id, "U0LATE")
    assert refused.value.owner_id == "U0WINNER"


def test_racing_clicks_in_two_processes_have_one_winner(
    db: Database, policy: Policy, clock: FakeClock, database_url: str
) -> None:
    """Each process lets its own clicks on a lead wait for the claim it is running; across
    processes only the compare-and-set decides. Two services on two engines stand for two
    `baton serve` processes."""
    here = LeadService(db, policy, clock=clock)
    other_db = Database(database_url)
    try:
        there = LeadService(other_db, policy, clock=clock)
        lead_id = here.hand_off(LeadInput(source="web", name="Two", external_id="two")).lead.id
        start = threading.Barrier(RACERS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def click(service: LeadService, user: str) -> None:
            start.wait()
            try:
                service.claim(lead_id, user)
                outcome = "won"
            except AlreadyClaimed:
                outcome = "refused"
            except BaseException as exc:  # anything else is a failure of the guarantee
                outcome = repr(exc)
            with lock:
                outcomes.append(outcome)

        threads = [
            threading.Thread(target=click, args=(here if i % 2 else there, f"U0REP{i:03d}"))
            for i in range(RACERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other_db.dispose()

    assert sorted(set(outcomes)) == ["refused", "won"]
    assert outcomes.count("won") == 1
    assert len(outcomes) == RACERS
    with db.read() as s:
        claimed = s.scalar(
            select(func.count()).where(LeadEvent.lead_id == lead_id, LeadEvent.kind == "claimed")
        )
    assert claimed == 1
