"""Erasing a lead's personal data (Japan's APPI, the GDPR: a person may ask to be erased).

`erase` removes, in one transaction, everything that names or describes the person:
the lead's name, email, phone, title, company (when the policy's `privacy.erase_company`
says so), marketing's reason and fields (notes, country, the CRM record's address), the
notes in its timeline and offers, and the text of messages about it kept in the outbox.
What reports need stays, without the person: route, source, campaign, segment, score,
times, status, outcome and amount. The erasure is itself a timeline event (who, when;
nothing personal), and Slack's copies are redacted through the outbox: the card (and a
flood list listing the lead) re-rendered, the thread replies and DMs about it replaced.

An erased lead stays erased: `erase` of it again changes nothing. `baton forget`,
`POST /leads/forget` and the policy's `privacy.erase_after` (the scheduler) call this.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.policy import Policy
from bot.core.policy_values import ROLE_NAMES
from bot.leads.timeline import Announce, record_event
from bot.store import outbox
from bot.store.assignment_models import Assignment
from bot.store.database import Database
from bot.store.models import FINAL_STATUSES, LEADS_TABLE, Lead, LeadEvent, OutboxMessage
from bot.store.outbox import Intent

# Free text in timeline events: a rep's note on any event, a snooze's reason.
_EVENT_TEXT = ("note",)
_EVENT_TEXT_BY_KIND = {"snoozed": ("reason",)}
# Outbox payload keys that hold rendered text (an ephemeral note, a notice's lines).
_PAYLOAD_TEXT = ("text", "blocks", "lines")


def find(db: Database, *, email: str | None = None, lead_id: int | None = None) -> list[int]:
    """The ids of the leads of `email` (any source), or `lead_id` if it exists."""
    with db.read() as session:
        query = select(Lead.id)
        if lead_id is not None:
            query = query.where(Lead.id == lead_id)
        else:
            query = query.where(Lead.email == (email or "").strip().lower())
        return list(session.scalars(query.order_by(Lead.id)))


def erase(
    db: Database, policy: Policy, lead_ids: Iterable[int], by: str, now: datetime
) -> list[int]:
    """Erase the personal data of `lead_ids`; the ids erased now (not those erased before)."""
    erased = []
    with db.transaction() as session:
        for lead in session.scalars(
            select(Lead).where(Lead.id.in_(list(lead_ids))).order_by(Lead.id).with_for_update()
        ):
            if lead.erased_at is None:
                _erase_one(session, policy, lead, by, now)
                erased.append(lead.id)
    return erased


def erase_expired(db: Database, policy: Policy, now: datetime) -> list[int]:
    """The policy's `privacy.erase_after`: closed leads whose outcome is older, once."""
    after = policy.privacy.erase_after
    if after is None:
        return []
    with db.read() as session:
        due = list(
            session.scalars(
                select(Lead.id).where(
                    Lead.erased_at.is_(None),
                    Lead.status.in_([str(s) for s in FINAL_STATUSES]),
                    Lead.outcome_at <= now - after,
                )
            )
        )
    return erase(db, policy, due, "system", now) if due else []


def _erase_one(session: Session, policy: Policy, lead: Lead, by: str, now: datetime) -> None:
    person = [v for v in (lead.name, lead.email, lead.phone) if v and v.strip()]
    lead.name = lead.email = lead.phone = lead.title = None
    lead.reason = lead.outcome_note = None
    lead.extras = {}
    if policy.privacy.erase_company:
        lead.company = lead.company_key = None
    lead.erased_at = now
    for event in session.scalars(select(LeadEvent).where(LeadEvent.lead_id == lead.id)):
        event.detail = _scrubbed(event.kind, event.detail)
    session.execute(update(Assignment).where(Assignment.lead_id == lead.id).values(note=None))
    _scrub_outbox(session, lead.id, person)
    record_event(
        session,
        "erased",
        lead_id=lead.id,
        route=lead.route,
        actor=by,
        at=now,
        detail={},
        announce=Announce.NOTHING,
    )
    outbox.queue(
        session,
        outbox.message(Intent.UPDATE_CARD, now, lead_id=lead.id),
        outbox.message(Intent.REDACT, now, lead_id=lead.id),
    )


# --- who sees a lead's contact details ---------------------------------------------------


def may_see_contacts(policy: Policy, user_id: str, guest: bool | None) -> bool:
    """The policy's `privacy.contact_details`: everyone; members (not guests of the
    workspace); or roles (only the policy's managers, reps and marketers). `guest`: what
    Slack said of the reader, None while it has not said; until it has, the reader does
    not see them either (a guest's first request must not show them)."""
    rule = policy.privacy.contact_details
    if rule == "everyone":
        return True
    if rule == "roles":
        return user_id in policy.members(list(ROLE_NAMES))
    return guest is False


def unconfirmed(policy: Policy, guest: bool | None) -> bool:
    """Whether contact details are held back only until Slack says who the reader is."""
    return policy.privacy.contact_details == "members" and guest is None


def without_contacts(lead: Lead) -> Lead:
    """A copy of `lead` to render, without the person's name, email and phone (the
    company still says who it is). Not part of any session: nothing is written."""
    copy = Lead(**{column.key: getattr(lead, column.key) for column in LEADS_TABLE.columns})
    copy.name = copy.email = copy.phone = None
    return copy


def _scrubbed(kind: str, detail: dict[str, Any] | None) -> dict[str, Any]:
    keys = _EVENT_TEXT + _EVENT_TEXT_BY_KIND.get(kind, ())
    return {k: (None if k in keys else v) for k, v in (detail or {}).items()}


def _scrub_outbox(session: Session, lead_id: int, person: list[str]) -> None:
    """Rendered text about the lead kept in the outbox: its own rows, and notes to people
    (no lead id) that name the person."""
    rows = session.scalars(
        select(OutboxMessage).where(
            (OutboxMessage.lead_id == lead_id)
            | OutboxMessage.kind.in_([str(Intent.EPHEMERAL), str(Intent.NOTICE)])
        )
    )
    for row in rows:
        payload = dict(row.payload or {})
        text = str({k: payload.get(k) for k in _PAYLOAD_TEXT})
        mine = row.lead_id == lead_id or any(value in text for value in person)
        if mine and any(k in payload for k in _PAYLOAD_TEXT):
            row.payload = {k: v for k, v in payload.items() if k not in _PAYLOAD_TEXT} | {
                "text": "",
                "erased": True,
            }
