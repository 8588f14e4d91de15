"""The outcome modal: meeting booked, opportunity, won (with its amount), lost or
disqualified (with a reason), returned.

One reason list for both reasons a lead can have, in two groups: Slack's modals do not
change as the person picks an outcome (short of a views.update round trip per click).
A lost reason's value is prefixed `lost:` (LOST_PREFIX): "competitor" and "other" are
in both groups, and an option's value must be unique in its menu.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.i18n import t
from bot.leads.states import DISQUALIFY_REASONS, LOST_REASONS, OUTCOME_FROM, Outcome
from bot.slack.ids import BlockId, InputId, ViewId
from bot.slack.render.status import lead_line
from bot.store.models import Lead

NOTE_MAX = 2000
LOST_PREFIX = "lost:"


def outcome_choices(lead: Lead) -> list[Outcome]:
    """The outcomes the lead's state allows, in the order the modal shows them."""
    return [o for o in Outcome if lead.lead_status in OUTCOME_FROM[o]]


def outcome_modal(lead: Lead, *, locale: str, tz: ZoneInfo, currency: str) -> dict[str, Any]:
    def text(key: str) -> PlainTextObject:
        return PlainTextObject(text=t(key, locale))

    outcomes = [
        Option(value=o.value, text=t(f"outcome.choice.{o.value}", locale))
        for o in outcome_choices(lead)
    ]
    choices = outcome_choices(lead)
    groups = []
    if Outcome.DISQUALIFIED in choices:
        options = [Option(value=r, text=t(f"reason.{r}", locale)) for r in DISQUALIFY_REASONS]
        groups.append(OptionGroup(label=text("outcome.reasons.disqualified"), options=options))
    if Outcome.LOST in choices:
        options = [
            Option(value=f"{LOST_PREFIX}{r}", text=t(f"lost_reason.{r}", locale))
            for r in LOST_REASONS
        ]
        groups.append(OptionGroup(label=text("outcome.reasons.lost"), options=options))
    amount = InputBlock(
        block_id=BlockId.OUTCOME_AMOUNT,
        label=PlainTextObject(text=t("outcome.amount", locale, currency=currency)),
        hint=text("outcome.amount_hint"),
        optional=True,
        element=NumberInputElement(
            action_id=InputId.OUTCOME_AMOUNT, is_decimal_allowed=True, min_value="0"
        ),
    )
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
                    option_groups=groups,
                ),
            ),
            *([amount] if Outcome.WON in choices else []),
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
