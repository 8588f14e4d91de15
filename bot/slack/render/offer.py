"""The DM offering a lead to one rep (Accept / Pass…), and the Pass modal."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.i18n import t
from bot.leads.offers import PASS_REASONS
from bot.slack.ids import ActionId, BlockId, InputId, ViewId
from bot.slack.render import Message, to_dicts
from bot.slack.render.escalation import lead_summary
from bot.slack.render.sla_text import lead_name
from bot.slack.render.text import BUTTON_TEXT, one_line, slack_date
from bot.store.models import Lead

NOTE_MAX = 500
OFFER_BLOCK = "baton_offer"


def offer_buttons(lead_id: int, locale: str) -> ActionsBlock:
    """Accept and Pass…, each with the lead id as its value (the DM and App Home)."""

    def button(action: ActionId, style: str | None = None) -> ButtonElement:
        text = one_line(t(f"card.button.{action}", locale), BUTTON_TEXT, mrkdwn=False)
        return ButtonElement(text=text, action_id=action, value=str(lead_id), style=style)

    return ActionsBlock(
        block_id=f"{OFFER_BLOCK}:{lead_id}",
        elements=[button(ActionId.ACCEPT, "primary"), button(ActionId.PASS)],
    )


def offer_dm(lead: Lead, accept_by: datetime, locale: str, tz: ZoneInfo) -> Message:
    due = slack_date(accept_by, tz, locale=locale)
    name = one_line(lead_name(lead, locale), 200)  # escaped: the name is marketing's text
    text = t("offer.dm", locale, lead_id=lead.id, name=name, due=due)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        *lead_summary(lead, locale),
        offer_buttons(lead.id, locale),
    ]
    return Message(text, to_dicts(blocks))


def pass_modal(lead: Lead, locale: str) -> View:
    """Why the rep passes (optional): a reason code and a note."""
    options = [
        Option(value=code, text=PlainTextObject(text=t(f"pass_reason.{code}", locale)))
        for code in PASS_REASONS
    ]
    name = one_line(lead_name(lead, locale), 200)
    intro = t("offer.pass.intro", locale, lead_id=lead.id, name=name)
    return View(
        type="modal",
        callback_id=ViewId.PASS,
        private_metadata=str(lead.id),
        title=PlainTextObject(text=t("offer.pass.title", locale)),
        submit=PlainTextObject(text=t("offer.pass.submit", locale)),
        close=PlainTextObject(text=t("offer.pass.cancel", locale)),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=intro)),
            InputBlock(
                block_id=BlockId.PASS_REASON,
                optional=True,
                label=PlainTextObject(text=t("offer.pass.reason", locale)),
                element=StaticSelectElement(action_id=InputId.PASS_REASON, options=options),
            ),
            InputBlock(
                block_id=BlockId.PASS_NOTE,
                optional=True,
                label=PlainTextObject(text=t("offer.pass.note", locale)),
                element=PlainTextInputElement(
                    action_id=InputId.PASS_NOTE, multiline=True, max_length=NOTE_MAX
                ),
            ),
        ],
    )
