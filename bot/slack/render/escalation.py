"""Nudges, escalation DMs, the snooze modal and the new-owner DM, as Block Kit.

Pure functions of domain objects and the time they are rendered at, so they can be
tested and previewed without Slack; `to_dicts` validates Slack's limits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.core.i18n import t
from bot.core.policy_values import is_slack_user
from bot.slack.ids import ActionId
from bot.slack.render import Message, to_dicts
from bot.slack.render.sla_text import REASON_LIMIT, lead_name, mentions
from bot.slack.render.text import (
    FIELD_TEXT,
    SECTION_TEXT,
    duration,
    fit,
    one_line,
    parts,
    slack_date,
)
from bot.store.models import Clock, Lead

# Stable action ids (docs/architecture.md, "The external contract in code"); a button's value is the lead id.
# "Claim it myself" is the card's claim action, handled by the card's listener.
CLAIM_ACTION = ActionId.CLAIM
TOUCH_ACTION = ActionId.TOUCH
REASSIGN_ACTION = ActionId.REASSIGN
SNOOZE_ACTION = ActionId.SNOOZE
# Block ids carry the lead id for elements without a value (the user select), and tell
# an escalation DM's actions apart from the card's.
ESCALATION_BLOCK = "baton_escalation"
NUDGE_BLOCK = "baton_nudge"
# The snooze modal.
SNOOZE_CALLBACK = "lead_snooze"
SNOOZE_UNTIL_BLOCK = "snooze_until"
SNOOZE_REASON_BLOCK = "snooze_reason"
SNOOZE_CHOICES = ("30m", "1h", "tomorrow")
REASON_MAX = 300


def block_id(prefix: str, lead_id: int) -> str:
    return f"{prefix}:{lead_id}"


def lead_id_from_block(value: str | None) -> int | None:
    """The lead id in a block id made by `block_id`, or None if it is not one of ours."""
    prefix, _, number = (value or "").partition(":")
    if prefix not in (ESCALATION_BLOCK, NUDGE_BLOCK) or not number.isdigit():
        return None
    return int(number)


# --- the lead --------------------------------------------------------------------------


def lead_summary(lead: Lead, locale: str, *, channel: str | None = None) -> list[Block]:
    """Who and what the lead is, for a DM (the card in the channel is rendered elsewhere)."""
    title = t("sla.lead.title", locale, lead_id=lead.id, name=lead_name(lead, locale))
    facts = [
        ("sla.lead.company", lead.company),
        ("sla.lead.job_title", lead.title),
        ("sla.lead.score", None if lead.score is None else f"{lead.score:g}"),
        ("sla.lead.source", lead.source),
        ("sla.lead.campaign", lead.campaign),
        ("sla.lead.route", lead.route),
    ]
    fields = [
        MarkdownTextObject(text=f"*{t(key, locale)}*\n{one_line(value, FIELD_TEXT - 100)}")
        for key, value in facts
        if value
    ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{title}*"), fields=fields or None)
    ]
    if lead.reason:
        reason = fit(lead.reason, REASON_LIMIT)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"*{t('sla.lead.reason', locale)}*\n{reason}")
            )
        )
    if channel:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=t("sla.lead.channel", locale, channel=channel))]
            )
        )
    return blocks


def _headline(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=fit(text, SECTION_TEXT, mrkdwn=False)))


def _touch_button(lead: Lead, locale: str) -> ButtonElement:
    return ButtonElement(
        text=t("sla.button.touch", locale),
        action_id=TOUCH_ACTION,
        value=str(lead.id),
        style="primary",
    )


# --- nudges before a deadline -----------------------------------------------------------


def claim_nudge(
    lead: Lead, targets: list[str], locale: str, now: datetime, tz: ZoneInfo
) -> Message:
    """A reply in the card's thread, mentioning who should claim (the reps by default)."""
    assert lead.claim_due_at is not None
    text = t(
        "sla.nudge.claim",
        locale,
        mentions=mentions(targets),
        lead_id=lead.id,
        name=lead_name(lead, locale),
        deadline=slack_date(lead.claim_due_at, tz, locale=locale, now=now),
        left=duration(lead.claim_due_at - now, locale),
    )
    return Message(text, to_dicts([_headline(text)]))


def touch_nudge(lead: Lead, locale: str, now: datetime, tz: ZoneInfo) -> Message:
    """A DM to the owner with the lead and a "Log first touch" button."""
    assert lead.first_touch_due_at is not None
    text = t(
        "sla.nudge.touch",
        locale,
        lead_id=lead.id,
        name=lead_name(lead, locale),
        deadline=slack_date(lead.first_touch_due_at, tz, locale=locale, now=now),
        left=duration(lead.first_touch_due_at - now, locale),
    )
    blocks: list[Block] = [_headline(text), *lead_summary(lead, locale)]
    blocks.append(
        ActionsBlock(
            block_id=block_id(NUDGE_BLOCK, lead.id), elements=[_touch_button(lead, locale)]
        )
    )
    return Message(text, to_dicts(blocks))


