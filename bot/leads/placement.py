"""Where a new lead goes at hand-off, by its route's `assign:` mode: to the channel for
the first rep to Claim (claim), to the next available rep (round_robin), or offered to
one (offer). bot.leads.handoff calls this in the hand-off's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.core.policy import Policy, Route
from bot.leads import assignment, offers


def place_new_lead(
    session: Session,
    policy: Policy,
    route: Route,
    lead_id: int,
    values: dict[str, Any],
    now: datetime,
) -> dict[str, Any] | None:
    """What placing the lead changed of its row (`values`); None when it is left to Claim
    in the channel (the caller then starts its claim clock)."""
    if route.assign.mode == "round_robin":
        return assignment.give_new_lead(session, policy, route, lead_id, values, now)
    if route.assign.mode == "offer":
        return offers.offer_new_lead(session, policy, route, lead_id, values, now)
    return None
