"""Assignment against a real database (SQLite and PostgreSQL): round robin spreads leads
over the available reps of a pool, an away rep gets none, caps and weights hold, and
offers move along the pool on Pass and on timeout and end in the channel."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core.policy import Policy, parse_policy
from bot.leads import availability
from bot.leads.due_work import claim_due
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.leads.offers import OfferGone
from bot.store.assignment_models import Assignment
from bot.store.database import Database
from bot.store.models import DueWork, Lead, LeadEvent, OutboxMessage
from bot.store.outbox import Intent
from tests.support.clock import FakeClock

REPS = ["U0REP1", "U0REP2", "U0REP3"]


def policy_with(assign: str, extra: str = "") -> Policy:
    return parse_policy(
        f"""
timezone: Asia/Tokyo
calendars:
  tokyo-office: {{timezone: Asia/Tokyo, hours: {{mon-fri: "09:00-18:00"}}}}
roles:
  managers: [U0MANAGER1]
  reps: [{", ".join(REPS)}]
{extra}
routes:
  - name: inbound
    channel: C0SALES
    calendar: always
    claim_within: 30m
    first_touch_within: 2h
    escalate:
      - {{after: 0m, notify: [managers]}}
    assign: {assign}
"""
    )


def service_for(db: Database, clock: FakeClock, assign: str, extra: str = "") -> LeadService:
    return LeadService(db, policy_with(assign, extra), clock=clock)


def hand_off(service: LeadService, n: int) -> Lead:
    return service.hand_off(LeadInput(source="web", external_id=f"L{n}", name=f"Lead {n}")).lead


def owners(db: Database) -> list[str | None]:
    with db.read() as session:
        return list(session.scalars(select(Lead.owner_id).order_by(Lead.id)))


def outbox_kinds(db: Database, lead_id: int) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(OutboxMessage.kind)
                .where(OutboxMessage.lead_id == lead_id)
                .order_by(OutboxMessage.id)
            )
        )


def events(db: Database, lead_id: int) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(LeadEvent.kind).where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.id)
            )
        )


# --- round robin ---------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["strict", "balanced"])
def test_round_robin_spreads_six_leads_over_three_reps_two_each(
    db: Database, clock: FakeClock, strategy: str
) -> None:
    service = service_for(db, clock, f"{{mode: round_robin, pool: [reps], strategy: {strategy}}}")
    leads = [hand_off(service, n) for n in range(6)]

    assert all(lead.status == "claimed" for lead in leads)  # owned from the hand-off
    assert Counter(owners(db)) == {"U0REP1": 2, "U0REP2": 2, "U0REP3": 2}
    assert owners(db)[:3] == REPS  # in the pool's order
    first = leads[0].id
    assert events(db, first) == ["handed_off", "claimed"]
    assert outbox_kinds(db, first) == [Intent.POST_CARD, Intent.ASSIGNED]
    with db.read() as session:  # the first-touch clock runs, the claim clock never did
        clocks = set(session.scalars(select(DueWork.clock).where(DueWork.lead_id == first)))
    assert clocks == {"first_touch"}


@pytest.mark.parametrize("caps", ["", ", max_open: 5"])  # away asked with the caps, or alone
def test_an_away_rep_gets_no_lead_until_back(db: Database, clock: FakeClock, caps: str) -> None:
    service = service_for(db, clock, f"{{mode: round_robin, pool: [reps]{caps}}}")
    with db.transaction() as session:
        availability.set_away(session, "U0REP2", until=None, by="U0REP2", now=clock())
    for n in range(4):
        hand_off(service, n)
    assert "U0REP2" not in owners(db)

    with db.transaction() as session:
        availability.set_back(session, "U0REP2", by="U0REP2")
    assert hand_off(service, 9).owner_id == "U0REP2"  # fewest in the window now


def test_away_until_a_time_ends_by_itself(db: Database, clock: FakeClock) -> None:
    service = service_for(db, clock, "{mode: round_robin, pool: [U0REP1]}")
    with db.transaction() as session:
        availability.set_away(
            session, "U0REP1", until=clock() + timedelta(hours=1), by="U0MANAGER1", now=clock()
        )
    assert hand_off(service, 1).owner_id is None  # to the channel, with Claim
    clock.advance(hours=1)
    assert hand_off(service, 2).owner_id == "U0REP1"


@pytest.mark.parametrize("strategy", ["strict", "balanced"])
def test_a_rep_weighted_two_gets_two_leads_for_each_of_the_others(
    db: Database, clock: FakeClock, strategy: str
) -> None:
    assign = f"{{mode: round_robin, pool: [U0REP1, U0REP2], weights: {{U0REP1: 2}}, strategy: {strategy}}}"
    service = service_for(db, clock, assign)
    for n in range(6):
        hand_off(service, n)
    assert Counter(owners(db)) == {"U0REP1": 4, "U0REP2": 2}


def test_caps_skip_a_rep_at_the_cap_and_a_new_day_starts_afresh(
    db: Database, clock: FakeClock
) -> None:
    service = service_for(db, clock, "{mode: round_robin, pool: [reps], max_per_day: 2}")
    for n in range(7):
        hand_off(service, n)
    assert Counter(owners(db)) == {"U0REP1": 2, "U0REP2": 2, "U0REP3": 2, None: 1}
    clock.advance(days=1)  # a new day in Tokyo
    assert hand_off(service, 8).owner_id == "U0REP1"


def test_max_open_counts_open_leads_not_closed_ones(db: Database, clock: FakeClock) -> None:
    service = service_for(db, clock, "{mode: round_robin, pool: [U0REP1], max_open: 1}")
    first = hand_off(service, 1)
    assert hand_off(service, 2).owner_id is None  # U0REP1 holds one open lead
    service.set_outcome(first.id, "U0REP1", "disqualified", reason="no_budget")
    assert hand_off(service, 3).owner_id == "U0REP1"


def test_a_pool_with_nobody_available_tells_the_managers_once(
    db: Database, clock: FakeClock
) -> None:
    service = service_for(db, clock, "{mode: round_robin, pool: [U0REP1]}")
    with db.transaction() as session:
        availability.set_away(session, "U0REP1", until=None, by="U0REP1", now=clock())
    leads = [hand_off(service, n) for n in range(3)]
    assert all(lead.status == "unclaimed" and lead.claim_due_at for lead in leads)
    with db.read() as session:
        notices = session.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.kind == str(Intent.NOTICE))
        ).all()
    assert [n["to"] for n in notices] == ["U0MANAGER1"]
    assert notices[0]["lines"][1] == {
        "key": "assign.why_not.away",
        "params": {"users": "<@U0REP1>"},
    }


# --- offers --------------------------------------------------------------------------

OFFER = "{mode: offer, pool: [reps], strategy: strict, accept_within: 5m, max_offers: 2}"


def waiting(db: Database, lead_id: int) -> list[tuple[str, str | None]]:
    with db.read() as session:
        rows = session.execute(
            select(Assignment.user_id, Assignment.answer)
            .where(Assignment.lead_id == lead_id)
            .order_by(Assignment.id)
        )
        return [(user, answer) for user, answer in rows]


def test_an_offer_passes_along_the_pool_and_ends_in_the_channel(
    db: Database, clock: FakeClock
) -> None:
    service = service_for(db, clock, OFFER)
    lead = hand_off(service, 1)
    assert (lead.status, lead.claim_due_at) == ("unclaimed", None)  # no claim clock yet
    assert waiting(db, lead.id) == [("U0REP1", None)]

    service.pass_offer(lead.id, "U0REP1", reason="busy")
    assert waiting(db, lead.id) == [("U0REP1", "passed"), ("U0REP2", None)]

    clock.advance(minutes=5)  # U0REP2 does not answer
    claim_due(db, service.policy, clock())
    assert waiting(db, lead.id) == [("U0REP1", "passed"), ("U0REP2", "expired")]
    after = service.get(lead.id)
    assert after.status == "unclaimed" and after.claim_due_at == clock() + timedelta(minutes=30)
    assert events(db, lead.id) == [
        "handed_off",
        "offered",
        "offer_passed",
        "offered",
        "offer_expired",
        "offers_ended",
    ]
    # now a race for Claim, as on any route
    assert service.claim(lead.id, "U0REP3").owner_id == "U0REP3"


def test_accept_makes_the_lead_theirs_and_refuses_anyone_else(
    db: Database, clock: FakeClock
) -> None:
    service = service_for(db, clock, OFFER)
    lead = hand_off(service, 1)
    with pytest.raises(OfferGone) as not_yours:
        service.accept_offer(lead.id, "U0REP2")
    assert not_yours.value.key == "error.offer_not_yours"

    taken = service.accept_offer(lead.id, "U0REP1")
    assert (taken.status, taken.owner_id) == ("claimed", "U0REP1")
    with pytest.raises(OfferGone) as again:
        service.pass_offer(lead.id, "U0REP1")
    assert again.value.key == "error.offer_taken"
    clock.advance(minutes=5)  # the offer's deadline passes: nothing more happens
    claim_due(db, service.policy, clock())
    assert waiting(db, lead.id) == [("U0REP1", "accepted")]
    assert events(db, lead.id)[-1] == "claimed"


def test_an_answer_after_the_offer_moved_on_is_refused(db: Database, clock: FakeClock) -> None:
    service = service_for(db, clock, OFFER)
    lead = hand_off(service, 1)
    clock.advance(minutes=5)
    claim_due(db, service.policy, clock())  # expired: offered to U0REP2 now
    with pytest.raises(OfferGone) as late:
        service.accept_offer(lead.id, "U0REP1")
    assert late.value.key == "error.offer_moved_on"
    assert waiting(db, lead.id) == [("U0REP1", "expired"), ("U0REP2", None)]


def test_a_manager_reassigning_an_offered_lead_ends_the_offer(
    db: Database, clock: FakeClock
) -> None:
    service = service_for(db, clock, OFFER)
    lead = hand_off(service, 1)
    service.reassign(lead.id, "U0MANAGER1", "U0REP3")
    assert waiting(db, lead.id) == [("U0REP1", "withdrawn")]
    with pytest.raises(OfferGone):
        service.accept_offer(lead.id, "U0REP1")
