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
