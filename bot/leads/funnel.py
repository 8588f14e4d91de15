"""The funnel after the first touch: meeting booked, opportunity, then won or lost.

Two ways in, one set of rules: a rep's outcome from the card (LeadService.set_outcome)
and a stage update from the CRM (`POST /leads/stage`, `StageUpdates`). Each stage
keeps the time it was reached, so cycle times can be measured (hand-off → claim →
first touch → meeting → opportunity → won). A CRM may skip stages (claimed → won is
common) but never go back, and won, lost, disqualified and returned are final.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.core.clock import Now
from bot.core.errors import ExternalLeadNotFound, InvalidInput, LeadNotFound, StageConflict
from bot.core.policy import Policy
from bot.core.policy_values import is_slack_user
from bot.leads import sla
from bot.leads.states import DISQUALIFY_REASONS, LOST_REASONS, Outcome
from bot.leads.timeline import LeadTimes, record_event
from bot.store import outbox
from bot.store.database import Database
from bot.store.models import FINAL_STATUSES, Lead, LeadStatus
from bot.store.outbox import Intent

S = LeadStatus
# How far along the funnel each status is; a move to a lower rank goes backwards.
RANK = {
    S.UNCLAIMED: 0,
    S.CLAIMED: 1,
    S.CONTACTED: 2,
    S.MEETING_BOOKED: 3,
    S.OPPORTUNITY: 4,
    S.WON: 5,
    S.LOST: 5,
    S.DISQUALIFIED: 5,
    S.RETURNED: 5,
}
# The column that keeps when each stage was reached.
_REACHED_AT = {
    Outcome.MEETING_BOOKED: "meeting_booked_at",
    Outcome.OPPORTUNITY: "opportunity_at",
    Outcome.WON: "won_at",
    Outcome.LOST: "lost_at",
}
REASONS = {Outcome.DISQUALIFIED: DISQUALIFY_REASONS, Outcome.LOST: LOST_REASONS}
MAX_AMOUNT = Decimal("9999999999999999.99")  # what leads.amount (18 digits, 2 decimals) holds


@dataclass(frozen=True)
class StageChange:
    """A lead reaching `stage`: from the card's outcome modal or from the CRM."""

    stage: Outcome
    at: datetime
    amount: Decimal | None = None  # won (or an opportunity's expected amount)
    currency: str | None = None  # ISO 4217; the policy's when an amount comes without one
    reason: str | None = None  # disqualified: DISQUALIFY_REASONS; lost: LOST_REASONS
    note: str | None = None


def check(change: StageChange, lead_id: int | None = None) -> None:
    """The change's own values, before any lead is looked at (InvalidInput)."""
    choices = REASONS.get(change.stage)
    if choices is None:
        return
    if change.stage is Outcome.DISQUALIFIED and not change.reason:
        raise InvalidInput("error.reason_required", lead_id=lead_id)
    if change.reason and change.reason not in choices:
        raise InvalidInput("error.unknown_reason", reason=change.reason, choices=", ".join(choices))


def is_repeat(lead: Lead, change: StageChange) -> bool:
    """The lead already stands where `change` puts it, with the same values."""
    return (
        lead.status == change.stage
        and (change.amount is None or lead.amount == change.amount)
        and (change.currency is None or lead.currency == change.currency)
        and (change.reason is None or change.reason in (lead.disqualify_reason, lead.lost_reason))
        and (change.note is None or lead.outcome_note == change.note)
    )


def check_order(lead: Lead, change: StageChange) -> None:
    """A CRM's update may skip stages, never go back, never leave a final stage."""
    if lead.lead_status in FINAL_STATUSES:
        raise StageConflict("error.stage_final", lead_id=lead.id, status=lead.status)
    if RANK[LeadStatus(change.stage.value)] < RANK[lead.lead_status]:
        raise StageConflict(
            "error.stage_backwards", lead_id=lead.id, status=lead.status, stage=change.stage
        )


