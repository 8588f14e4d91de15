"""Offers: a lead of an `offer` route goes to one rep at a time, by DM, until one accepts.

The rep may Accept (the lead is theirs, as if they had claimed it: the first-touch clock
starts) or Pass (with an optional reason); when `accept_within` runs out the offer
expires. After a pass or an expiry the next available rep of the pool is offered it,
never one who was offered it already; after `max_offers`, or when nobody is available,
the lead goes to its channel with Claim, and its claim clock (nudges, escalations)
starts then.

Durable like the SLA clocks: an offer is a row of `assignments` (at most one waits per
lead: a partial unique index), and its deadline a due-work row (clock `offer`, level =
the offer's number) that the scheduler claims once, across processes and crashes
(bot.leads.due_work calls `expire`). Accept and Pass are compare-and-sets on the waiting
offer, like Claim: an answer to an offer that has moved on changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from bot.core.errors import DomainError
from bot.core.policy import Policy, Route
from bot.leads import sla
from bot.leads.assignment import SYSTEM, offered_to, record, tell_nobody_available
from bot.leads.timeline import Announce, LeadTimes, record_event
from bot.leads.turn import Turn
from bot.store import outbox
from bot.store.assignment_models import ASSIGNMENTS_TABLE, Answer, AssignKind, Assignment
from bot.store.database import update_at_commit
from bot.store.models import LEADS_TABLE, Clock, DueWork, Lead, LeadStatus
from bot.store.outbox import Intent

PASS_REASONS = ("busy", "territory", "conflict", "not_a_fit", "other")


class OfferGone(DomainError):
    """An Accept or Pass for an offer that is not (or no longer) waiting for this person."""

    def __init__(self, key: str, *, lead_id: int, **params: Any) -> None:
        self.key = key
        super().__init__(lead_id=lead_id, **params)


def waiting_offer(session: Session, lead_id: int) -> Assignment | None:
    return session.scalar(
        select(Assignment).where(
            Assignment.lead_id == lead_id,
            Assignment.kind == AssignKind.OFFERED,
            Assignment.answer.is_(None),
        )
    )


# --- offering --------------------------------------------------------------------------


def offer_new_lead(
    session: Session,
    policy: Policy,
    route: Route,
    lead_id: int,
    values: dict[str, Any],
    now: datetime,
) -> dict[str, Any] | None:
    """Offer a new lead of an offer route to the first available rep: what that changed of
    its row (no claim deadline while it is offered); None when nobody is available."""
    if not _offer(session, policy, route, lead_id, values["sla_round"], 1, [], now):
        return None
    changes = {"claim_due_at": None}
    session.execute(update(LEADS_TABLE).where(LEADS_TABLE.c.id == lead_id).values(changes))
    return changes


def _offer(
    session: Session,
    policy: Policy,
    route: Route,
    lead_id: int,
    sla_round: int,
    number: int,
    offered: Iterable[str],
    now: datetime,
) -> bool:
    """Offer the lead to the next available rep who has not had it; False if nobody is."""
    turn = Turn(session, policy, route, now)
    choice = turn.next(offered=offered)
    if choice.user is not None:
        turn.gave(choice.user, now)
    turn.save()
    if choice.user is None:
        tell_nobody_available(session, policy, route, choice, now)
        return False
    due = policy.calendar_for(route).add(now, route.assign.offer_window)
    offer_id = record(
        session,
        lead_id=lead_id,
        route=route,
        user=choice.user,
        kind=AssignKind.OFFERED,
        number=number,
        now=now,
        due_at=due,
    )
    sla.add_due_work(session, [sla.PlannedDue(lead_id, str(Clock.OFFER), sla_round, number, due)])
    record_event(
        session,
        "offered",
        lead_id=lead_id,
        route=route.name,
        actor=SYSTEM,
        at=now,
        detail={
            "to": choice.user,
            "number": number,
            "of": route.assign.offers_at_most,
            "due_at": due.isoformat(),
        },
        announce=Announce.CARD_AND_THREAD,
    )
    dm = outbox.message(Intent.OFFER, now, lead_id=lead_id, user=choice.user, offer=offer_id)
    outbox.queue(session, dm)
    return True


def _next(session: Session, policy: Policy, route: Route, lead: Lead, now: datetime) -> None:
    """After a pass or an expiry: the next rep, or the channel."""
    offered = offered_to(session, lead.id)
    number = len(offered) + 1
    if number > route.assign.offers_at_most:
        _to_channel(session, policy, route, lead, now, "max_offers", len(offered))
    elif not _offer(session, policy, route, lead.id, lead.sla_round, number, offered, now):
        _to_channel(session, policy, route, lead, now, "nobody", len(offered))


def _to_channel(
    session: Session,
    policy: Policy,
    route: Route,
    lead: Lead,
    now: datetime,
    why: str,
    offers: int,
) -> None:
    """Nobody took the lead: it waits in the channel for Claim, its claim clock from now."""
    calendar = policy.calendar_for(route)
    lead.claim_due_at = sla.deadline(route, calendar, Clock.CLAIM, now)
    session.flush()
    sla.start_clock(
        session,
        route,
        calendar,
        lead_id=lead.id,
        clock=Clock.CLAIM,
        sla_round=lead.sla_round,
        due=lead.claim_due_at,
        now=now,
    )
    record_event(
        session,
        "offers_ended",
        lead_id=lead.id,
        route=lead.route,
        actor=SYSTEM,
        at=now,
        detail={"why": why, "offers": offers},
    )


# --- answers ---------------------------------------------------------------------------


def accept(
    session: Session, policy: Policy, route: Route, lead: Lead, user: str, now: datetime
) -> None:
    """`user` takes the lead offered to them (its row locked by the caller)."""
    offer = _answer(session, lead, user, Answer.ACCEPTED, now)
    calendar = policy.calendar_for(route)
    lead.status = LeadStatus.CLAIMED
    lead.owner_id = user
    lead.claimed_at = now
    lead.sla_round += 1
    lead.first_touch_due_at = sla.deadline(route, calendar, Clock.FIRST_TOUCH, now)
    sla.cancel_pending(session, lead.id, now)  # the offer's deadline
    sla.start_clock(
        session,
        route,
        calendar,
        lead_id=lead.id,
        clock=Clock.FIRST_TOUCH,
        sla_round=lead.sla_round,
        due=lead.first_touch_due_at,
        now=now,
    )
    record_event(
        session,
        "claimed",
        lead_id=lead.id,
        route=lead.route,
        actor=user,
        at=now,
        detail={"owner": user, "offer": offer.number},
        times=LeadTimes.of(lead),
    )


def pass_offer(
    session: Session,
    policy: Policy,
    route: Route,
    lead: Lead,
    user: str,
    now: datetime,
    *,
    reason: str | None = None,
    note: str | None = None,
) -> None:
    """`user` passes: the lead is offered to the next rep, or goes to the channel."""
    offer = _answer(session, lead, user, Answer.PASSED, now, reason=reason, note=note)
    sla.cancel_pending(session, lead.id, now, Clock.OFFER)
    record_event(
        session,
        "offer_passed",
        lead_id=lead.id,
        route=lead.route,
        actor=user,
        at=now,
        detail={"number": offer.number, "reason": reason, "note": note},
        announce=Announce.THREAD,
    )
    _next(session, policy, route, lead, now)


def expire(session: Session, policy: Policy, row: DueWork, lead: Lead, now: datetime) -> bool:
    """An offer's deadline fell due (bot.leads.due_work): if that offer still waits, it
    expires and the lead moves on. False when there was nothing to do."""
    route = policy.route_of_lead(lead.route)
    done = session.execute(
        update(ASSIGNMENTS_TABLE)
        .where(
            ASSIGNMENTS_TABLE.c.lead_id == lead.id,
            ASSIGNMENTS_TABLE.c.number == row.level,
            ASSIGNMENTS_TABLE.c.answer.is_(None),
        )
        .values(answer=str(Answer.EXPIRED), answered_at=now)
        .returning(ASSIGNMENTS_TABLE.c.user_id)
    ).first()
    if done is None:
        return False
    record_event(
        session,
        "offer_expired",
        lead_id=lead.id,
        route=lead.route,
        actor=SYSTEM,
        at=now,
        detail={"number": row.level, "to": done.user_id},
        announce=Announce.THREAD,
    )
    if lead.lead_status is LeadStatus.UNCLAIMED and route is not None:
        _next(session, policy, route, lead, now)
    return True


_WITHDRAW = (
    update(ASSIGNMENTS_TABLE)
    .where(
        ASSIGNMENTS_TABLE.c.lead_id == bindparam("lead"),
        ASSIGNMENTS_TABLE.c.kind == str(AssignKind.OFFERED),
        ASSIGNMENTS_TABLE.c.answer.is_(None),
    )
    .values(answer=str(Answer.WITHDRAWN), answered_at=bindparam("now"))
)


def withdraw(session: Session, lead_id: int, now: datetime, *, at_commit: bool = False) -> None:
    """The lead went elsewhere (claimed, reassigned, moved on by the CRM): a waiting
    offer of it ends. `at_commit`: held to the commit (a CRM's stage updates)."""
    params = {"lead": lead_id, "now": now}
    if at_commit:
        update_at_commit(session, _WITHDRAW, params)
    else:
        session.execute(_WITHDRAW, params)


def offer_for(session: Session, lead: Lead, user: str) -> Assignment:
    """The offer of `lead` waiting for `user`'s answer; OfferGone saying why there is none."""
    if lead.lead_status is not LeadStatus.UNCLAIMED:
        raise OfferGone("error.offer_taken", lead_id=lead.id)
    offer = waiting_offer(session, lead.id)
    if offer is None or offer.user_id != user:
        if user in offered_to(session, lead.id):
            raise OfferGone("error.offer_moved_on", lead_id=lead.id)
        raise OfferGone("error.offer_not_yours", lead_id=lead.id)
    return offer


def _answer(
    session: Session,
    lead: Lead,
    user: str,
    answer: Answer,
    now: datetime,
    **values: str | None,
) -> Assignment:
    """Compare-and-set the lead's waiting offer to `user` to `answer`, or refuse."""
    offer = offer_for(session, lead, user)
    changed = session.execute(
        update(ASSIGNMENTS_TABLE)
        .where(ASSIGNMENTS_TABLE.c.id == offer.id, ASSIGNMENTS_TABLE.c.answer.is_(None))
        .values(answer=str(answer), answered_at=now, **values)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        raise OfferGone("error.offer_moved_on", lead_id=lead.id)
    return offer


def waiting_for(session: Session, user: str) -> list[Assignment]:
    """The offers waiting for `user`'s answer, oldest first (App Home)."""
    return list(
        session.scalars(
            select(Assignment)
            .join(Lead, Lead.id == Assignment.lead_id)
            .where(
                Assignment.user_id == user,
                Assignment.kind == AssignKind.OFFERED,
                Assignment.answer.is_(None),
                Lead.status == LeadStatus.UNCLAIMED,
            )
            .order_by(Assignment.id)
        )
    )


def offer_count(session: Session, lead_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.lead_id == lead_id)
        )
        or 0
    )
