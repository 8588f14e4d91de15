"""The lead lifecycle: hand off, claim, release, first touch, outcome, reassign, snooze.

A state machine (`ALLOWED`) says which transition is legal from which state; an
illegal one raises a typed `DomainError` a user can read. Every transition writes
its timeline event, its due work and its outbox intents in the same transaction.
No Slack here: callers are Slack listeners, the intake endpoint, the CLI and tests.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, NoReturn

from sqlalchemy import Insert, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.core.clock import Clock as NowFn
from bot.core.clock import utcnow
from bot.core.errors import (
    AlreadyClaimed,
    DomainError,
    InvalidInput,
    InvalidTransition,
    LeadNotFound,
    NotAllowed,
)
from bot.core.policy import Policy, Route
from bot.leads import sla
from bot.leads.timeline import Announce, LeadTimes, record_event
from bot.store import outbox
from bot.store.database import Database
from bot.store.models import Clock, DueWork, Lead, LeadEvent, LeadStatus
from bot.store.outbox import Intent

S = LeadStatus


class Action(enum.StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    TOUCH = "touch"
    OUTCOME = "outcome"
    REASSIGN = "reassign"
    SNOOZE = "snooze"


class Outcome(enum.StrEnum):
    MEETING_BOOKED = "meeting_booked"
    OPPORTUNITY = "opportunity"
    DISQUALIFIED = "disqualified"
    RETURNED = "returned"


DISQUALIFY_REASONS = (
    "no_budget",
    "no_need",
    "no_authority",
    "bad_timing",
    "competitor",
    "bad_contact",
    "not_target",
    "duplicate",
    "other",
)

OWNED = (S.CLAIMED, S.CONTACTED, S.MEETING_BOOKED)
# The state machine: from which states each action may start.
ALLOWED: dict[Action, tuple[LeadStatus, ...]] = {
    Action.CLAIM: (S.UNCLAIMED,),
    Action.RELEASE: (S.CLAIMED, S.CONTACTED),
    Action.TOUCH: (S.CLAIMED,),
    Action.OUTCOME: OWNED,
    Action.REASSIGN: (S.UNCLAIMED, *OWNED),
    Action.SNOOZE: (S.UNCLAIMED, S.CLAIMED),
}
OUTCOME_FROM: dict[Outcome, tuple[LeadStatus, ...]] = {
    Outcome.MEETING_BOOKED: (S.CLAIMED, S.CONTACTED),
    Outcome.OPPORTUNITY: OWNED,
    Outcome.DISQUALIFIED: OWNED,
    Outcome.RETURNED: OWNED,
}


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


class LeadService:
    def __init__(
        self,
        db: Database,
        policy: Policy,
        *,
        clock: NowFn = utcnow,
        dedupe_window: timedelta = timedelta(hours=24),
    ) -> None:
        self.db = db
        self.policy = policy
        self.now = clock
        self.dedupe_window = dedupe_window
        self._claims = InFlight()

    # --- hand off ----------------------------------------------------------------

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

        def store(session: Session) -> int | Lead:
            return self._store_new_lead(
                session, data, route.name, values, due_work, actor, idempotency_key, receipt_to
            )

        # Stored in one transaction with the leads other threads are handing off at this
        # moment (bot.store.batching); answered once that has committed.
        stored = self.db.together(store)
        if isinstance(stored, Lead):
            return HandOff(stored, created=False)
        # Built here, not while holding up the group's commit.
        return HandOff(Lead(id=stored, **values), created=True)

    def _store_new_lead(
        self,
        session: Session,
        data: LeadInput,
        route: str,
        values: dict[str, Any],
        due_work: list[sla.PlannedDue],
        actor: str,
        idempotency_key: str | None,
        receipt_to: str | None,
    ) -> int | Lead:
        """The new lead's id; or, for a re-send, the lead Baton already has."""
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
        # table's rows for the whole group of hand-offs go in one statement.
        for row in due_work:
            row.lead_id = lead_id
        sla.add_due_work(session, due_work, at_commit=True)
        record_event(
            session,
            "handed_off",
            lead_id=lead_id,
            route=route,
            actor=actor,
            at=now,
            detail={"route": route},
            announce=Announce.NOTHING,  # the new card is the announcement
            at_commit=True,
        )
        card = outbox.message(Intent.POST_CARD, now, lead_id=lead_id)
        outbox.queue(session, card, at_commit=True)
        self._receipt(session, lead_id, receipt_to, now, duplicate=False)
        return lead_id

    @cached_property
    def _insert_new_lead(self) -> Insert:
        """INSERT … ON CONFLICT DO NOTHING RETURNING id, built once."""
        dialect_insert = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
        leads = Lead.__table__
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
            return session.scalar(
                select(Lead)
                .where(
                    Lead.source == data.source,
                    Lead.email == data.email.lower(),
                    Lead.created_at >= now - self.dedupe_window,
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
            "company_key": data.company.strip().casefold() if data.company else None,
            "title": data.title,
            "phone": data.phone,
            "score": data.score,
            "segment": data.segment,
            "region": data.region,
            "campaign": data.campaign,
            "reason": data.reason,
            "extras": data.extras,
            "route": route.name,
            "status": S.UNCLAIMED,
            "handed_off_by": actor,
            "created_at": now,
            "claim_due_at": sla.deadline(route, calendar, Clock.CLAIM, now),
            "sla_round": 1,
        }

    # --- claim ---------------------------------------------------------------------

    def claim(self, lead_id: int, user_id: str) -> Lead:
        """First caller wins: one compare-and-set UPDATE decides, under any concurrency.

        The busiest write path (every click answers only after it), so it runs prebuilt
        Core statements rather than the ORM's unit of work: same rows, same transaction,
        a fraction of the CPU time per click.
        """
        if not self.policy.may_claim(user_id):
            raise NotAllowed("error.not_a_rep")
        # A click on a lead that this process is claiming right now waits for that claim,
        # holding no database connection, and is then answered from the read below: in a
        # race the losers neither queue for SQLite's write lock nor wait on PostgreSQL's
        # row lock. Across processes the compare-and-set alone still decides.
        with self._claims.after_running(lead_id) as turn:
            if turn.found is not None:  # the click this one waited for saw the lead taken
                _refuse_claim(lead_id, *turn.found)
            return self._claim(lead_id, user_id, turn)

    def _claim(self, lead_id: int, user_id: str, turn: Turn) -> Lead:
        # Read first, without the write lock: the clicks that lose a race (most of them)
        # are answered from this read and never queue for the lock, and the winner's write
        # transaction holds the lock only for the writes. A lead's route never changes.
        seen = self.db.read_one(_SEEN, {"lead_id": lead_id})
        if seen is None:
            raise LeadNotFound(lead_id)
        if seen.status != S.UNCLAIMED:
            turn.leave((seen.status, seen.owner_id, seen.claimed_at))
            _refuse_claim(lead_id, seen.status, seen.owner_id, seen.claimed_at)
        route = self._route(seen.route)
        now = self.now()
        calendar = self.policy.calendar_for(route)
        due = sla.deadline(route, calendar, Clock.FIRST_TOUCH, now)
        with self.db.transaction() as session:
            row = session.execute(
                _CLAIM, {"lead_id": lead_id, "owner": user_id, "now": now, "due": due}
            ).first()
            if row is None:  # another click won between the read and the write
                lost = session.execute(_SEEN, {"lead_id": lead_id}).first()
                if lost is None:
                    raise LeadNotFound(lead_id)
                turn.leave((lost.status, lost.owner_id, lost.claimed_at))
                _refuse_claim(lead_id, lost.status, lost.owner_id, lost.claimed_at)
            lead = Lead(**row._asdict())
            sla.cancel_pending(session, lead_id, now, Clock.CLAIM)
            self._start_clock(session, lead, route, Clock.FIRST_TOUCH, due, now)
            self._event(session, lead, "claimed", user_id, now, late=_late(lead.claim_due_at, now))
        turn.leave((S.CLAIMED, user_id, now))
        return lead

    # --- transitions by the owner or a manager ------------------------------------------

    def release(self, lead_id: int, user_id: str) -> Lead:
        """Back to the channel: the lead is unclaimed again and its claim clock restarts."""
        now = self.now()
        with self.db.transaction() as session:
            lead = self._load(session, lead_id, Action.RELEASE, user_id)
            route = self._route(lead.route)
            previous_owner = lead.owner_id
            lead.status = S.UNCLAIMED
            lead.owner_id = None
            lead.claimed_at = None
            lead.first_touch_due_at = None
            lead.first_touch_at = None
            lead.snoozed_until = None
            lead.claim_due_at = sla.deadline(
                route, self.policy.calendar_for(route), Clock.CLAIM, now
            )
            lead.sla_round += 1
            sla.cancel_pending(session, lead_id, now)
            self._start_clock(session, lead, route, Clock.CLAIM, lead.claim_due_at, now)
            self._event(session, lead, "released", user_id, now, previous_owner=previous_owner)
            return lead

    def log_first_touch(self, lead_id: int, user_id: str, note: str | None = None) -> Lead:
        now = self.now()
        with self.db.transaction() as session:
            lead = self._load(session, lead_id, Action.TOUCH, user_id)
            lead.status = S.CONTACTED
            lead.first_touch_at = now
            sla.cancel_pending(session, lead_id, now, Clock.FIRST_TOUCH)
            late = _late(lead.first_touch_due_at, now)
            self._event(session, lead, "first_touch", user_id, now, note=note, late=late)
            return lead

    def set_outcome(
        self,
        lead_id: int,
        user_id: str,
        outcome: Outcome | str,
        *,
        reason: str | None = None,
        note: str | None = None,
    ) -> Lead:
        outcome = Outcome(outcome)
        if outcome is Outcome.DISQUALIFIED:
            if not reason:
                raise InvalidInput("error.reason_required", lead_id=lead_id)
            if reason not in DISQUALIFY_REASONS:
                raise InvalidInput(
                    "error.unknown_reason", reason=reason, choices=", ".join(DISQUALIFY_REASONS)
                )
        now = self.now()
        with self.db.transaction() as session:
            lead = self._load(session, lead_id, Action.OUTCOME, user_id)
            if lead.lead_status not in OUTCOME_FROM[outcome]:
                raise InvalidTransition(lead_id, lead.status, Action.OUTCOME)
            if lead.first_touch_at is None and outcome in (
                Outcome.MEETING_BOOKED,
                Outcome.OPPORTUNITY,
            ):
                lead.first_touch_at = now  # a meeting or an opportunity means they talked
            lead.status = LeadStatus(outcome.value)
            lead.outcome_at = now
            lead.disqualify_reason = reason if outcome is Outcome.DISQUALIFIED else None
            lead.outcome_note = note
            sla.cancel_pending(session, lead_id, now)
            detail: dict[str, Any] = {"outcome": outcome.value, "note": note}
            if reason and outcome is Outcome.DISQUALIFIED:
                detail["reason"] = reason
            self._event(session, lead, "outcome", user_id, now, **detail)
            return lead

    def reassign(self, lead_id: int, user_id: str, new_owner: str) -> Lead:
        """Give the lead to someone else; their first-touch clock starts now."""
        now = self.now()
        with self.db.transaction() as session:
            # Whoever an escalation reached may hand the lead to someone else.
            lead = self._load(session, lead_id, Action.REASSIGN, user_id, escalation_targets=True)
            route = self._route(lead.route)
            previous_owner = lead.owner_id
            if lead.status == S.UNCLAIMED:
                lead.status = S.CLAIMED
                lead.claimed_at = now
            lead.owner_id = new_owner
            lead.snoozed_until = None
            lead.sla_round += 1
            sla.cancel_pending(session, lead_id, now)
            if lead.first_touch_at is None:
                calendar = self.policy.calendar_for(route)
                lead.first_touch_due_at = sla.deadline(route, calendar, Clock.FIRST_TOUCH, now)
                self._start_clock(
                    session, lead, route, Clock.FIRST_TOUCH, lead.first_touch_due_at, now
                )
            self._event(
                session,
                lead,
                "reassigned",
                user_id,
                now,
                previous_owner=previous_owner,
                new_owner=new_owner,
            )
            if new_owner != user_id:
                outbox.queue(
                    session,
                    outbox.message(
                        Intent.ASSIGNED, now, lead_id=lead.id, user=new_owner, by=user_id
                    ),
                )
            return lead

    def snooze(
        self, lead_id: int, user_id: str, until: datetime, reason: str | None = None
    ) -> Lead:
        """Hold back the pending nudges and escalations of the running clock until `until`."""
        now = self.now()
        if until <= now:
            raise InvalidInput("error.snooze_in_past")
        with self.db.transaction() as session:
            lead = self._load(session, lead_id, Action.SNOOZE, user_id, escalation_targets=True)
            lead.snoozed_until = until
            session.execute(
                update(DueWork)
                .where(
                    DueWork.lead_id == lead_id,
                    DueWork.sla_round == lead.sla_round,
                    DueWork.sent_at.is_(None),
                    DueWork.cancelled_at.is_(None),
                    DueWork.due_at < until,
                )
                .values(due_at=until)
            )
            self._event(
                session, lead, "snoozed", user_id, now, until=until.isoformat(), reason=reason
            )
            return lead

    # --- reading ---------------------------------------------------------------------

    def get(self, lead_id: int) -> Lead:
        with self.db.read() as session:
            lead = session.get(Lead, lead_id)
            if lead is None:
                raise LeadNotFound(lead_id)
            return lead

    def timeline(self, lead_id: int) -> list[LeadEvent]:
        with self.db.read() as session:
            return list(
                session.scalars(
                    select(LeadEvent).where(LeadEvent.lead_id == lead_id).order_by(LeadEvent.id)
                )
            )

    # --- shared steps ------------------------------------------------------------------

    def _route(self, name: str) -> Route:
        # A lead keeps its route's name; if the policy dropped that route, use the default.
        route = self.policy.route_of_lead(name)
        if route is None:
            raise NoRoute({"route": name})
        return route

    def _load(
        self,
        session: Session,
        lead_id: int,
        action: Action,
        user_id: str,
        *,
        escalation_targets: bool = False,
    ) -> Lead:
        """Lock the lead's row, then check the state machine and who is asking."""
        lead = session.scalar(select(Lead).where(Lead.id == lead_id).with_for_update())
        if lead is None:
            raise LeadNotFound(lead_id)
        if lead.lead_status not in ALLOWED[action]:
            raise InvalidTransition(lead_id, lead.status, action)
        allowed = user_id == lead.owner_id or self.policy.is_manager(user_id)
        if not allowed and escalation_targets:
            route = self.policy.route_named(lead.route)
            targets = [t for level in (route.escalate if route else []) for t in level.notify]
            allowed = user_id in self.policy.members(targets)
        if not allowed:
            raise NotAllowed(f"error.{action}_forbidden", lead_id=lead_id)
        return lead

    def _start_clock(
        self, session: Session, lead: Lead, route: Route, clock: Clock, due: datetime, now: datetime
    ) -> None:
        sla.add_due_work(
            session,
            sla.plan_due_work(
                route,
                self.policy.calendar_for(route),
                lead_id=lead.id,
                clock=clock,
                sla_round=lead.sla_round,
                due=due,
                now=now,
            ),
        )

    def _event(
        self, session: Session, lead: Lead, kind: str, actor: str, now: datetime, **detail: Any
    ) -> None:
        """The transition's timeline event, on the card and in its thread."""
        record_event(
            session,
            kind,
            lead_id=lead.id,
            route=lead.route,
            actor=actor,
            at=now,
            detail=detail,
            times=LeadTimes.of(lead),
        )


class Turn:
    """One thread's turn at the work on a key: what the work it waited for found, and a
    way to leave what this work finds to the threads waiting for it."""

    def __init__(self, found: Any = None, *, first: bool) -> None:
        self.found = found
        self.left: Any = None
        self._first = first

    def leave(self, found: Any) -> None:
        if self._first:
            self.left = found


class InFlight:
    """Lets a thread wait for the work already running on the same key (a lead id)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._running: dict[int, tuple[threading.Event, Turn]] = {}

    @contextmanager
    def after_running(self, key: int) -> Iterator[Turn]:
        """Run the block once the work running on `key` when called (if any) is done.

        Threads that waited then run side by side, and the first of them alone is
        waited for by later arrivals; the work itself must be safe to run concurrently.
        The block gets what the work it waited for left (`Turn.found`), if anything.
        """
        with self._guard:
            running = self._running.get(key)
            if running is None:
                mine = Turn(first=True)
                done = threading.Event()
                self._running[key] = (done, mine)
        if running is not None:
            running[0].wait()
            yield Turn(running[1].left, first=False)
            return
        try:
            yield mine
        finally:
            with self._guard:
                del self._running[key]
            done.set()


_LEADS = Lead.__table__
_SEEN = select(_LEADS.c.route, _LEADS.c.status, _LEADS.c.owner_id, _LEADS.c.claimed_at).where(
    _LEADS.c.id == bindparam("lead_id")
)
# The compare-and-set: only a lead still unclaimed changes, and RETURNING says whether
# this click did it.
_CLAIM = (
    update(_LEADS)
    .where(_LEADS.c.id == bindparam("lead_id"), _LEADS.c.status == str(S.UNCLAIMED))
    .values(
        status=str(S.CLAIMED),
        owner_id=bindparam("owner"),
        claimed_at=bindparam("now"),
        first_touch_due_at=bindparam("due"),
        sla_round=_LEADS.c.sla_round + 1,
        snoozed_until=None,
    )
    .returning(*_LEADS.c)
)


def _refuse_claim(
    lead_id: int, status: str, owner_id: str | None, claimed_at: datetime | None
) -> NoReturn:
    if owner_id and LeadStatus(status) in OWNED:
        raise AlreadyClaimed(lead_id, owner_id, claimed_at)
    raise InvalidTransition(lead_id, status, Action.CLAIM)


def _late(due: datetime | None, now: datetime) -> int | None:
    """Seconds past the deadline, or None when on time."""
    if due is None or now <= due:
        return None
    return int((now - due).total_seconds())