def apply(lead: Lead, change: StageChange, default_currency: str) -> dict[str, Any]:
    """Move `lead` to the change's stage (its row locked by the caller); the timeline
    event's detail."""
    stage = change.stage
    if lead.first_touch_at is None and stage in _REACHED_AT:
        lead.first_touch_at = change.at  # a meeting, a deal or a lost deal: they talked
    lead.status = LeadStatus(stage.value)
    lead.outcome_at = change.at
    if stage in _REACHED_AT:
        setattr(lead, _REACHED_AT[stage], change.at)
    if change.amount is not None:
        lead.amount = change.amount
        lead.currency = change.currency or lead.currency or default_currency
    lead.disqualify_reason = change.reason if stage is Outcome.DISQUALIFIED else None
    lead.lost_reason = change.reason if stage is Outcome.LOST else None
    if change.note is not None or stage != lead.status:
        lead.outcome_note = change.note
    detail: dict[str, Any] = {"outcome": stage.value, "note": change.note}
    if change.reason:
        detail["reason"] = change.reason
    if change.amount is not None:
        detail["amount"] = str(change.amount)
        detail["currency"] = lead.currency
    return detail


# The ends marketing hears about, with the reason: the lead came back to them.
TOLD_TO_MARKETING = frozenset({S.DISQUALIFIED, S.RETURNED, S.LOST})


def tell_marketing(session: Session, policy: Policy, lead: Lead, actor: str, now: datetime) -> None:
    """Queue, with the change, why sales turned the lead down, for whoever handed it off:
    the marketer in Slack (`handed_off_by` is their user id), else the route's
    `notify_marketing` (a webhook or CSV lead's `handed_off_by` is `intake`, `import`…).
    Rendered when sent, from the lead as it then stands."""
    if lead.lead_status not in TOLD_TO_MARKETING:
        return
    if is_slack_user(lead.handed_off_by):
        targets = [lead.handed_off_by]
    else:
        targets = policy.marketing_targets(policy.route_of_lead(lead.route))
    # Whoever turned it down knows why; a manager who handed off and closed a lead
    # hears nothing from themselves.
    messages = [
        outbox.message(Intent.MARKETING_FEEDBACK, now, lead_id=lead.id, to=to, by=actor)
        for to in targets
        if to != actor
    ]
    outbox.queue(session, *messages)


# Built once: a burst of CRM updates runs them thousands of times, and building a
# statement (and its cache key) each time cost as much as running it.
_LEAD_BY_ID = select(Lead).where(Lead.id == bindparam("lead_id")).with_for_update()
_LEAD_BY_CRM_ID = (
    select(Lead)
    .where(Lead.source == bindparam("source"), Lead.external_id == bindparam("external_id"))
    .with_for_update()
)


@dataclass(frozen=True)
class StageResult:
    lead_id: int
    stage: str
    duplicate: bool


class StageUpdates:
    """Stage updates from a CRM (`POST /leads/stage`), by Baton's id or the CRM's."""

    def __init__(self, db: Database, policy: Policy, clock: Now) -> None:
        self.db = db
        self.policy = policy
        self.now = clock

    def update(
        self,
        change: StageChange,
        *,
        lead_id: int | None = None,
        source: str | None = None,
        external_id: str | None = None,
        actor: str = "crm",
    ) -> StageResult:
        check(change, lead_id)
        now = self.now()

        def work(session: Session) -> StageResult:
            lead = self._find(session, lead_id, source, external_id)
            if is_repeat(lead, change):
                return StageResult(lead.id, lead.status, duplicate=True)
            check_order(lead, change)
            detail = apply(lead, change, self.policy.currency)
            sla.cancel_pending(session, lead.id, now)
            record_event(
                session,
                "stage",
                lead_id=lead.id,
                route=lead.route,
                actor=actor,
                at=now,
                detail=detail,
                times=LeadTimes.of(lead),
            )
            tell_marketing(session, self.policy, lead, actor, now)
            return StageResult(lead.id, lead.status, duplicate=False)

        # A CRM sends its updates in bursts (a pipeline review closes dozens of deals):
        # the updates that arrive together share one transaction and one commit, as
        # hand-offs do (bot.store.batching). `work` reads its lead afresh each time, so
        # it is safe to run again alone if another update of the group fails.
        return self.db.together(work)

    @staticmethod
    def _find(
        session: Session, lead_id: int | None, source: str | None, external_id: str | None
    ) -> Lead:
        if lead_id is not None:
            lead = session.scalar(_LEAD_BY_ID, {"lead_id": lead_id})
        else:
            lead = session.scalar(_LEAD_BY_CRM_ID, {"source": source, "external_id": external_id})
        if lead is None and lead_id is not None:
            raise LeadNotFound(lead_id)
        if lead is None:
            raise ExternalLeadNotFound(source or "", external_id or "")
        return lead
