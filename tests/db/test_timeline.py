"""Timeline events (bot.leads.timeline.record_event): every event is written in its
transaction, counted once that transaction has committed and never when it failed, and
announced on the card and in its thread as asked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.leads.timeline import Announce, LeadTimes, record_event
from bot.store.database import Database
from bot.store.models import LeadEvent, OutboxMessage

ROUTE = "timeline-test"  # a label of its own: the counters are the process's


def claims_counted() -> float:
    return REGISTRY.get_sample_value("baton_claims_total", {"route": ROUTE}) or 0.0


def claim_times_counted() -> float:
    sample = REGISTRY.get_sample_value("baton_time_to_claim_seconds_count", {"route": ROUTE})
    return sample or 0.0


def test_an_event_counts_once_after_its_commit_and_never_for_a_failed_one(
    db: Database, service: LeadService
) -> None:
    lead = service.hand_off(LeadInput(source="web", name="A", email="a@example.com")).lead
    now = datetime.now(UTC)
    before = claims_counted()
    times = LeadTimes(created_at=lead.created_at, claimed_at=now)

    with pytest.raises(ValueError), db.transaction() as session:
        record_event(
            session, "claimed", lead_id=lead.id, route=ROUTE, actor="U1", at=now, detail={}
        )
        raise ValueError("the change failed")
    assert claims_counted() == before

    with db.transaction() as session:
        for actor in ("U1", "U2"):
            record_event(
                session,
                "claimed",
                lead_id=lead.id,
                route=ROUTE,
                actor=actor,
                at=now,
                detail={},
                times=times,
            )
        assert claims_counted() == before  # not before the commit
    assert claims_counted() == before + 2
    assert claim_times_counted() >= 2


def test_an_event_is_announced_as_asked(db: Database, service: LeadService) -> None:
    lead = service.hand_off(LeadInput(source="web", name="B", email="b@example.com")).lead
    now = datetime.now(UTC)
    with db.read() as session:
        queued_before = set(session.scalars(select(OutboxMessage.id)))

    ids = {}
    with db.transaction() as session:
        for announce in Announce:
            ids[announce] = record_event(
                session,
                f"test.{announce.name.lower()}",
                lead_id=lead.id,
                route=lead.route,
                actor="U1",
                at=now,
                detail={},
                announce=announce,
            )

    with db.read() as session:
        kinds = [e.kind for e in session.scalars(select(LeadEvent).order_by(LeadEvent.id))]
        queued = [
            (row.kind, (row.payload or {}).get("event_id"))
            for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            if row.id not in queued_before
        ]
    assert kinds[-3:] == ["test.card_and_thread", "test.thread", "test.nothing"]
    assert queued == [
        ("card.update", None),
        ("thread.event", ids[Announce.CARD_AND_THREAD]),
        ("thread.event", ids[Announce.THREAD]),
    ]
