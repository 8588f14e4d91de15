"""Hand-offs by a person in Slack: who may, and what a submitted /handoff modal does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bot.core.errors import InvalidInput, NotAllowed
from bot.intake import modal
from bot.intake.schema import field_problems, validate_lead
from bot.leads.handoff import NoRoute
from bot.leads.lifecycle import LeadService
from bot.store.models import LeadStatus

SLACK_SOURCE = "slack"


@dataclass(frozen=True)
class Submission:
    """What to answer Slack: field errors to show under the inputs, or a view to show."""

    errors: dict[str, str] | None = None
    view: dict[str, Any] | None = None


def open_handoff(leads: LeadService, user_id: str, locale: str, text: str = "") -> dict[str, Any]:
    """The view to open for `user_id` (who reads `locale`): the form, or why they cannot
    use it."""
    policy = leads.policy
    if not policy.may_hand_off(user_id):
        return modal.not_allowed_view(locale)
    return modal.handoff_modal(policy, locale, initial=modal.initial_values(text))


def handoff_again(leads: LeadService, user_id: str, locale: str, lead_id: int) -> dict[str, Any]:
    """The form filled in with a lead sales returned, for someone who may hand off (else
    a DomainError, told to them as a note). Submitted, it is a new hand-off like any
    other: a new lead, and the returned one stays as it is."""
    if not leads.policy.may_hand_off(user_id):
        raise NotAllowed("intake.not_a_marketer")
    lead = leads.get(lead_id)  # LeadNotFound for an id Baton never gave
    if lead.lead_status is not LeadStatus.RETURNED:
        raise InvalidInput("feedback.not_returned", lead_id=lead.id)
    return modal.handoff_modal(leads.policy, locale, initial=modal.lead_values(lead))


def submit_handoff(
    leads: LeadService, user_id: str, values: Mapping[str, Any], locale: str
) -> Submission:
    """Validate the modal the way the webhook validates a body, then hand the lead off.

    The marketer is sent a direct message with the card's link once delivery has
    posted the card (the card goes out asynchronously, through the outbox).
    """
    policy = leads.policy
    if not policy.may_hand_off(user_id):
        return Submission(view=modal.not_allowed_view(locale))
    try:
        payload = validate_lead(modal.read_state(values))
    except ValidationError as exc:
        return Submission(errors=modal.errors_for_blocks(field_problems(exc, locale)))
    try:
        result = leads.hand_off(
            payload.to_lead_input(SLACK_SOURCE), actor=user_id, receipt_to=user_id
        )
    except NoRoute as exc:
        return Submission(errors={modal.Field.SEGMENT.value: exc.message(locale)})
    if result.created:
        return Submission(view=modal.handed_off_view(policy, result.lead, locale))
    return Submission(view=modal.duplicate_view(policy, result.lead, locale))
