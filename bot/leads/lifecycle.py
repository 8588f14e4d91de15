"""The lead lifecycle: hand off, claim, release, first touch, outcome, reassign, snooze.

A state machine (`ALLOWED`) says which transition is legal from which state; an
illegal one raises a typed `DomainError` a user can read. Every transition writes
its timeline event, its due work and its outbox intents in the same transaction.
No Slack here: callers are Slack listeners, the intake endpoint, the CLI and tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NoReturn

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.core.clock import Now, utcnow
from bot.core.errors import (
    AlreadyClaimed,
    InvalidInput,
    InvalidTransition,
    LeadNotFound,
    NotAllowed,
)
from bot.core.policy import Policy, Route
from bot.leads import funnel, offers, sla
from bot.leads.handoff import HandOff, HandOffs, LeadInput, NoRoute
from bot.leads.in_flight import InFlight, Turn
from bot.leads.states import ALLOWED, OUTCOME_FROM, OWNED, Action, Outcome
from bot.leads.timeline import LeadTimes, record_event
from bot.store import outbox
from bot.store.database import Database
from bot.store.models import LEADS_TABLE, Clock, DueWork, Lead, LeadEvent, LeadStatus
from bot.store.outbox import Intent

S = LeadStatus


class LeadService:
    def __init__(
        self,
        db: Database,
        policy: Policy,
        *,
        clock: Now = utcnow,
        dedupe_window: timedelta = timedelta(hours=24),
    ) -> None:
        self.db = db
        self.policy = policy
        self.now = clock
        self.dedupe_window = dedupe_window
        self._hand_offs = HandOffs(db, policy, clock, dedupe_window)
        self._claims = InFlight()
        self._stages = funnel.StageUpdates(db, policy, clock)

    # --- hand off ----------------------------------------------------------------

    def hand_off(
        self,
        data: LeadInput,
        *,
        actor: str = "intake",
        idempotency_key: str | None = None,
        receipt_to: str | None = None,
    ) -> HandOff:
        """Store a new lead, start its claim clock and queue its card; or find the original
        (bot.leads.handoff). `receipt_to`: a Slack user told, once the card is up, where
        the lead went (also for a re-send, so the person who asked still gets the link)."""
        return self._hand_offs.hand_off(
            data, actor=actor, idempotency_key=idempotency_key, receipt_to=receipt_to
        )

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
            if route.assign.mode == "offer":  # claimed while offered: the offer ends
                offers.withdraw(session, lead_id, now)
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
        amount: Decimal | None = None,
        currency: str | None = None,
    ) -> Lead:
        """The owner (or a manager) records how far the lead got (bot.leads.funnel)."""
        now = self.now()
        change = funnel.StageChange(Outcome(outcome), now, amount, currency, reason, note)
        funnel.check(change, lead_id)
        with self.db.transaction() as session:
            lead = self._load(session, lead_id, Action.OUTCOME, user_id)
            if lead.lead_status not in OUTCOME_FROM[change.stage]:
                raise InvalidTransition(lead_id, lead.status, Action.OUTCOME)
            values, detail = funnel.apply(funnel.funnel_of(lead), change, self.policy.currency)
            for column, value in values.items():
                setattr(lead, column, value)
            sla.cancel_pending(session, lead_id, now)
            self._event(session, lead, "outcome", user_id, now, **detail)
            handed = funnel.HandedOff.of(lead)
            funnel.tell_marketing(session, self.policy, handed, lead.status, user_id, now)
            return lead

    def update_stage(self, change: funnel.StageChange, **lead: Any) -> funnel.StageResult:
        """A stage update from the CRM; `lead` is `lead_id=` or `source=`, `external_id=`."""
        return self._stages.update(change, **lead)

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
            offers.withdraw(session, lead_id, now)
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

    # --- offers (bot.leads.offers) -----------------------------------------------------

    def accept_offer(self, lead_id: int, user_id: str) -> Lead:
        """The rep a lead is offered to takes it."""
        now = self.now()
        with self.db.transaction() as session:
            lead = self._lock(session, lead_id)
            offers.accept(session, self.policy, self._route(lead.route), lead, user_id, now)
            return lead

    def pass_offer(
        self, lead_id: int, user_id: str, reason: str | None = None, note: str | None = None
    ) -> Lead:
        """The rep a lead is offered to passes; the next rep is offered it."""
        if reason is not None and reason not in offers.PASS_REASONS:
            choices = ", ".join(offers.PASS_REASONS)
            raise InvalidInput("error.unknown_reason", reason=reason, choices=choices)
        now = self.now()
        with self.db.transaction() as session:
            lead = self._lock(session, lead_id)
            route = self._route(lead.route)
            offers.pass_offer(
                session, self.policy, route, lead, user_id, now, reason=reason, note=note
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
        lead = self._lock(session, lead_id)
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

    @staticmethod
    def _lock(session: Session, lead_id: int) -> Lead:
        lead = session.scalar(select(Lead).where(Lead.id == lead_id).with_for_update())
        if lead is None:
            raise LeadNotFound(lead_id)
        return lead

    def _start_clock(
        self, session: Session, lead: Lead, route: Route, clock: Clock, due: datetime, now: datetime
    ) -> None:
        sla.start_clock(
            session,
            route,
            self.policy.calendar_for(route),
            lead_id=lead.id,
            clock=clock,
            sla_round=lead.sla_round,
            due=due,
            now=now,
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


_LEADS = LEADS_TABLE
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
