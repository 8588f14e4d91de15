"""Claiming due work: nudges and escalation levels whose time has come.

A due row is claimed, checked against its lead, marked sent and turned into outbox
intents in ONE transaction, so "claimed" and "recorded" can never come apart: a process
that dies before the commit leaves the row pending for the next pass; one that dies
after it leaves the intents in the outbox, which delivery sends. The Slack calls are
delivery's job (bot/slack/sla_senders.py holds the senders).

Several processes may run this against one database. On PostgreSQL the rows are taken
with `FOR UPDATE SKIP LOCKED`, and their leads are share-locked (skipping leads a claim
or a release is changing right now, which are tried again a moment later), so a claim
racing a due escalation either wins before it (nothing is sent) or after it. On SQLite
the write transaction holds the database's write lock from its first statement and
each row is marked with a compare-and-set UPDATE.

Every query goes through the partial index `ix_due_work_pending_due_at`: a pass reads
only rows that are pending and due, never the whole table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Select, and_, select, update
from sqlalchemy.orm import Session

from bot.core.policy import Policy, Route
from bot.leads import offers, sla
from bot.leads.timeline import Announce, record_event
from bot.store import outbox
from bot.store.database import UNSYNCED, Database
from bot.store.models import Clock, DueWork, Lead
from bot.store.outbox import Intent

log = logging.getLogger(__name__)

BATCH = 100
SYSTEM = "system"


def pending() -> ColumnElement[bool]:
    """The predicate of the partial index: a query using it reads only pending rows."""
    return and_(DueWork.sent_at.is_(None), DueWork.cancelled_at.is_(None))


@dataclass
class Pass:
    """What one claiming pass did."""

    fetched: int = 0  # due rows this pass took (a full batch means: look again)
    sent: int = 0
    cancelled: int = 0
    deferred: int = 0
    busy: int = 0  # rows left for a moment because their lead was locked

    @property
    def more(self) -> bool:
        """A full batch that got somewhere: there may be more due rows behind it. (A
        batch of rows whose leads are all busy is not retried at once, which would spin.)"""
        return self.fetched >= BATCH and self.sent + self.cancelled + self.deferred > 0


def next_due_query() -> Select[datetime]:
    return select(DueWork.due_at).where(pending()).order_by(DueWork.due_at).limit(1)


def due_query(now: datetime, limit: int) -> Select[DueWork]:
    return (
        select(DueWork)
        .where(pending(), DueWork.due_at <= now)
        .order_by(DueWork.due_at, DueWork.id)
        .limit(limit)
    )


def next_due_at(db: Database, conn: Connection | None = None) -> datetime | None:
    """When the earliest pending row falls due (one index lookup), on `conn` if given.

    A plain connection, not a session: one value is read, and no ORM state is wanted
    for it (the scheduler asks after every pass and every change it hears of)."""
    if conn is not None:
        try:
            return conn.scalar(next_due_query())
        finally:
            conn.rollback()  # no read transaction left open on a connection kept open
    with db.engine.connect() as own:
        return own.scalar(next_due_query())


def claim_due(db: Database, policy: Policy, now: datetime, *, limit: int = BATCH) -> Pass:
    """Claim up to `limit` due rows and, in the same transaction, send or drop each."""
    done = Pass()
    postgres = db.dialect == "postgresql"
    with db.transaction() as session:
        query = due_query(now, limit)
        if postgres:
            query = query.with_for_update(skip_locked=True)
        rows = list(session.scalars(query))
        done.fetched = len(rows)
        if not rows:
            return done
        leads_query = select(Lead).where(Lead.id.in_({row.lead_id for row in rows}))
        if postgres:
            leads_query = leads_query.with_for_update(read=True, skip_locked=True)
        leads = {lead.id: lead for lead in session.scalars(leads_query)}
        for row in rows:
            lead = leads.get(row.lead_id)
            if lead is None:
                done.busy += 1
                continue
            _handle(session, policy, row, lead, now, done)
    return done


def _handle(
    session: Session, policy: Policy, row: DueWork, lead: Lead, now: datetime, done: Pass
) -> None:
    if row.clock == Clock.OFFER:  # an offer's deadline: no message of its own
        if _mark(session, row, sent_at=now):
            done.sent += 1
            offers.expire(session, policy, row, lead, now)
        return
    route = policy.route_of_lead(lead.route)
    decision = sla.decide(row, lead, route, now)
    if decision.verdict is sla.Verdict.DEFER:
        assert decision.until is not None
        if _mark(session, row, due_at=decision.until):
            done.deferred += 1
        return
    targets = _targets(policy, row, lead, route) if decision.verdict is sla.Verdict.SEND else []
    step = sla.level_of(route, row.level) if route and row.level else None
    repost = bool(step and step.repost)
    if decision.verdict is sla.Verdict.SEND and not targets and not repost:
        decision = sla.Decision(sla.Verdict.CANCEL, "nobody to notify")
        log.warning(
            "lead %s: %s level %s has nobody to notify (check the roles in the policy)",
            lead.id,
            row.clock,
            row.level,
        )
    if decision.verdict is sla.Verdict.CANCEL:
        if _mark(session, row, cancelled_at=now):
            done.cancelled += 1
            log.info(
                "lead %s: %s level %s dropped: %s", lead.id, row.clock, row.level, decision.reason
            )
        return
    if not _mark(session, row, sent_at=now):
        return  # another pass got there first
    done.sent += 1
    assert route is not None
    _record(session, policy, row, lead, route, targets, repost, now)


def _mark(session: Session, row: DueWork, **values: object) -> bool:
    """Compare-and-set: change the row only if it is still pending."""
    result = session.execute(
        update(DueWork)
        .where(DueWork.id == row.id, pending())
        .values(**values)
        .execution_options(**UNSYNCED)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _targets(policy: Policy, row: DueWork, lead: Lead, route: Route | None) -> list[str]:
    kind = sla.kind_of(row.clock, row.level)
    if kind is sla.Kind.CLAIM_NUDGE:
        return ["channel"]  # a reply in the card's thread; who it mentions is rendered
    if kind is sla.Kind.TOUCH_NUDGE:
        return [lead.owner_id] if lead.owner_id else []
    step = sla.level_of(route, row.level) if route else None
    return policy.members(step.notify) if step else []


def _record(
    session: Session,
    policy: Policy,
    row: DueWork,
    lead: Lead,
    route: Route,
    targets: list[str],
    repost: bool,
    now: datetime,
) -> None:
    """Queue the messages and write the timeline event, with the row marked sent.

    Core INSERTs, not ORM objects (outbox.queue, record_event): nothing reads them back in
    this transaction, and the unit of work's flushes were about a third of a claiming
    pass's CPU."""
    kind = sla.kind_of(row.clock, row.level)
    if kind is sla.Kind.CLAIM_NUDGE:
        messages = [outbox.message(Intent.DUE_WORK, now, lead_id=lead.id, due_work_id=row.id)]
    else:
        # One outbox row per person: a retry after a failure for one never repeats another.
        messages = [
            outbox.message(Intent.DUE_WORK, now, lead_id=lead.id, due_work_id=row.id, user=user)
            for user in targets
        ]
    if repost:
        messages.append(outbox.message(Intent.POST_CARD, now, lead_id=lead.id, repost=True))
    # The messages first: a lead's rows go out in the order they were written, and the
    # thread reply (which waits for the lead's card) must not hold back the DMs.
    outbox.queue(session, *messages)
    late = sla.lateness(lead, row.clock, policy.calendar_for(route), now)
    record_event(
        session,
        "escalated" if kind is sla.Kind.ESCALATION else "nudged",
        lead_id=lead.id,
        route=lead.route,
        actor=SYSTEM,
        at=now,
        detail={
            "clock": str(Clock(row.clock)),
            "level": row.level,
            "notified": [] if kind is sla.Kind.CLAIM_NUDGE else targets,
            "late_seconds": int(late.total_seconds()),
            "repost": repost,
            "due_work_id": row.id,
        },
        # the claim nudge is itself a reply in the thread
        announce=Announce.NOTHING if kind is sla.Kind.CLAIM_NUDGE else Announce.THREAD,
    )