# --- escalation --------------------------------------------------------------------------


def escalation(
    lead: Lead,
    *,
    clock: Clock | str,
    level: int,
    late: timedelta,
    locale: str,
    tz: ZoneInfo,
    channel: str | None = None,
) -> Message:
    """A DM to one person on the ladder: the lead, how late, who owns it, and what to do."""
    clock = Clock(clock)
    key = "sla.escalation.claim" if clock is Clock.CLAIM else "sla.escalation.touch"
    text = t(
        key, locale, lead_id=lead.id, name=lead_name(lead, locale), late=duration(late, locale)
    )
    due = lead.claim_due_at if clock is Clock.CLAIM else lead.first_touch_due_at
    owner = (
        t("sla.escalation.owner", locale, owner=lead.owner_id)
        if lead.owner_id
        else t("sla.escalation.no_owner", locale)
    )
    detail = t(
        "sla.escalation.detail",
        locale,
        level=level,
        deadline=slack_date(due, tz, locale=locale) if due else "—",
    )
    elements: list[Any] = []
    if clock is Clock.CLAIM and not lead.owner_id:
        elements.append(
            ButtonElement(
                text=t("sla.button.claim", locale),
                action_id=CLAIM_ACTION,
                value=str(lead.id),
                style="primary",
            )
        )
    elements.append(
        UserSelectElement(
            placeholder=t("sla.reassign.placeholder", locale), action_id=REASSIGN_ACTION
        )
    )
    elements.append(
        ButtonElement(
            text=t("sla.button.snooze", locale), action_id=SNOOZE_ACTION, value=str(lead.id)
        )
    )
    blocks: list[Block] = [
        _headline(text),
        ContextBlock(elements=[MarkdownTextObject(text=parts([owner, detail], locale))]),
        *lead_summary(lead, locale, channel=channel),
        ActionsBlock(block_id=block_id(ESCALATION_BLOCK, lead.id), elements=elements),
    ]
    return Message(text, to_dicts(blocks))


def assigned(lead: Lead, by: str, locale: str, tz: ZoneInfo) -> Message:
    """A DM to the new owner after a reassignment, or when round robin gave them the lead
    (`by` is then Baton's own actor, not a user id)."""
    name = lead_name(lead, locale)
    if not is_slack_user(by) and lead.first_touch_due_at is not None:  # round robin
        deadline = slack_date(lead.first_touch_due_at, tz, locale=locale)
        text = t("sla.assigned.round_robin", locale, lead_id=lead.id, name=name, deadline=deadline)
    elif lead.first_touch_at is None and lead.first_touch_due_at is not None:
        text = t(
            "sla.assigned",
            locale,
            by=by,
            lead_id=lead.id,
            name=name,
            deadline=slack_date(lead.first_touch_due_at, tz, locale=locale),
        )
    else:
        text = t("sla.assigned.touched", locale, by=by, lead_id=lead.id, name=name)
    blocks: list[Block] = [_headline(text), *lead_summary(lead, locale)]
    if lead.first_touch_at is None:
        blocks.append(
            ActionsBlock(
                block_id=block_id(NUDGE_BLOCK, lead.id), elements=[_touch_button(lead, locale)]
            )
        )
    return Message(text, to_dicts(blocks))


# --- snoozing ---------------------------------------------------------------------------------


def snooze_modal(lead: Lead, locale: str) -> View:
    """How long, and why: a snooze is recorded with who asked for it and their reason."""
    options = [
        Option(value=choice, text=PlainTextObject(text=t(f"sla.snooze.{choice}", locale)))
        for choice in SNOOZE_CHOICES
    ]
    return View(
        type="modal",
        callback_id=SNOOZE_CALLBACK,
        private_metadata=str(lead.id),
        title=PlainTextObject(text=t("sla.snooze.title", locale)),
        submit=PlainTextObject(text=t("sla.snooze.submit", locale)),
        close=PlainTextObject(text=t("sla.snooze.cancel", locale)),
        blocks=[
            _headline(t("sla.snooze.intro", locale, lead_id=lead.id, name=lead_name(lead, locale))),
            InputBlock(
                block_id=SNOOZE_UNTIL_BLOCK,
                label=PlainTextObject(text=t("sla.snooze.until", locale)),
                element=RadioButtonsElement(
                    action_id="choice", options=options, initial_option=options[0]
                ),
            ),
            InputBlock(
                block_id=SNOOZE_REASON_BLOCK,
                label=PlainTextObject(text=t("sla.snooze.reason", locale)),
                hint=PlainTextObject(text=t("sla.snooze.reason_hint", locale)),
                element=PlainTextInputElement(action_id="reason", max_length=REASON_MAX),
            ),
        ],
    )
