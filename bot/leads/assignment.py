"""Giving and offering a lead to the rep a route's turn chose (bot.leads.turn), and
placing a new lead of a round_robin route at hand-off.

The leads one group commit hands off into a round_robin pool are given just before the
commit, all in one turn of the pool (`give_at_commit`): the route's turn row is locked
for those few statements only, not while the group's other hand-offs are written, and
what the choices write is held to the commit with the group's other rows. So two
processes handing off into one pool wait for each other only that long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from bot.core.policy import Policy, Route
from bot.leads import sla
from bot.leads.timeline import Announce, LeadTimes, record_event
from bot.leads.turn import Choice, Turn
from bot.store import outbox
from bot.store.assignment_models import ASSIGNMENTS_TABLE, AssignKind, Assignment
from bot.store.database import before_commit, insert_at_commit, update_at_commit
from bot.store.models import LEADS_TABLE, Clock, LeadStatus
from bot.store.outbox import Intent

SYSTEM = "system"


def record(
    session: Session,
    *,
    lead_id: int,
    route: Route,
    user: str,
    kind: AssignKind,
    number: int,
    now: datetime,
    due_at: datetime | None = None,
) -> int:
    """Write that `lead_id` was given or offered to `user` (right after a turn chose
    them and counted it: `Turn.gave`); the assignment's id."""
    row = _assignment(lead_id, route, user, kind, number, now, due_at)
    returning = insert(ASSIGNMENTS_TABLE).returning(ASSIGNMENTS_TABLE.c.id)
    return session.execute(returning, row).scalar_one()


def _assignment(
    lead_id: int,
    route: Route,
    user: str,
    kind: AssignKind,
    number: int,
    now: datetime,
    due_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "route": route.name,
        "user_id": user,
        "kind": str(kind),
        "number": number,
        "at": now,
        "due_at": due_at,
    }


def offered_to(session: Session, lead_id: int) -> list[str]:
    """Everyone `lead_id` has been offered to, in order."""
    return list(
        session.scalars(
            select(Assignment.user_id).where(Assignment.lead_id == lead_id).order_by(Assignment.id)
        )
    )


def tell_nobody_available(
    session: Session, policy: Policy, route: Route, choice: Choice, now: datetime
) -> None:
    """Once until someone is available again: managers learn why the pool took no lead."""
    if not choice.tell_managers:
        return
    reasons: dict[str, list[str]] = {}
    for state in choice.states:
        if state.why_not is not None:
            reasons.setdefault(str(state.why_not), []).append(f"<@{state.user}>")
    lines: list[dict[str, Any]] = [
        {"key": "assign.nobody_available", "params": {"route": route.name}}
    ]
    lines += [
        {"key": f"assign.why_not.{why}", "params": {"users": ", ".join(users)}}
        for why, users in reasons.items()
    ]
    if not choice.states:
        lines.append({"key": "assign.pool_empty", "params": {}})
    outbox.queue(
        session,
        *(
            outbox.message(Intent.NOTICE, now, to=manager, lines=lines)
            for manager in policy.roles.managers
        ),
    )


# --- a new lead ----------------------------------------------------------------------


_TO_GIVE = "baton.leads_to_give"


@dataclass(eq=False)
class _NewLead:
    route: Route
    lead_id: int
    values: dict[str, Any]
    touch_due: datetime  # its first touch is due then, once given
    claim_clock: list[sla.PlannedDue]  # its due work if it is left to Claim
    placed: dict[str, Any] = field(default_factory=dict)


def give_at_commit(
    session: Session,
    policy: Policy,
    route: Route,
    lead_id: int,
    values: dict[str, Any],
    claim_clock: list[sla.PlannedDue],
) -> dict[str, Any]:
    """Give a new lead of a round_robin route to the next available rep just before the
    transaction commits (the module's docstring says why). What that changes of its row,
    in a dict filled at the commit: empty when nobody was available and the lead waits
    in the channel for Claim, with its claim clock (`claim_clock`) running.

    The first-touch clock, which does not depend on who is given the lead, is planned
    now, with the hand-off's other rows: it goes in before the pool's turn is locked,
    and the turn holds the lock for fewer statements. A lead nobody can take has it
    cancelled again (rare: a pool with nobody available)."""
    now = values["created_at"]
    calendar = policy.calendar_for(route)
    touch_due = sla.deadline(route, calendar, Clock.FIRST_TOUCH, now)
    sla.start_clock(
        session,
        route,
        calendar,
        lead_id=lead_id,
        clock=Clock.FIRST_TOUCH,
        sla_round=values["sla_round"],
        due=touch_due,
        now=now,
        at_commit=True,
    )
    lead = _NewLead(route, lead_id, values, touch_due, claim_clock)
    session.info.setdefault(_TO_GIVE, []).append(lead)
    before_commit(session, _TO_GIVE, partial(_give_held, policy=policy))
    return lead.placed


def _give_held(session: Session, policy: Policy) -> None:
    """Each route's held leads, in the order they were handed off, in one turn."""
    by_route: dict[str, list[_NewLead]] = {}
    for lead in session.info.pop(_TO_GIVE, []):
        by_route.setdefault(lead.route.name, []).append(lead)
    for leads in by_route.values():
        route = leads[0].route
        turn = Turn(session, policy, route, leads[-1].values["created_at"])
        for lead in leads:
            choice = turn.next()
            if choice.user is None:
                tell_nobody_available(session, policy, route, choice, turn.now)
                sla.cancel_pending(session, lead.lead_id, turn.now, Clock.FIRST_TOUCH)
                sla.add_due_work(session, lead.claim_clock, at_commit=True)
                continue
            turn.gave(choice.user, lead.values["created_at"])
            lead.placed.update(_give(session, lead, choice.user))
        turn.save(at_commit=True)


# The lead's row once given (parameters named apart from the columns they set).
_OWNED = (
    update(LEADS_TABLE)
    .where(LEADS_TABLE.c.id == bindparam("g_lead"))
    .values(
        status=str(LeadStatus.CLAIMED),
        owner_id=bindparam("g_owner"),
        claimed_at=bindparam("g_at"),
        first_touch_due_at=bindparam("g_touch_due"),
    )
)


def _give(session: Session, lead: _NewLead, owner: str) -> dict[str, Any]:
    """What giving `lead` to `owner` changes of its row; every write held to the commit,
    after the hand-off's own (its event, then this one; its card, then the owner's DM)."""
    route, now, touch_due = lead.route, lead.values["created_at"], lead.touch_due
    params = {"g_lead": lead.lead_id, "g_owner": owner, "g_at": now, "g_touch_due": touch_due}
    update_at_commit(session, _OWNED, params)
    row = _assignment(lead.lead_id, route, owner, AssignKind.ASSIGNED, 1, now)
    insert_at_commit(session, ASSIGNMENTS_TABLE, [row])
    record_event(
        session,
        "claimed",
        lead_id=lead.lead_id,
        route=route.name,
        actor=SYSTEM,
        at=now,
        detail={"owner": owner, "assigned": "round_robin"},
        times=LeadTimes(now, now, None),
        announce=Announce.NOTHING,  # the new card shows its owner
        at_commit=True,
    )
    dm = outbox.message(Intent.ASSIGNED, now, lead_id=lead.lead_id, user=owner, by=SYSTEM)
    outbox.queue(session, dm, at_commit=True)
    return {
        "status": LeadStatus.CLAIMED,
        "owner_id": owner,
        "claimed_at": now,
        "first_touch_due_at": touch_due,
    }
