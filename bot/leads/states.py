"""A lead's states and the state machine: which action may start from which state.

An illegal transition raises a typed `DomainError` a user can read (bot.leads.lifecycle
checks it under the lead's row lock).
"""

from __future__ import annotations

import enum

from bot.store.models import LeadStatus

S = LeadStatus


class Action(enum.StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    TOUCH = "touch"
    OUTCOME = "outcome"
    REASSIGN = "reassign"
    SNOOZE = "snooze"


class Outcome(enum.StrEnum):
    """What a rep may record from the card, and a CRM may report (bot.leads.funnel)."""

    MEETING_BOOKED = "meeting_booked"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"
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

# Why a deal was lost (a lost lead's reason); `other` wants a note.
LOST_REASONS = ("price", "competitor", "no_decision", "timing", "product_fit", "other")

WORKED = (S.CLAIMED, S.CONTACTED, S.MEETING_BOOKED)  # owned, not yet an opportunity
OWNED = (*WORKED, S.OPPORTUNITY)
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
    Outcome.OPPORTUNITY: WORKED,
    Outcome.WON: OWNED,
    Outcome.LOST: OWNED,
    # An opportunity that goes nowhere is lost, not disqualified or sent back.
    Outcome.DISQUALIFIED: WORKED,
    Outcome.RETURNED: WORKED,
}
