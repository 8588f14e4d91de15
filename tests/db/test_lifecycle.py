"""The lead lifecycle against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.core.errors import (
    AlreadyClaimed,
    InvalidInput,
    InvalidTransition,
    LeadNotFound,
    NotAllowed,
)
from bot.core.policy import parse_policy
from bot.leads.handoff import LeadInput, NoRoute
from bot.leads.lifecycle import LeadService
from bot.store import outbox
from bot.store.database import Database
from bot.store.models import DueWork, LeadEvent, LeadStatus, OutboxMessage
from tests.support.clock import FakeClock
from tests.support.policies import STANDARD

MANAGER = "U0MANAGER1"


def enterprise_lead(**overrides: object) -> LeadInput:
    fields: dict[str, object] = {
        "source": "hubspot",
        "external_id": "hs-1",
        "name": "Aiko Tanaka",
        "email": "Aiko@Example.co.jp",
        "company": "Example KK",
        "segment": "enterprise",
        "score": 88,
    }
    fields.update(overrides)
    return LeadInput(**fields)  # type: ignore[arg-type]


def events(db: Database, lead_id: int) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(LeadEvent.kind).where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.id)
            )
        )


def pending_due(db: Database, lead_id: int) -> list[tuple[str, int, int]]:
    with db.read() as s:
        rows = s.scalars(
            select(DueWork)
            .where(DueWork.lead_id == lead_id, DueWork.cancelled_at.is_(None))
            .order_by(DueWork.id)
        )
        return [(r.clock, r.sla_round, r.level) for r in rows]


def test_hand_off_routes_stores_and_queues_the_card(service: LeadService, db: Database) -> None:
    result = service.hand_off(enterprise_lead())
    lead = result.lead
    assert result.created
    assert lead.route == "enterprise"
    assert lead.status == LeadStatus.UNCLAIMED
    assert lead.email == "aiko@example.co.jp"
    assert lead.company_key == "example kk"
    # Friday 10:00 Tokyo + 15 business minutes
    assert lead.claim_due_at == datetime(2026, 11, 20, 1, 15, tzinfo=UTC)
    assert events(db, lead.id) == ["handed_off"]
    assert pending_due(db, lead.id) == [("claim", 1, 0), ("claim", 1, 1), ("claim", 1, 2)]
    with db.read() as s:
        kinds = list(s.scalars(select(OutboxMessage.kind).where(OutboxMessage.lead_id == lead.id)))
    assert kinds == ["card.post"]


def test_every_transition_that_queues_slack_messages_wakes_delivery_after_its_commit(
    service: LeadService, db: Database
) -> None:
    # Delivery sleeps until woken (or its periodic pass): a transition that queued rows
    # without saying so would leave a rep's card un-updated for up to a second.
    woken: list[int] = []
    outbox.on_queued(db, lambda: woken.append(len(woken)))
    lead = service.hand_off(enterprise_lead()).lead
    assert len(woken) == 1
    service.claim(lead.id, "U0REP1")
    assert len(woken) == 2
    service.log_first_touch(lead.id, "U0REP1")
    assert len(woken) == 3


def test_times_come_back_timezone_aware_utc(service: LeadService) -> None:
    lead = service.get(service.hand_off(enterprise_lead()).lead.id)
    assert lead.created_at.tzinfo is not None
    assert lead.created_at.utcoffset() == timedelta(0)


def test_a_resent_lead_is_recognised(service: LeadService, db: Database) -> None:
    first = service.hand_off(enterprise_lead())
    again = service.hand_off(enterprise_lead(name="Changed"))
    assert not again.created
    assert again.lead.id == first.lead.id
    by_key = service.hand_off(enterprise_lead(external_id="other"), idempotency_key="k1")
    assert by_key.created
    assert (
        service.hand_off(enterprise_lead(external_id="x2"), idempotency_key="k1").lead.id
        == by_key.lead.id
    )


def test_without_external_id_email_dedupes_within_the_window(
    service: LeadService, clock: FakeClock
) -> None:
    first = service.hand_off(enterprise_lead(external_id=None))
    assert (
        service.hand_off(enterprise_lead(external_id=None, email="AIKO@example.co.jp")).lead.id
        == first.lead.id
    )
    clock.advance(hours=25)
    assert service.hand_off(enterprise_lead(external_id=None)).created


def test_unmatched_lead_goes_to_default_or_is_refused(db: Database, clock: FakeClock) -> None:
    policy = parse_policy(STANDARD)
    assert (
        LeadService(db, policy, clock=clock).hand_off(enterprise_lead(segment="smb")).lead.route
        == "default"
    )
    no_default = parse_policy(STANDARD.split("  - name: default")[0])
    with pytest.raises(NoRoute, match="segment='smb'"):
        LeadService(db, no_default, clock=clock).hand_off(
            enterprise_lead(segment="smb", external_id="2")
        )


def test_claim_starts_the_first_touch_clock(
    service: LeadService, db: Database, clock: FakeClock
) -> None:
    lead_id = service.hand_off(enterprise_lead()).lead.id
    clock.advance(minutes=3)
    lead = service.claim(lead_id, "U0REP1")
    assert lead.status == LeadStatus.CLAIMED
    assert lead.owner_id == "U0REP1"
    assert lead.first_touch_due_at == datetime(2026, 11, 20, 3, 3, tzinfo=UTC)
    assert pending_due(db, lead_id) == [
        ("first_touch", 2, 0),
        ("first_touch", 2, 1),
        ("first_touch", 2, 2),
    ]
    assert events(db, lead_id) == ["handed_off", "claimed"]
    with pytest.raises(AlreadyClaimed, match=r"Lead #\d+ is already claimed by <@U0REP1>"):
        service.claim(lead_id, "U0REP2")


def test_claim_of_a_missing_lead(service: LeadService) -> None:
    with pytest.raises(LeadNotFound, match="Lead #999 does not exist"):
        service.claim(999, "U0REP1")


def test_only_listed_reps_may_claim_when_the_policy_lists_them(
    db: Database, clock: FakeClock
) -> None:
    policy = parse_policy(STANDARD.replace("reps: []", "reps: [U0REP1]"))
    leads = LeadService(db, policy, clock=clock)
    lead_id = leads.hand_off(enterprise_lead()).lead.id
    with pytest.raises(NotAllowed) as refused:
        leads.claim(lead_id, "U0STRANGER")
    assert "営業担当者" in refused.value.message("ja")
    assert leads.claim(lead_id, "U0REP1").owner_id == "U0REP1"


def test_release_by_owner_restarts_the_claim_clock(
    service: LeadService, db: Database, clock: FakeClock
) -> None:
    lead_id = service.hand_off(enterprise_lead()).lead.id
    service.claim(lead_id, "U0REP1")
    with pytest.raises(NotAllowed, match="Only the owner or a manager can release this lead"):
        service.release(lead_id, "U0REP2")
    clock.advance(minutes=10)
    lead = service.release(lead_id, "U0REP1")
    assert lead.status == LeadStatus.UNCLAIMED and lead.owner_id is None
    assert lead.claim_due_at == clock() + timedelta(minutes=15)
    assert pending_due(db, lead_id) == [("claim", 3, 0), ("claim", 3, 1), ("claim", 3, 2)]
    assert service.claim(lead_id, "U0REP2").owner_id == "U0REP2"


def test_first_touch_then_outcomes(service: LeadService, db: Database) -> None:
    lead_id = service.hand_off(enterprise_lead()).lead.id
    with pytest.raises(InvalidTransition, match="unclaimed, so you can't log a first touch"):
        service.log_first_touch(lead_id, MANAGER)
    service.claim(lead_id, "U0REP1")
    with pytest.raises(NotAllowed, match="first touch"):
        service.log_first_touch(lead_id, "U0REP2")
    assert service.log_first_touch(lead_id, "U0REP1").status == LeadStatus.CONTACTED
    assert pending_due(db, lead_id) == []
    assert (
        service.set_outcome(lead_id, "U0REP1", "meeting_booked").status == LeadStatus.MEETING_BOOKED
    )
    assert service.set_outcome(lead_id, MANAGER, "opportunity").status == LeadStatus.OPPORTUNITY
    with pytest.raises(AlreadyClaimed):  # an opportunity is still its owner's
        service.claim(lead_id, "U0REP2")
    with pytest.raises(InvalidTransition, match="opportunity, so you can't set an outcome"):
        service.set_outcome(lead_id, "U0REP1", "disqualified", reason="no_budget")
    won = service.set_outcome(lead_id, "U0REP1", "won", amount=Decimal("1200000"))
    assert (won.status, won.amount, won.currency) == (LeadStatus.WON, Decimal("1200000"), "JPY")
    assert won.meeting_booked_at and won.opportunity_at and won.won_at
    assert won.meeting_booked_at <= won.opportunity_at <= won.won_at
    with pytest.raises(InvalidTransition, match="won, so you can't claim"):
        service.claim(lead_id, "U0REP2")
    with pytest.raises(InvalidTransition):
        service.set_outcome(lead_id, "U0REP1", "lost")
    assert events(db, lead_id) == [
        "handed_off",
        "claimed",
        "first_touch",
        "outcome",
        "outcome",
        "outcome",
    ]


def test_a_lost_deal_keeps_its_reason(service: LeadService) -> None:
    lead_id = service.hand_off(enterprise_lead()).lead.id
    service.claim(lead_id, "U0REP1")
    with pytest.raises(InvalidInput, match="'no_budget' is not"):
        service.set_outcome(lead_id, "U0REP1", "lost", reason="no_budget")
    lead = service.set_outcome(lead_id, "U0REP1", "lost", reason="price", note="Went with B")
    assert (lead.status, lead.lost_reason, lead.disqualify_reason) == ("lost", "price", None)
    assert lead.first_touch_at == lead.lost_at  # a lost deal means they talked


def test_disqualify_needs_a_known_reason(service: LeadService) -> None:
    lead_id = service.hand_off(enterprise_lead()).lead.id
    service.claim(lead_id, "U0REP1")
    with pytest.raises(InvalidInput, match="Choose a reason"):
        service.set_outcome(lead_id, "U0REP1", "disqualified")
    with pytest.raises(InvalidInput, match="'cheap' is not a disqualification reason"):
        service.set_outcome(lead_id, "U0REP1", "disqualified", reason="cheap")
    lead = service.set_outcome(lead_id, "U0REP1", "disqualified", reason="no_budget", note="FY27")
    assert (lead.status, lead.disqualify_reason, lead.outcome_note) == (
        "disqualified",
        "no_budget",
        "FY27",
    )


def test_returned_to_marketing_closes_every_clock(service: LeadService, db: Database) -> None:
    lead_id = service.hand_off(enterprise_lead()).lead.id
    service.claim(lead_id, "U0REP1")
    service.set_outcome(lead_id, "U0REP1", "returned", note="student")
    assert pending_due(db, lead_id) == []
    assert service.get(lead_id).status == LeadStatus.RETURNED


def test_reassign_by_manager_restarts_first_touch(
    service: LeadService, db: Database, clock: FakeClock
) -> None:
    lead_id = service.hand_off(enterprise_lead()).lead.id
    service.claim(lead_id, "U0REP1")
    with pytest.raises(NotAllowed, match="reassign"):
        service.reassign(lead_id, "U0REP2", "U0REP2")
    clock.advance(minutes=30)
    lead = service.reassign(lead_id, MANAGER, "U0REP2")
    assert lead.owner_id == "U0REP2"
    assert lead.first_touch_due_at == clock() + timedelta(hours=2)
    assert pending_due(db, lead_id) == [
        ("first_touch", 3, 0),
        ("first_touch", 3, 1),
        ("first_touch", 3, 2),
    ]
    with db.read() as s:
        detail = s.scalars(select(LeadEvent.detail).where(LeadEvent.kind == "reassigned")).one()
    assert detail == {"previous_owner": "U0REP1", "new_owner": "U0REP2"}


def test_snooze_holds_back_pending_work(
    service: LeadService, db: Database, clock: FakeClock
) -> None:
    lead_id = service.hand_off(enterprise_lead()).lead.id
    until = clock() + timedelta(hours=1)
    with pytest.raises(InvalidInput):
        service.snooze(lead_id, MANAGER, clock() - timedelta(minutes=1))
    service.snooze(lead_id, MANAGER, until, reason="customer asked for Monday")
    with db.read() as s:
        due = [r.due_at for r in s.scalars(select(DueWork).where(DueWork.lead_id == lead_id))]
    assert min(due) == until
    assert events(db, lead_id)[-1] == "snoozed"


def test_every_transition_announces_itself_in_the_same_transaction(
    service: LeadService, db: Database
) -> None:
    lead_id = service.hand_off(enterprise_lead()).lead.id
    service.claim(lead_id, "U0REP1")
    service.log_first_touch(lead_id, "U0REP1")
    with db.read() as s:
        kinds = list(
            s.scalars(
                select(OutboxMessage.kind)
                .where(OutboxMessage.lead_id == lead_id)
                .order_by(OutboxMessage.id)
            )
        )
        event_ids = list(
            s.scalars(
                select(LeadEvent.id).where(
                    LeadEvent.lead_id == lead_id, LeadEvent.kind != "handed_off"
                )
            )
        )
        thread = [
            m.payload["event_id"]
            for m in s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "thread.event"))
        ]
    assert kinds == ["card.post", "card.update", "thread.event", "card.update", "thread.event"]
    assert thread == event_ids


def test_a_failed_transition_changes_nothing(service: LeadService, db: Database) -> None:
    lead_id = service.hand_off(enterprise_lead()).lead.id
    service.claim(lead_id, "U0REP1")
    before = (events(db, lead_id), pending_due(db, lead_id))
    with pytest.raises(AlreadyClaimed):
        service.claim(lead_id, "U0REP2")
    with pytest.raises(NotAllowed):
        service.release(lead_id, "U0REP2")
    assert (events(db, lead_id), pending_due(db, lead_id)) == before
