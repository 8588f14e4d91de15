"""The funnel after the first touch: meeting booked, opportunity, then won or lost.

Two ways in, one set of rules: a rep's outcome from the card (LeadService.set_outcome)
and a stage update from the CRM (`POST /leads/stage`, `StageUpdates`). Each stage
keeps the time it was reached, so cycle times can be measured (hand-off → claim →
first touch → meeting → opportunity → won). A CRM may skip stages (claimed → won is
common) but never go back, and won, lost, disqualified and returned are final.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.core.clock import Now
from bot.core.errors import ExternalLeadNotFound, InvalidInput, LeadNotFound, StageConflict
from bot.core.policy import Policy
from bot.core.policy_values import is_slack_user
from bot.leads import offers, sla
from bot.leads.states import DISQUALIFY_REASONS, LOST_REASONS, Outcome
from bot.leads.timeline import LeadTimes, record_event
from bot.store import outbox
from bot.store.database import Database
from bot.store.models import FINAL_STATUSES, LEADS_TABLE, Lead, LeadStatus
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
# What a stage change reads and writes of a lead: every one of them, each time, so one
# prebuilt UPDATE serves every change (`StageUpdates`) and the card's outcome modal sets
# the same values on its ORM object (`LeadService.set_outcome`).
FUNNEL_COLUMNS = (
    "status",
    "outcome_at",
    "first_touch_at",
    "meeting_booked_at",
    "opportunity_at",
    "won_at",
    "lost_at",
    "amount",
    "currency",
    "disqualify_reason",
    "lost_reason",
    "outcome_note",
)
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


def funnel_of(lead: Lead) -> dict[str, Any]:
    """The funnel columns of an ORM lead, as `apply` reads them."""
    return {column: getattr(lead, column) for column in FUNNEL_COLUMNS}


def is_repeat(lead: Mapping[str, Any], change: StageChange) -> bool:
    """The lead already stands where `change` puts it, with the same values."""
    return (
        lead["status"] == change.stage
        and (change.amount is None or lead["amount"] == change.amount)
        and (change.currency is None or lead["currency"] == change.currency)
        and (
            change.reason is None
            or change.reason in (lead["disqualify_reason"], lead["lost_reason"])
        )
        and (change.note is None or lead["outcome_note"] == change.note)
    )


def check_order(lead_id: int, lead: Mapping[str, Any], change: StageChange) -> None:
    """A CRM's update may skip stages, never go back, never leave a final stage."""
    status = LeadStatus(lead["status"])
    if status in FINAL_STATUSES:
        raise StageConflict("error.stage_final", lead_id=lead_id, status=status)
    if RANK[LeadStatus(change.stage.value)] < RANK[status]:
        raise StageConflict(
            "error.stage_backwards", lead_id=lead_id, status=status, stage=change.stage
        )


