"""Where a new lead goes at hand-off, by its route's `assign:` mode: to the channel for
the first rep to Claim (claim), to the next available rep (round_robin), or offered to
one (offer). bot.leads.handoff calls this in the hand-off's transaction, once the lead's
row, its hand-off event and its card are written or held."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.core.policy import Policy, Route
from bot.leads import assignment, offers, sla


def place_new_lead(
    session: Session,
    policy: Policy,
    route: Route,
    lead_id: int,
    values: dict[str, Any],
    claim_clock: list[sla.PlannedDue],
    now: datetime,
) -> dict[str, Any]:
    """What placing the lead changes of its row (`values`): for round robin, known once
    the transaction commits (bot.leads.assignment.give_at_commit). A lead left to Claim
    in the channel, by its route or because nobody could take it, gets its claim clock
    (`claim_clock`, its due work)."""
    if route.assign.mode == "round_robin":
        return assignment.give_at_commit(session, policy, route, lead_id, values, claim_clock)
    if route.assign.mode == "offer":
        placed = offers.offer_new_lead(session, policy, route, lead_id, values, now)
        if placed is not None:
            return placed
    sla.add_due_work(session, claim_clock, at_commit=True)
    return {}
