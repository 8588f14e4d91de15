"""The outcome modal: meeting booked, opportunity, disqualified (with a reason), returned."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.i18n import t
from bot.leads.states import DISQUALIFY_REASONS, OUTCOME_FROM, Outcome
from bot.slack.ids import BlockId, InputId, ViewId
from bot.slack.render.status import lead_line
from bot.store.models import Lead

NOTE_MAX = 2000


def outcome_choices(lead: Lead) -> list[Outcome]:
    """The outcomes the lead's state allows, in the order the modal shows them."""
    return [o for o in Outcome if lead.lead_status in OUTCOME_FROM[o]]


def outcome_modal(lead: Lead, *, locale: str, tz: ZoneInfo) -> dict[str, Any]:
    def text(key: str) -> PlainTextObject:
        return PlainTextObject(text=t(key, locale))

    outcomes = [
        Option(value=o.value, text=t(f"outcome.choice.{o.value}", locale))
        for o in outcome_choices(lead)
    ]
    reasons = [Option(value=r, text=t(f"reason.{r}", locale)) for r in DISQUALIFY_REASONS]
    view = View(
        type="modal",
        callback_id=ViewId.OUTCOME,
        private_metadata=str(lead.id),
        title=text("outcome.title"),
        submit=text("outcome.submit"),
        close=text("outcome.close"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=lead_line(lead, locale=locale, tz=tz))),
            InputBlock(
                block_id=BlockId.OUTCOME_KIND,
                label=text("outcome.kind"),
                element=RadioButtonsElement(action_id=InputId.OUTCOME_KIND, options=outcomes),
            ),
            InputBlock(
                block_id=BlockId.OUTCOME_REASON,
                label=text("outcome.reason"),
                hint=text("outcome.reason_hint"),
                optional=True,
                element=StaticSelectElement(
                    action_id=InputId.OUTCOME_REASON,
                    placeholder=text("outcome.reason_placeholder"),
                    options=reasons,
                ),
            ),
            InputBlock(
                block_id=BlockId.OUTCOME_NOTE,
                label=text("outcome.note"),
                hint=text("outcome.note_hint"),
                optional=True,
                element=PlainTextInputElement(
                    action_id=InputId.OUTCOME_NOTE, multiline=True, max_length=NOTE_MAX
                ),
            ),
        ],
    )
    return view.to_dict()


def message_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something (what a failed submission turns into)."""
    return View(
        type="modal",
        title=PlainTextObject(text=title[:24]),
        close=PlainTextObject(text="OK"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=text[:3000]))],
    ).to_dict()
