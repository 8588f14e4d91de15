"""What marketing is told when sales disqualifies, returns or loses a lead: the lead, what
happened and why, the rep's note, who did it and the card; a returned lead's message
offers to hand it off again. Pure, so it can be checked without Slack."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.i18n import t
from bot.slack.ids import ActionId
from bot.slack.render import Message, to_dicts
from bot.slack.render.sla_text import lead_name
from bot.slack.render.text import FIELD_TEXT, clean, fit, one_line, who
from bot.store.models import Lead, LeadStatus

CRM_ACTOR = "crm"  # bot.intake.stage's actor, which this layer may not import
NOTE_LIMIT = 2000  # the outcome modal's own limit; a CRM's longer note is cut
# Each quoted line costs a ">": with the note's 2,000 characters the section stays
# within Slack's 3,000 however many line breaks the note has.
NOTE_LINES = 40


def reason_text(lead: Lead, locale: str) -> str | None:
    """The reason code in words (`reason.<code>`, `lost_reason.<code>`), if there is one."""
    if lead.lead_status is LeadStatus.DISQUALIFIED and lead.disqualify_reason:
        return t(f"reason.{lead.disqualify_reason}", locale)
    if lead.lead_status is LeadStatus.LOST and lead.lost_reason:
        return t(f"lost_reason.{lead.lost_reason}", locale)
    return None


def quoted(note: str) -> str:
    """A note as a mrkdwn quote, every line of it (a quote ends at a line break); lines
    past the 40th are run together into the last."""
    lines = clean(note).strip().split("\n")
    if len(lines) > NOTE_LINES:
        lines = [*lines[: NOTE_LINES - 1], " ".join(lines[NOTE_LINES - 1 :])]
    return "\n".join(f">{line}" for line in fit("\n".join(lines), NOTE_LIMIT).split("\n"))


def feedback_message(
    lead: Lead,
    *,
    actor: str,
    locale: str,
    permalink: str | None,
    channel: str | None,
) -> Message:
    """The message for `lead` (disqualified, returned or lost) by `actor`. `permalink`:
    the card's link; without it, the card's `channel` is named instead."""
    status = lead.lead_status
    headline = t(f"feedback.title.{status.value}", locale)
    intro = t("sla.lead.title", locale, lead_id=lead.id, name=lead_name(lead, locale))
    by = t("feedback.by_crm", locale) if actor == CRM_ACTOR else who(actor, locale)
    facts = [
        ("feedback.company", one_line(lead.company, FIELD_TEXT - 100) if lead.company else None),
        ("feedback.reason", reason_text(lead, locale)),
        ("feedback.by", by),
    ]
    fields = [
        MarkdownTextObject(text=f"*{t(key, locale)}*\n{value}") for key, value in facts if value
    ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{headline}*")),
        SectionBlock(text=MarkdownTextObject(text=f"*{intro}*"), fields=fields),
    ]
    if lead.outcome_note and lead.outcome_note.strip():
        note = f"*{t('feedback.note', locale)}*\n{quoted(lead.outcome_note)}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=note)))
    if permalink:
        where = t("feedback.card", locale, permalink=permalink)
    else:
        where = t("feedback.card_channel", locale, channel=channel or "")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=where)]))
    if status is LeadStatus.RETURNED:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=t("feedback.again_hint", locale))])
        )
        again = ButtonElement(
            text=t("feedback.again_button", locale),
            action_id=ActionId.HANDOFF_AGAIN,
            value=str(lead.id),
            style="primary",
        )
        blocks.append(ActionsBlock(elements=[again]))
    return Message(text=f"{headline}\n{intro}", blocks=to_dicts(blocks))
