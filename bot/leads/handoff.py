"""Hand-offs: a new lead stored, its claim clock started and its card queued, in one
transaction shared with the other hand-offs of the moment (`Database.together`); a
re-send of a lead Baton already has (same source and external id, idempotency key, or
the same email from the same source lately) finds the original instead.

Every intake (the webhook, the /handoff modal, `baton import`) comes through here, by
`LeadService.hand_off`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.core.clock import Now
from bot.core.errors import DomainError
from bot.core.policy import Policy, Route
from bot.leads import placement, sla
from bot.leads.timeline import Announce, record_event, subscribe_webhooks
from bot.store import outbox
from bot.store.database import Database
from bot.store.models import LEADS_TABLE, Clock, Lead, LeadStatus, search_key
from bot.store.outbox import Intent


class NoRoute(DomainError):
    key = "error.no_route"

    def __init__(self, tried: dict[str, Any]) -> None:
        self.tried = tried
        shown = ", ".join(f"{k}={v!r}" for k, v in tried.items()) or "no routable fields"
        super().__init__(tried=shown)


@dataclass
class LeadInput:
    """What marketing hands over, already validated by whichever intake received it."""

    source: str
    name: str | None = None
    email: str | None = None
    company: str | None = None
    title: str | None = None
    phone: str | None = None
    score: float | None = None
    segment: str | None = None
    region: str | None = None
    campaign: str | None = None
    reason: str | None = None
    external_id: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def routing_fields(self) -> dict[str, Any]:
        fields = {
            "source": self.source,
            "segment": self.segment,
            "region": self.region,
            "campaign": self.campaign,
            "title": self.title,
            "company": self.company,
            "score": self.score,
            "country": self.extras.get("country"),
        }
        return {k: v for k, v in fields.items() if v is not None}


@dataclass(frozen=True)
class HandOff:
    lead: Lead
    created: bool  # False: a re-send of a lead Baton already has


class HandOffs:
    def __init__(self, db: Database, policy: Policy, now: Now, dedupe_window: timedelta) -> None:
        self.db = db
        self.policy = policy
        self.now = now
        self.dedupe_window = dedupe_window
        # Every process that changes leads builds its LeadService, and with it this
        # (`baton serve`, `worker`, `import`, the demo): from here on the events its
        # transactions write are queued for the policy's webhooks.
        subscribe_webhooks(db, policy)

    def hand_off(
        self,
        data: LeadInput,
        *,
        actor: str = "intake",
        idempotency_key: str | None = None,
        receipt_to: str | None = None,
    ) -> HandOff:
        """Store a new lead, start its claim clock and queue its card; or find the original.

        `receipt_to`: a Slack user told, once the card is up, where the lead went
        (also for a re-send, so the person who asked still gets the link).
        """
        route = self.policy.route_for(data.routing_fields())
        if route is None:
            raise NoRoute(data.routing_fields())
        now = self.now()
        # Worked out before the write transaction, which on SQLite holds the one write
        # lock: the lead's row, its claim deadline and the due work of its claim clock.
        values = self._new_lead(data, route, actor, idempotency_key, now)
        due_work = sla.plan_due_work(
            route,
            self.policy.calendar_for(route),
            lead_id=0,  # set once the lead has its id
            clock=Clock.CLAIM,
            sla_round=values["sla_round"],
            due=values["claim_due_at"],
            now=now,
        )

        def store(session: Session) -> tuple[int, dict[str, Any]] | Lead:
            return self._store_new_lead(
                session, data, route, values, due_work, actor, idempotency_key, receipt_to
            )

        # Stored in one transaction with the leads other threads are handing off at this
        # moment (bot.store.batching); answered once that has committed.
        stored = self.db.together(store)
        if isinstance(stored, Lead):
            return HandOff(stored, created=False)
        # Built here, not while holding up the group's commit.
        lead_id, placed = stored
        return HandOff(Lead(id=lead_id, **(values | placed)), created=True)

    def _store_new_lead(
        self,
        session: Session,
        data: LeadInput,
        route: Route,
        values: dict[str, Any],
        due_work: list[sla.PlannedDue],
        actor: str,
        idempotency_key: str | None,
        receipt_to: str | None,
    ) -> tuple[int, dict[str, Any]] | Lead:
        """The new lead's id and what its assignment changed of `values`; or, for a
        re-send, the lead Baton already has."""
        now = values["created_at"]
        if not data.external_id and data.email:
            # No unique key covers "the same email from the same source lately":
            # only a query can tell whether this is a re-send.
            existing = self._find_duplicate(session, data, idempotency_key, now)
            if existing is not None:
                self._receipt(session, existing.id, receipt_to, now, duplicate=True)
                return existing
        # One statement stores the lead, or nothing when a unique key (source and
        # external id, or the idempotency key) shows it is a re-send, also of one that
        # another connection is storing at this moment (PostgreSQL waits for its outcome).
        lead_id = session.execute(self._insert_new_lead, values).scalar()
        if lead_id is None:
            existing = self._find_duplicate(session, data, idempotency_key, now)
            if existing is None:
                raise RuntimeError("a unique key refused the lead, yet no stored lead has it")
            self._receipt(session, existing.id, receipt_to, now, duplicate=True)
            return existing
        # Plain INSERTs, not ORM objects: the unit of work's flush at the commit cost
        # more than everything else a hand-off does. Held to the commit, where each
        # table's rows for the whole group of hand-offs go in one statement; written at
        # once when the route offers its leads, as the offer follows in order (a round
        # robin route's leads are given at the commit, after these).
        held = route.assign.mode != "offer"
        record_event(
            session,
            "handed_off",
            lead_id=lead_id,
            route=route.name,
            actor=actor,
            at=now,
            detail={"route": route.name},
            announce=Announce.NOTHING,  # the new card is the announcement
            at_commit=held,
        )
        card = outbox.message(Intent.POST_CARD, now, lead_id=lead_id)
        outbox.queue(session, card, at_commit=held)
        # A route that assigns its leads gives this one to a rep (round_robin, at the
        # commit) or offers it to one (offer, now), after the hand-off in the timeline
        # and the card in the outbox; the claim clock runs only for a lead left to Claim.
        for row in due_work:
            row.lead_id = lead_id
        placed = placement.place_new_lead(
            session, self.policy, route, lead_id, values, due_work, now
        )
        self._receipt(session, lead_id, receipt_to, now, duplicate=False)
        return lead_id, placed

    @cached_property
    def _insert_new_lead(self) -> Insert:
        """INSERT … ON CONFLICT DO NOTHING RETURNING id, built once."""
        dialect_insert = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
        leads = LEADS_TABLE
        return dialect_insert(leads).on_conflict_do_nothing().returning(leads.c.id)

    def _receipt(
        self, session: Session, lead_id: int, user: str | None, now: datetime, *, duplicate: bool
    ) -> None:
        if user:
            # Not in the lead's ordered stream (no lead_id): the receipt must be able to
            # go out, naming the channel, even while the card itself is held up. Queued
            # after the card (held to the commit like it), so it finds the card posted.
            receipt = outbox.message(
                Intent.HANDOFF_RECEIPT, now, lead=lead_id, user=user, duplicate=duplicate
            )
            outbox.queue(session, receipt, at_commit=True)

    def _find_duplicate(
        self, session: Session, data: LeadInput, key: str | None, now: datetime
    ) -> Lead | None:
        if key:
            found = session.scalar(select(Lead).where(Lead.idempotency_key == key))
            if found:
                return found
        if data.external_id:
            return session.scalar(
                select(Lead).where(Lead.source == data.source, Lead.external_id == data.external_id)
            )
        if data.email:
            # A lead sales returned to marketing is handed off again on purpose (the
            # "Hand off again" button): a new lead, not a re-send of the returned one.
            return session.scalar(
                select(Lead)
                .where(
                    Lead.source == data.source,
                    Lead.email == data.email.lower(),
                    Lead.created_at >= now - self.dedupe_window,
                    Lead.status != LeadStatus.RETURNED,
                )
                .order_by(Lead.id)
                .limit(1)
            )
        return None

    def _new_lead(
        self, data: LeadInput, route: Route, actor: str, key: str | None, now: datetime
    ) -> dict[str, Any]:
        """The new lead's row, as column values."""
        calendar = self.policy.calendar_for(route)
        return {
            "source": data.source,
            "external_id": data.external_id,
            "idempotency_key": key,
            "name": data.name,
            "email": data.email.lower() if data.email else None,
            "company": data.company,
            "company_key": search_key(data.company),
            "title": data.title,
            "phone": data.phone,
            "score": data.score,
            "segment": data.segment,
            "region": data.region,
            "campaign": data.campaign,
            "reason": data.reason,
            "extras": data.extras,
            "route": route.name,
            "status": LeadStatus.UNCLAIMED,
            "handed_off_by": actor,
            "created_at": now,
            "claim_due_at": sla.deadline(route, calendar, Clock.CLAIM, now),
            "sla_round": 1,
        }
