"""The lead card: who and what the lead is, where it stands, and the buttons for its state.

`lead_card` is the message posted to the route's channel (and re-rendered in place on
every change); `lead_summary` is the same picture without buttons, for DMs and reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core.i18n import t
from bot.slack.ids import ActionId, BlockId
from bot.slack.render import Message, to_dicts
from bot.slack.render.handed_over import handed_over_blocks
from bot.slack.render.text import (
    BUTTON_TEXT,
    CONTEXT_TEXT,
    FIELD_TEXT,
    HEADER_TEXT,
    SECTION_TEXT,
    fit,
    money,
    one_line,
    parts,
    slack_date,
    units,
    who,
)
from bot.store.models import Lead, LeadStatus

S = LeadStatus
# Room left in a field for its bold label and line break.
_FIELD_VALUE = FIELD_TEXT - 200
_STATUS_ICON = {
    S.UNCLAIMED: "⏳",
    S.CLAIMED: "🙋",
    S.CONTACTED: "📞",
    S.MEETING_BOOKED: "📅",
    S.OPPORTUNITY: "💼",
    S.WON: "🏆",
    S.LOST: "🥀",
    S.DISQUALIFIED: "🚫",
    S.RETURNED: "↩️",
}


@dataclass(frozen=True)
class Placement:
    """How a lead of a route that assigns its leads stands with the pool (the card sender
    reads it): offered to someone now, or given to its owner in turn."""

    offered_to: str | None = None
    number: int = 0  # the offer's number, of `of`
    of: int = 0
    accept_by: datetime | None = None
    round_robin: bool = False


def lead_name(lead: Lead, locale: str) -> str:
    """How a lead is called in one line (raw text): its contact person, a customer
    (「中村 彩 様」), else its email or company."""
    if lead.erased_at is not None:
        return t("privacy.erased_name", locale)
    if lead.name and lead.name.strip():
        return t("who.customer", locale, name=lead.name)
    for value in (lead.email, lead.company):
        if value and value.strip():
            return value
    return t("card.no_name", locale)


def lead_card(
    lead: Lead, *, locale: str, tz: ZoneInfo, placement: Placement | None = None
) -> Message:
    """The card in the channel: the lead, its state, and the buttons its state allows
    (none while it is offered to one rep)."""
    blocks = lead_blocks(lead, locale, tz, sent=True, placement=placement)
    offered = placement is not None and placement.offered_to is not None
    buttons = [] if offered else _buttons(lead, locale)
    if buttons:
        blocks.append(ActionsBlock(block_id=BlockId.CARD_ACTIONS, elements=buttons))
    return Message(text=card_text(lead, locale), blocks=to_dicts(blocks))


def lead_summary(lead: Lead, *, locale: str, tz: ZoneInfo) -> list[dict[str, Any]]:
    """The card's blocks without buttons, for an escalation DM or a report (8 blocks at most)."""
    return to_dicts(lead_blocks(lead, locale, tz))


def card_text(lead: Lead, locale: str) -> str:
    """The notification text of a card."""
    return t(
        "card.text",
        locale,
        lead_id=lead.id,
        name=one_line(lead_name(lead, locale), 200),
        status=t(f"status.{lead.status}", locale),
    )


def status_line(
    lead: Lead, *, locale: str, tz: ZoneInfo, placement: Placement | None = None
) -> str:
    """Where the lead stands, in one mrkdwn line (owner, deadlines, outcome)."""
    status = lead.lead_status
    icon = _STATUS_ICON.get(status, "•")
    owner = who(lead.owner_id, locale)
    if status is S.UNCLAIMED and placement is not None and placement.offered_to:
        due = _date(placement.accept_by, tz, locale)
        offered = who(placement.offered_to, locale)
        line = t(
            "card.state.offered",
            locale,
            owner=offered,
            number=placement.number,
            of=placement.of,
            due=due,
        )
        return f"{icon} {line}"
    if status is S.UNCLAIMED:
        if lead.claim_due_at is None:
            return f"{icon} {t('card.state.unclaimed', locale)}"
        due = slack_date(lead.claim_due_at, tz, locale=locale)
        return f"{icon} {t('card.state.unclaimed_due', locale, due=due)}"
    claimed_at = _date(lead.claimed_at, tz, locale)
    if status is S.CLAIMED:
        if lead.first_touch_due_at is None:
            return f"{icon} {t('card.state.claimed_no_due', locale, owner=owner, at=claimed_at)}"
        due = slack_date(lead.first_touch_due_at, tz, locale=locale)
        line = t("card.state.claimed", locale, owner=owner, at=claimed_at, due=due)
        return f"{icon} {line}"
    if status is S.CONTACTED:
        touched = _date(lead.first_touch_at, tz, locale)
        return f"{icon} {t('card.state.contacted', locale, owner=owner, at=claimed_at, touched=touched)}"
    outcome_at = _date(lead.outcome_at, tz, locale)
    if status is S.DISQUALIFIED:
        reason = t(f"reason.{lead.disqualify_reason or 'other'}", locale)
        line = t("card.state.disqualified", locale, owner=owner, reason=reason, at=outcome_at)
        return f"{icon} {line}"
    if status is S.WON and lead.amount is not None:
        amount = money(lead.amount, lead.currency, locale)
        return f"{icon} {t('card.state.won_amount', locale, owner=owner, at=outcome_at, amount=amount)}"
    if status is S.LOST and lead.lost_reason:
        reason = t(f"lost_reason.{lead.lost_reason}", locale)
        return f"{icon} {t('card.state.lost_reason', locale, owner=owner, at=outcome_at, reason=reason)}"
    key = {
        S.WON: "card.state.won",
        S.LOST: "card.state.lost",
        S.MEETING_BOOKED: "card.state.meeting_booked",
        S.OPPORTUNITY: "card.state.opportunity",
        S.RETURNED: "card.state.returned",
    }[status]
    return f"{icon} {t(key, locale, owner=owner, at=outcome_at)}"


