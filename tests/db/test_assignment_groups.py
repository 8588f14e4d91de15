"""A group commit of hand-offs into a round robin pool gives its leads in one turn of
the pool, just before the commit: one lock of the turn row and one statement a table
for the group, the caps held across the group's own leads, and a lead nobody can take
left to Claim with its claim clock."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from bot.leads import tallies
from bot.leads.handoff import LeadInput
from bot.leads.turn import lock_turn
from bot.store.assignment_models import Assignment
from bot.store.database import Database
from bot.store.models import DueWork, Lead, LeadEvent, OutboxMessage
from bot.store.outbox import Intent
from tests.db.test_assignment import REPS, service_for
from tests.db.test_hand_off_groups import queue_up_behind_the_first
from tests.support.clock import FakeClock
from tests.support.databases import count_inserts, statements_with

LEADS = 8


@pytest.fixture(autouse=True)
def _sqlite_only(db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("holding the write turn back needs SQLite's single writer")


def hand_off_together(db: Database, service: Any, count: int) -> dict[str, Any]:
    """`count` hand-offs from threads of their own: the first alone, the rest as a group."""
    outcomes: dict[str, Any] = {}

    def hand_off(name: str) -> None:
        outcomes[name] = service.hand_off(LeadInput(source="web", name=name, external_id=name))

    names = [f"lead-{i}" for i in range(count)]
    queue_up_behind_the_first(db, db._group, [lambda n=n: hand_off(n) for n in names])
    assert sorted(outcomes) == names
    return outcomes


def test_a_group_is_given_in_one_turn_with_one_statement_a_table(
    db: Database, clock: FakeClock
) -> None:
    service = service_for(db, clock, "{mode: round_robin, pool: [reps]}")
    with db.transaction() as session:  # the route's turn row, as after its first lead
        lock_turn(session, "inbound", clock())
    turns = statements_with(db.engine, "FROM assignment_turns")  # each lock of its turn row
    assignments = count_inserts(db.engine, "assignments")
    given = count_inserts(db.engine, "leads", verb="UPDATE")

    outcomes = hand_off_together(db, service, LEADS)

    # the first hand-off alone, then everyone who queued behind it: one turn each
    assert len(turns) == 2
    assert assignments == [1, LEADS - 1] and given == [1, LEADS - 1]
    owners = Counter(o.lead.owner_id for o in outcomes.values())
    assert owners == {"U0REP1": 3, "U0REP2": 3, "U0REP3": 2}
    with db.transaction() as session:  # the tallies took the group's leads, a rep at a time
        route = service.policy.routes[0]
        assert tallies.in_window(session, route, REPS, clock()).counts == owners
    with db.read() as session:  # what the answers said is what was stored
        stored = dict(session.execute(select(Lead.id, Lead.owner_id)).all())
        assert stored == {o.lead.id: o.lead.owner_id for o in outcomes.values()}
        for lead_id in stored:
            kinds = session.scalars(
                select(LeadEvent.kind).where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.id)
            ).all()
            assert kinds == ["handed_off", "claimed"]
            sent = session.scalars(
                select(OutboxMessage.kind)
                .where(OutboxMessage.lead_id == lead_id)
                .order_by(OutboxMessage.id)
            ).all()
            assert sent == [Intent.POST_CARD, Intent.ASSIGNED]
            clocks = set(session.scalars(select(DueWork.clock).where(DueWork.lead_id == lead_id)))
            assert clocks == {"first_touch"}


def test_the_caps_hold_across_a_groups_own_leads(db: Database, clock: FakeClock) -> None:
    service = service_for(db, clock, "{mode: round_robin, pool: [reps], max_per_day: 2}")

    outcomes = hand_off_together(db, service, LEADS)

    owners = Counter(o.lead.owner_id for o in outcomes.values())
    assert owners == {"U0REP1": 2, "U0REP2": 2, "U0REP3": 2, None: 2}
    with db.read() as session:
        assert Counter(session.scalars(select(Assignment.user_id))) == dict.fromkeys(REPS, 2)
        left = [o.lead.id for o in outcomes.values() if o.lead.owner_id is None]
        pending = select(DueWork.clock).where(
            DueWork.lead_id.in_(left), DueWork.cancelled_at.is_(None)
        )
        clocks = set(session.scalars(pending))
        assert clocks == {"claim"}  # waiting in the channel for Claim, its clock running
        told = session.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.kind == Intent.NOTICE)
        ).all()
    assert len(told) == 1  # the managers, once, though two leads found nobody
