"""SLA clocks: planning a clock's due work (the nudge before its deadline, then the
escalation ladder), and deciding, when a row falls due, whether it still has a reason
to go out. Pure functions, except the two helpers that write to a session."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, text, update
from sqlalchemy.orm import Session

from bot.core.business_time import Calendar
from bot.core.policy import EscalationLevel, Route
from bot.store.database import after_commit, before_commit, insert_at_commit, update_at_commit
from bot.store.models import DUE_WORK_TABLE, Clock, DueWork, Lead, LeadStatus

NUDGE_LEVEL = 0
# What `Database.tell`s the scheduler in this process after a commit that planned due
# work (with the earliest new due time), and the PostgreSQL NOTIFY channel on which the
# other processes' schedulers hear the same.
PLANNED = "due_work.planned"
NOTIFY_CHANNEL = "baton_due_work"
_EARLIEST = "baton.due_work.earliest"
_NOTIFIED = "baton.due_work.notified"  # the earliest time this transaction's NOTIFY told


def deadline(route: Route, calendar: Calendar, clock: Clock, started_at: datetime) -> datetime:
    span = route.claim_within if clock is Clock.CLAIM else route.first_touch_within
    return calendar.add(started_at, span)


@dataclass(slots=True)
class PlannedDue:
    """One planned due-work row, before it is written (plain values: cheaper to make than
    a mapped DueWork, and nothing reads them back as objects)."""

    lead_id: int
    clock: str
    sla_round: int
    level: int
    due_at: datetime


def plan_due_work(
    route: Route,
    calendar: Calendar,
    *,
    lead_id: int,
    clock: Clock,
    sla_round: int,
    due: datetime,
    now: datetime,
) -> list[PlannedDue]:
    """Rows for one run of one clock: level 0 nudges before `due`, levels 1..n escalate after."""
    rows: list[PlannedDue] = []
    if route.remind_before:
        nudge_at = due - route.remind_before
        if nudge_at > now:  # a window shorter than the reminder gets no nudge
            rows.append(_row(lead_id, clock, sla_round, NUDGE_LEVEL, nudge_at))
    for level, step in enumerate(route.escalate, start=1):
        rows.append(_row(lead_id, clock, sla_round, level, calendar.add(due, step.after)))
    return rows


def _row(lead_id: int, clock: Clock, sla_round: int, level: int, due_at: datetime) -> PlannedDue:
    return PlannedDue(lead_id, str(clock), sla_round, level, due_at)


def add_due_work(session: Session, rows: list[PlannedDue], *, at_commit: bool = False) -> None:
    """Write planned rows and let the schedulers know (after the commit) when the first is due.

    The rows are written as values in one Core INSERT, not added to the session as
    objects (nor through the ORM's bulk INSERT): nothing reads them back through the
    session, and the ORM's bookkeeping per row was most of what planning a clock cost.
    The lead they belong to is already in the database (its id is in the rows).
    `at_commit`: held to the end of the transaction (bot.store.database.insert_at_commit)."""
    if not rows:
        return
    values = [
        {
            "lead_id": row.lead_id,
            "clock": row.clock,
            "sla_round": row.sla_round,
            "level": row.level,
            "due_at": row.due_at,
        }
        for row in rows
    ]
    if at_commit:
        insert_at_commit(session, DUE_WORK_TABLE, values)
    else:
        session.execute(insert(DUE_WORK_TABLE), values)
    note_planned(session, min(row.due_at for row in rows))


def start_clock(
    session: Session,
    route: Route,
    calendar: Calendar,
    *,
    lead_id: int,
    clock: Clock,
    sla_round: int,
    due: datetime,
    now: datetime,
    at_commit: bool = False,
) -> None:
    """Plan and write the due work of one run of a lead's clock (`plan_due_work`)."""
    rows = plan_due_work(
        route, calendar, lead_id=lead_id, clock=clock, sla_round=sla_round, due=due, now=now
    )
    add_due_work(session, rows, at_commit=at_commit)


def note_planned(session: Session, earliest: datetime) -> None:
    """Record that this transaction made due work falling due at `earliest`.

    Once it commits, the scheduler in this process hears of it (`Database.listen` on
    `PLANNED`, with the transaction's earliest due time); on PostgreSQL a NOTIFY sent
    just before the commit (which the database delivers only if it commits) tells the
    other processes' schedulers. One of each a transaction, however many leads it
    planned for (a group commit of hand-offs plans one each).
    """
    known = session.info.get(_EARLIEST)
    if known is None or earliest < known:
        session.info[_EARLIEST] = earliest
    if session.get_bind().dialect.name == "postgresql":
        notified = session.info.get(_NOTIFIED)
        if notified is not None and earliest < notified:
            # planned by a hook that ran after this transaction's NOTIFY (a round robin
            # lead nobody could take, left to Claim): tell them of the earlier time too
            _notify_other_processes(session)
        before_commit(session, PLANNED, _notify_other_processes)
    after_commit(session, PLANNED, lambda db: db.tell(PLANNED, session.info[_EARLIEST]))


def _notify_other_processes(session: Session) -> None:
    earliest = session.info[_NOTIFIED] = session.info[_EARLIEST]
    session.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": NOTIFY_CHANNEL, "payload": earliest.isoformat()},
    )


