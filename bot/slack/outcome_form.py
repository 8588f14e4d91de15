"""The outcome modal as submitted: its values read from Slack's view state, and checked
(a reason where the outcome needs one, a note for "other" and for a return, an amount
only for a won deal) before anything is saved (bot.slack.service.submit_outcome)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.leads.funnel import MAX_AMOUNT
from bot.leads.states import DISQUALIFY_REASONS, LOST_REASONS, Outcome
from bot.slack.ids import BlockId, InputId
from bot.slack.render.outcome import LOST_PREFIX, NOTE_MAX


@dataclass(frozen=True)
class OutcomeForm:
    """The values of a submitted outcome modal, as Slack sent them."""

    lead: str
    outcome: str | None
    reason: str | None
    note: str | None
    amount: str | None = None


@dataclass(frozen=True)
class CheckedOutcome:
    """A submitted outcome modal read and checked: catalog keys of its errors by block
    id, or the values to save."""

    errors: dict[str, str]
    reason: str | None = None
    note: str | None = None
    amount: Decimal | None = None


def check_outcome_form(form: OutcomeForm) -> CheckedOutcome:
    errors: dict[str, str] = {}
    note = (form.note or "").strip() or None
    reason, lost = form.reason, False
    if reason and reason.startswith(LOST_PREFIX):
        reason, lost = reason.removeprefix(LOST_PREFIX), True
    amount = _amount(form.amount)
    if form.outcome not in {o.value for o in Outcome}:
        errors[BlockId.OUTCOME_KIND] = "outcome.error.choose"
    elif form.outcome == Outcome.DISQUALIFIED:
        if not reason:
            errors[BlockId.OUTCOME_REASON] = "outcome.error.reason_required"
        elif lost:
            errors[BlockId.OUTCOME_REASON] = "outcome.error.reason_for_disqualified"
        elif reason not in DISQUALIFY_REASONS:
            errors[BlockId.OUTCOME_REASON] = "outcome.error.reason_unknown"
        elif reason == "other" and not note:
            errors[BlockId.OUTCOME_NOTE] = "outcome.error.note_for_other"
    elif form.outcome == Outcome.LOST and reason:
        if not lost:
            errors[BlockId.OUTCOME_REASON] = "outcome.error.reason_for_lost"
        elif reason not in LOST_REASONS:
            errors[BlockId.OUTCOME_REASON] = "outcome.error.reason_unknown"
        elif reason == "other" and not note:
            errors[BlockId.OUTCOME_NOTE] = "outcome.error.note_for_other"
    elif form.outcome == Outcome.RETURNED and not note:
        errors[BlockId.OUTCOME_NOTE] = "outcome.error.note_for_return"
    if form.amount and amount is None:
        errors[BlockId.OUTCOME_AMOUNT] = "outcome.error.amount"
    elif amount is not None and form.outcome != Outcome.WON:
        errors[BlockId.OUTCOME_AMOUNT] = "outcome.error.amount_not_won"
    if note and len(note) > NOTE_MAX:
        errors[BlockId.OUTCOME_NOTE] = "outcome.error.note_too_long"
    if form.outcome not in (Outcome.DISQUALIFIED, Outcome.LOST):
        reason = None
    return CheckedOutcome(errors, reason, note, amount)


def _amount(text: str | None) -> Decimal | None:
    """A typed amount ("1200000", "1,200,000", "1200000.5"); None if it is not one."""
    cleaned = (text or "").replace(",", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        return None
    return amount.quantize(Decimal("0.01"))


def outcome_form(
    private_metadata: str, values: dict[str, dict[str, dict[str, Any]]]
) -> OutcomeForm:
    """Read the outcome modal's state values (block id -> action id -> value)."""

    def picked(block: str, action: str) -> str | None:
        element = values.get(block, {}).get(action) or {}
        option = element.get("selected_option") or {}
        return option.get("value")

    def typed(block: str, action: str) -> str | None:
        return (values.get(block, {}).get(action) or {}).get("value")

    return OutcomeForm(
        lead=private_metadata,
        outcome=picked(BlockId.OUTCOME_KIND, InputId.OUTCOME_KIND),
        reason=picked(BlockId.OUTCOME_REASON, InputId.OUTCOME_REASON),
        note=typed(BlockId.OUTCOME_NOTE, InputId.OUTCOME_NOTE),
        amount=typed(BlockId.OUTCOME_AMOUNT, InputId.OUTCOME_AMOUNT),
    )