def apply(
    lead: Mapping[str, Any], change: StageChange, default_currency: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The funnel columns of `lead` (FUNNEL_COLUMNS, as they stand) once it has reached
    the change's stage, and the timeline event's detail."""
    stage = change.stage
    values = dict(lead)
    if lead["first_touch_at"] is None and stage in _REACHED_AT:
        values["first_touch_at"] = change.at  # a meeting, a deal or a lost deal: they talked
    values["status"] = LeadStatus(stage.value)
    values["outcome_at"] = change.at
    if stage in _REACHED_AT:
        values[_REACHED_AT[stage]] = change.at
    if change.amount is not None:
        values["amount"] = change.amount
        values["currency"] = change.currency or lead["currency"] or default_currency
    values["disqualify_reason"] = change.reason if stage is Outcome.DISQUALIFIED else None
    values["lost_reason"] = change.reason if stage is Outcome.LOST else None
    # A note belongs to the stage it was written for: a new stage without one clears it.
    if change.note is not None or stage != lead["status"]:
        values["outcome_note"] = change.note
    detail: dict[str, Any] = {"outcome": stage.value, "note": change.note}
    if change.reason:
        detail["reason"] = change.reason
    if change.amount is not None:
        detail["amount"] = str(change.amount)
        detail["currency"] = values["currency"]
    return values, detail


# The ends marketing hears about, with the reason: the lead came back to them.
TOLD_TO_MARKETING = frozenset({S.DISQUALIFIED, S.RETURNED, S.LOST})


@dataclass(frozen=True)
class HandedOff:
    """Who handed a lead off, and on which route: whom `tell_marketing` tells."""

    lead_id: int
    route: str
    handed_off_by: str

    @classmethod
    def of(cls, lead: Lead) -> HandedOff:
        return cls(lead.id, lead.route, lead.handed_off_by)


def tell_marketing(
    session: Session,
    policy: Policy,
    lead: HandedOff,
    status: str,
    actor: str,
    now: datetime,
    *,
    at_commit: bool = False,
) -> None:
    """Queue, with the change to `status`, why sales turned the lead down, for whoever
    handed it off: the marketer in Slack (`handed_off_by` is their user id), else the
    route's `notify_marketing` (a webhook or CSV lead's `handed_off_by` is `intake`,
    `import`…). Rendered when sent, from the lead as it then stands."""
    if status not in TOLD_TO_MARKETING:
        return
    if is_slack_user(lead.handed_off_by):
        targets = [lead.handed_off_by]
    else:
        targets = policy.marketing_targets(policy.route_of_lead(lead.route))
    # Whoever turned it down knows why; a manager who handed off and closed a lead
    # hears nothing from themselves.
    messages = [
        outbox.message(Intent.MARKETING_FEEDBACK, now, lead_id=lead.lead_id, to=to, by=actor)
        for to in targets
        if to != actor
    ]
    outbox.queue(session, *messages, at_commit=at_commit)


# Built once: a burst of CRM updates runs them thousands of times, and building a
# statement (and its cache key) each time cost as much as running it. Core rows, not ORM
# objects: loading a Lead and flushing it (autoflushed by the next statement) was half
# an update's time, all of it inside the write transaction that the group waits on.
_L = LEADS_TABLE.c
_READ = select(
    _L.id,
    _L.route,
    _L.handed_off_by,
    _L.created_at,
    _L.claimed_at,
    *(_L[c] for c in FUNNEL_COLUMNS),
)
_LEAD_BY_ID = _READ.where(_L.id == bindparam("lead_id")).with_for_update()
_LEAD_BY_CRM_ID = _READ.where(
    _L.source == bindparam("source"), _L.external_id == bindparam("external_id")
).with_for_update()
_WRITE = (
    update(LEADS_TABLE)
    .where(_L.id == bindparam("lead"))
    .values({column: bindparam(column) for column in FUNNEL_COLUMNS})
)
# A lead not found, or a stage it cannot take: answered to the caller, not raised inside
# the group commit (which would roll back and rerun every other update of the group).
_Refusal = LeadNotFound | ExternalLeadNotFound | StageConflict


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

        def work(session: Session) -> StageResult | _Refusal:
            if lead_id is not None:
                row = session.execute(_LEAD_BY_ID, {"lead_id": lead_id}).first()
            else:
                found = {"source": source, "external_id": external_id}
                row = session.execute(_LEAD_BY_CRM_ID, found).first()
            if row is None and lead_id is not None:
                return LeadNotFound(lead_id)
            if row is None:
                return ExternalLeadNotFound(source or "", external_id or "")
            lead = {column: row._mapping[column] for column in FUNNEL_COLUMNS}
            if is_repeat(lead, change):
                return StageResult(row.id, row.status, duplicate=True)
            try:
                check_order(row.id, lead, change)
            except StageConflict as refused:
                return refused
            values, detail = apply(lead, change, self.policy.currency)
            session.execute(_WRITE, {"lead": row.id, **values})
            # Its due work, messages and webhooks go in at the commit, each kind in one
            # statement with the rest of the group's (bot.store.database).
            sla.cancel_pending(session, row.id, now, at_commit=True)
            if lead["status"] == S.UNCLAIMED:  # perhaps offered to a rep: no longer
                offers.withdraw(session, row.id, now, at_commit=True)
            record_event(
                session,
                "stage",
                lead_id=row.id,
                route=row.route,
                actor=actor,
                at=now,
                detail=detail,
                times=LeadTimes(row.created_at, row.claimed_at, values["first_touch_at"]),
                messages_at_commit=True,
            )
            handed = HandedOff(row.id, row.route, row.handed_off_by)
            status = values["status"]
            tell_marketing(session, self.policy, handed, status, actor, now, at_commit=True)
            return StageResult(row.id, values["status"], duplicate=False)

        # A CRM sends its updates in bursts (a pipeline review closes dozens of deals):
        # the updates that arrive together share one transaction and one commit, as
        # hand-offs do (bot.store.batching). `work` reads its lead afresh each time, so
        # it is safe to run again alone if another update of the group fails.
        result = self.db.together(work)
        if isinstance(result, StageResult):
            return result
        raise result