def _date(at: datetime | None, tz: ZoneInfo, locale: str) -> str:
    return slack_date(at, tz, locale=locale) if at is not None else "—"


def lead_blocks(
    lead: Lead,
    locale: str,
    tz: ZoneInfo,
    *,
    sent: bool = False,
    placement: Placement | None = None,
) -> list[Block]:
    """Header, fields, reason, state and context: the card without its buttons; with
    `sent`, also what marketing sent after the reason (notes, fields, CRM link)."""
    title = t("card.header", locale, lead_id=lead.id, name=lead_name(lead, locale))
    blocks: list[Block] = [HeaderBlock(text=one_line(title, HEADER_TEXT, mrkdwn=False))]
    fields = _fields(lead, locale)
    if fields:
        blocks.append(SectionBlock(fields=fields))
    if lead.reason and lead.reason.strip():
        label = t("card.field.reason", locale)
        text = f"*{label}*\n{fit(lead.reason, SECTION_TEXT - 100)}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    if sent:
        blocks += handed_over_blocks(lead, locale)
    state = status_line(lead, locale=locale, tz=tz, placement=placement)
    if lead.outcome_note and lead.outcome_note.strip() and lead.lead_status.is_closed:
        state += "\n>" + fit(lead.outcome_note, 1500).replace("\n", "\n>")
    blocks.append(SectionBlock(text=MarkdownTextObject(text=state)))
    context = _context(lead, locale, tz, placement)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=context)]))
    return blocks


def _fields(lead: Lead, locale: str) -> list[MarkdownTextObject]:
    source = parts([v for v in (lead.source, lead.campaign) if v and v.strip()], locale)
    score = f"{lead.score:g}" if lead.score is not None else None
    segment = parts([v for v in (lead.segment, lead.region) if v and v.strip()], locale)
    pairs = [
        ("card.field.company", lead.company),
        ("card.field.title", lead.title),
        ("card.field.email", lead.email),
        ("card.field.phone", lead.phone),
        ("card.field.source", source),
        ("card.field.score", score),
        ("card.field.segment", segment),
        ("card.field.route", lead.route),
    ]
    return [
        MarkdownTextObject(text=f"*{t(key, locale)}*\n{fit(value, _FIELD_VALUE)}")
        for key, value in pairs
        if value is not None and str(value).strip()
    ]


def _context(lead: Lead, locale: str, tz: ZoneInfo, placement: Placement | None) -> str:
    handed_off = slack_date(lead.created_at, tz, locale=locale)
    pieces = [
        t("card.context.handed_off", locale, who=who(lead.handed_off_by, locale), at=handed_off)
    ]
    if placement is not None and placement.round_robin:
        pieces.append(t("card.context.round_robin", locale))
    if lead.snoozed_until is not None and not lead.lead_status.is_closed:
        until = slack_date(lead.snoozed_until, tz, locale=locale)
        pieces.append(t("card.context.snoozed", locale, until=until))
    return fit_joined(pieces, CONTEXT_TEXT, t("sep.parts", locale))


def fit_joined(pieces: list[str], limit: int, sep: str = " · ") -> str:
    """Join already-safe mrkdwn pieces with `sep`, leaving out the tail that does not fit."""
    out = ""
    for piece in pieces:
        candidate = f"{out}{sep}{piece}" if out else piece
        if units(candidate) > limit:
            break
        out = candidate
    return out


def _buttons(lead: Lead, locale: str) -> list[ButtonElement]:
    value = str(lead.id)
    status = lead.lead_status

    def button(action: ActionId, style: str | None = None, **extra: Any) -> ButtonElement:
        text = one_line(t(f"card.button.{action}", locale), BUTTON_TEXT, mrkdwn=False)
        return ButtonElement(text=text, action_id=action, value=value, style=style, **extra)

    if status is S.UNCLAIMED:
        return [button(ActionId.CLAIM, "primary")]
    buttons: list[ButtonElement] = []
    if status is S.CLAIMED:
        buttons.append(button(ActionId.TOUCH, "primary"))
    if status in (S.CLAIMED, S.CONTACTED):
        confirm = ConfirmObject(
            title=PlainTextObject(text=t("card.release.confirm_title", locale)),
            text=MarkdownTextObject(text=t("card.release.confirm_text", locale, lead_id=lead.id)),
            confirm=PlainTextObject(text=t("card.release.confirm", locale)),
            deny=PlainTextObject(text=t("card.release.deny", locale)),
        )
        buttons.append(button(ActionId.RELEASE, confirm=confirm))
    if status.is_owned:
        buttons.append(button(ActionId.OUTCOME))
    return buttons
