"""A CRM's stage updates (bot.leads.funnel.StageUpdates) against a real database: a
burst of them, some refused, shares transactions without one refusal costing the others
their answer, and a new stage does not carry the last stage's note."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.core.errors import ExternalLeadNotFound, StageConflict
from bot.leads.funnel import StageChange, StageResult
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.leads.states import Outcome
from bot.store.database import Database
from bot.store.models import DueWork, Lead, LeadEvent
from tests.support.clock import FakeClock
from tests.support.threads import at_once

BURST = 24


def hand_off(service: LeadService, n: int) -> int:
    lead = LeadInput(source="hubspot", external_id=f"deal-{n}", name=f"Lead {n}")
    return service.hand_off(lead).lead.id


def test_a_burst_with_refusals_answers_each_update_and_keeps_every_accepted_one(
    db: Database, service: LeadService, clock: FakeClock
) -> None:
    ids = [hand_off(service, n) for n in range(BURST)]
    lost = ids[2::3]
    for lead_id in lost:  # lost already: a later "won" goes nowhere
        service.update_stage(StageChange(Outcome.LOST, clock()), lead_id=lead_id)
    answers: dict[int, StageResult | Exception] = {}
    guard = threading.Lock()

    def update(n: int) -> None:
        change = StageChange(Outcome.WON, clock(), amount=Decimal(1000 + n))
        try:
            # every fourth names a deal the CRM never handed off
            external_id = f"deal-{n}" if n % 4 else f"unknown-{n}"
            answer: StageResult | Exception = service.update_stage(
                change, source="hubspot", external_id=external_id
            )
        except (ExternalLeadNotFound, StageConflict) as refused:
            answer = refused
        with guard:
            answers[n] = answer

    at_once(BURST, update)

    with db.read() as session:
        leads = {lead.external_id: lead for lead in session.scalars(select(Lead))}
        won_events = session.scalars(
            select(LeadEvent.lead_id).where(LeadEvent.kind == "stage")
        ).all()
        pending = session.scalars(
            select(DueWork.lead_id).where(DueWork.cancelled_at.is_(None), DueWork.sent_at.is_(None))
        ).all()
    for n in range(BURST):
        lead = leads[f"deal-{n}"]
        if n % 4 == 0:
            assert isinstance(answers[n], ExternalLeadNotFound)
            assert lead.status == ("lost" if lead.id in lost else "unclaimed")
        elif lead.id in lost:
            assert isinstance(answers[n], StageConflict)
            assert (lead.status, lead.amount) == ("lost", None)
        else:
            assert answers[n] == StageResult(lead.id, "won", duplicate=False)
            assert (lead.status, lead.amount, lead.currency) == ("won", Decimal(1000 + n), "JPY")
            assert lead.id not in pending  # its claim clock stopped with it
    accepted = [n for n in range(BURST) if isinstance(answers[n], StageResult)]
    assert len(won_events) == len(lost) + len(accepted)  # one event each, none twice


@pytest.mark.parametrize("note", [None, "Signed for 40 seats"])
def test_a_new_stage_replaces_the_last_stages_note(
    service: LeadService, clock: FakeClock, note: str | None
) -> None:
    lead_id = hand_off(service, 1)
    meeting = StageChange(Outcome.MEETING_BOOKED, clock(), note="Demo on Friday")
    service.update_stage(meeting, lead_id=lead_id)
    assert service.get(lead_id).outcome_note == "Demo on Friday"

    service.update_stage(StageChange(Outcome.WON, clock(), note=note), lead_id=lead_id)

    assert service.get(lead_id).outcome_note == note
