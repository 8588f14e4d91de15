"""Where a lead of an assigning route stands with its pool, as its card shows it: offered
to one rep now (no Claim button), or given to its owner in turn (round robin)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.policy import Policy
from bot.leads.offers import waiting_offer
from bot.slack.render.card import Placement
from bot.store.assignment_models import AssignKind, Assignment
from bot.store.models import Lead, LeadStatus


def placement_of(session: Session, lead: Lead, policy: Policy) -> Placement | None:
    """None for a lead of a Claim route (most leads: no query)."""
    route = policy.route_of_lead(lead.route)
    if route is None or not route.assign.assigns:
        return None
    if lead.lead_status is LeadStatus.UNCLAIMED:
        offer = waiting_offer(session, lead.id)
        if offer is None:
            return Placement()
        return Placement(offer.user_id, offer.number, route.assign.offers_at_most, offer.due_at)
    given = session.scalar(
        select(Assignment.id).where(
            Assignment.lead_id == lead.id,
            Assignment.kind == AssignKind.ASSIGNED,
            Assignment.user_id == lead.owner_id,
        )
    )
    return Placement(round_robin=given is not None)