def cancel_pending(
    session: Session,
    lead_id: int,
    now: datetime,
    clock: Clock | None = None,
    *,
    at_commit: bool = False,
) -> None:
    """Stop nudges and escalations that have not gone out (a met clock never escalates).

    A Core UPDATE on the table: the transitions calling this hold no DueWork objects
    to keep in step, so the ORM's bulk-update bookkeeping would be pure cost.
    `at_commit`: held to the end of the transaction (bot.store.database.update_at_commit),
    for a change in a group commit that plans no new clock of its own.
    """
    if clock is None and at_commit:
        update_at_commit(session, _CANCEL_ALL, {"lead": lead_id, "now": now})
    elif clock is None:
        session.execute(_CANCEL_ALL, {"lead": lead_id, "now": now})
    else:
        session.execute(_CANCEL_CLOCK, {"lead": lead_id, "now": now, "which": str(clock)})


_CANCEL_ALL = (
    update(DUE_WORK_TABLE)
    .where(
        DUE_WORK_TABLE.c.lead_id == bindparam("lead"),
        DUE_WORK_TABLE.c.sent_at.is_(None),
        DUE_WORK_TABLE.c.cancelled_at.is_(None),
    )
    .values(cancelled_at=bindparam("now"))
)
_CANCEL_CLOCK = _CANCEL_ALL.where(DUE_WORK_TABLE.c.clock == bindparam("which"))


# --- when a row falls due --------------------------------------------------------------


class Kind(enum.StrEnum):
    CLAIM_NUDGE = "claim_nudge"  # a reply in the card's thread, mentioning the reps
    TOUCH_NUDGE = "touch_nudge"  # a DM to the owner
    ESCALATION = "escalation"  # DMs to a level's `notify` list


def kind_of(clock: Clock | str, level: int) -> Kind:
    if level != NUDGE_LEVEL:
        return Kind.ESCALATION
    return Kind.CLAIM_NUDGE if Clock(clock) is Clock.CLAIM else Kind.TOUCH_NUDGE


def deadline_of(lead: Lead, clock: Clock | str) -> datetime | None:
    return lead.claim_due_at if Clock(clock) is Clock.CLAIM else lead.first_touch_due_at


def clock_running(lead: Lead, clock: Clock | str, sla_round: int) -> bool:
    """True while the clock of this round is still waiting to be met."""
    if lead.sla_round != sla_round or lead.lead_status.is_closed:
        return False
    if Clock(clock) is Clock.CLAIM:
        return lead.lead_status is LeadStatus.UNCLAIMED
    return lead.lead_status is LeadStatus.CLAIMED and lead.first_touch_at is None


def level_of(route: Route, level: int) -> EscalationLevel | None:
    """The policy's step for an escalation level (1-based), if the ladder still has it."""
    return route.escalate[level - 1] if 1 <= level <= len(route.escalate) else None


class Verdict(enum.StrEnum):
    SEND = "send"
    CANCEL = "cancel"
    DEFER = "defer"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str = ""
    until: datetime | None = None  # for DEFER: when it is due now


def decide(work: DueWork, lead: Lead, route: Route | None, now: datetime) -> Decision:
    """Whether a due row still goes out: a met clock, a closed lead, a restarted clock or
    a nudge overtaken by its own deadline sends nothing; a snoozed lead waits."""
    if not clock_running(lead, work.clock, work.sla_round):
        return Decision(Verdict.CANCEL, "clock met, restarted or lead closed")
    if route is None:
        return Decision(Verdict.CANCEL, f"route {lead.route!r} is not in the policy")
    if lead.snoozed_until is not None and lead.snoozed_until > now:
        return Decision(Verdict.DEFER, "snoozed", lead.snoozed_until)
    if work.level == NUDGE_LEVEL:
        due = deadline_of(lead, work.clock)
        if due is not None and now >= due:
            return Decision(Verdict.CANCEL, "the deadline passed before the nudge went out")
        if Clock(work.clock) is Clock.FIRST_TOUCH and not lead.owner_id:
            return Decision(Verdict.CANCEL, "no owner to nudge")
        return Decision(Verdict.SEND)
    if level_of(route, work.level) is None:
        return Decision(Verdict.CANCEL, f"the ladder has no level {work.level} any more")
    return Decision(Verdict.SEND)


def lateness(lead: Lead, clock: Clock | str, calendar: Calendar, now: datetime) -> timedelta:
    """How late the clock is at `now`, counted on the route's calendar (zero if not late)."""
    due = deadline_of(lead, clock)
    if due is None or now <= due:
        return timedelta(0)
    return calendar.elapsed(due, now)
