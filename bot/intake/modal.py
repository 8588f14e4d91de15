"""The /handoff modal and the views that answer it: pure functions from the policy
and domain objects to Block Kit (slack_sdk.models, so Slack's limits are checked)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    EmailInputElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.i18n import date_text, join, t
from bot.core.policy import Policy
from bot.intake.schema import MAX_EXTRA_VALUE, MAX_REASON, SCORE_MAX, SCORE_MIN
from bot.store.models import Lead

CALLBACK_ID = "lead_handoff"
SHORTCUT_CALLBACK_ID = "lead_handoff_shortcut"
COMMAND = "/handoff"
ACTION_ID = "value"
MAX_SEGMENT_OPTIONS = 100  # Slack's limit for a static select


class Field(enum.StrEnum):
    """The modal's inputs; each value is the block_id Slack reports errors and state by."""

    NAME = "handoff_name"
    EMAIL = "handoff_email"
    COMPANY = "handoff_company"
    TITLE = "handoff_title"
    SCORE = "handoff_score"
    SEGMENT = "handoff_segment"
    REASON = "handoff_reason"
    NOTES = "handoff_notes"

    @property
    def lead_field(self) -> str:
        """The LeadPayload field it fills (notes travel in `fields`)."""
        return "fields" if self is Field.NOTES else self.value.removeprefix("handoff_")


def escape(text: str) -> str:
    """Text shown in mrkdwn, with Slack's control characters escaped (no stray mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def segment_choices(policy: Policy) -> list[str]:
    """The segments the policy's routes match on, in order, so a marketer picks a routable one."""
    found: list[str] = []
    for route in policy.routes:
        wanted = (route.when or {}).get("segment")
        for value in wanted if isinstance(wanted, list) else [wanted]:
            if isinstance(value, str) and value not in found:
                found.append(value)
    return found[:MAX_SEGMENT_OPTIONS]


def initial_values(text: str) -> dict[Field, str]:
    """`/handoff aiko@example.com` or `/handoff Aiko Tanaka` fills that field in."""
    text = " ".join(text.split())[:300]
    if not text:
        return {}
    if "@" in text and " " not in text:
        return {Field.EMAIL: text}
    return {Field.NAME: text}


def lead_values(lead: Lead) -> dict[Field, str]:
    """A returned lead's data, to hand it off again with what sales asked for fixed."""
    notes = (lead.extras or {}).get("notes")
    given = {
        Field.NAME: lead.name,
        Field.EMAIL: lead.email,
        Field.COMPANY: lead.company,
        Field.TITLE: lead.title,
        Field.SCORE: None if lead.score is None else f"{lead.score:g}",
        Field.SEGMENT: lead.segment,
        Field.REASON: lead.reason,
        Field.NOTES: notes if isinstance(notes, str) else None,
    }
    return {field: value for field, value in given.items() if value}


def handoff_modal(
    policy: Policy, locale: str, *, initial: Mapping[Field, str] | None = None
) -> dict[str, Any]:
    initial = initial or {}

    def label(field: Field) -> str:
        return t(_LABELS[field], locale)

    def text_input(
        field: Field, max_length: int, *, multiline: bool = False
    ) -> PlainTextInputElement:
        placeholder = (
            t(f"intake.modal.{field.name.lower()}_hint", locale) if field in _HINTED else None
        )
        return PlainTextInputElement(
            action_id=ACTION_ID,
            max_length=max_length,
            multiline=multiline or None,
            initial_value=initial.get(field),
            placeholder=placeholder,
        )

    segments = segment_choices(policy)
    segment_element: Any
    if segments:
        options = [Option(value=s, text=s[:75]) for s in segments]
        segment_element = StaticSelectElement(
            action_id=ACTION_ID,
            placeholder=t("intake.modal.segment_pick", locale),
            options=options,
            initial_option=next(
                (o for o in options if o.value == initial.get(Field.SEGMENT)), None
            ),
        )
    else:
        segment_element = text_input(Field.SEGMENT, 100)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=t("intake.modal.intro", locale))),
        InputBlock(
            block_id=Field.NAME, label=label(Field.NAME), element=text_input(Field.NAME, 300)
        ),
        InputBlock(
            block_id=Field.EMAIL,
            label=label(Field.EMAIL),
            element=EmailInputElement(action_id=ACTION_ID, initial_value=initial.get(Field.EMAIL)),
            optional=True,
        ),
        InputBlock(
            block_id=Field.COMPANY,
            label=label(Field.COMPANY),
            element=text_input(Field.COMPANY, 300),
            optional=True,
        ),
        InputBlock(
            block_id=Field.TITLE,
            label=label(Field.TITLE),
            element=text_input(Field.TITLE, 300),
            optional=True,
        ),
        InputBlock(
            block_id=Field.SCORE,
            label=t("intake.modal.score", locale, min=SCORE_MIN, max=SCORE_MAX),
            element=NumberInputElement(
                action_id=ACTION_ID,
                is_decimal_allowed=True,
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
                initial_value=initial.get(Field.SCORE),
            ),
            optional=True,
        ),
        InputBlock(
            block_id=Field.SEGMENT,
            label=label(Field.SEGMENT),
            element=segment_element,
            optional=True,
        ),
        InputBlock(
            block_id=Field.REASON,
            label=label(Field.REASON),
            element=text_input(Field.REASON, MAX_REASON, multiline=True),
        ),
        InputBlock(
            block_id=Field.NOTES,
            label=label(Field.NOTES),
            element=text_input(Field.NOTES, MAX_EXTRA_VALUE, multiline=True),
            optional=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=t("intake.modal.title", locale),
        submit=t("intake.modal.submit", locale),
        close=t("intake.modal.cancel", locale),
        blocks=blocks,
    ).to_dict()


_HINTED = frozenset({Field.REASON, Field.NOTES, Field.NAME})
_LABELS = {
    Field.NAME: "intake.modal.name",
    Field.EMAIL: "intake.modal.email",
    Field.COMPANY: "intake.modal.company",
    Field.TITLE: "intake.modal.title_field",
    Field.SEGMENT: "intake.modal.segment",
    Field.REASON: "intake.modal.reason",
    Field.NOTES: "intake.modal.notes",
}


def read_state(values: Mapping[str, Any]) -> dict[str, Any]:
    """A submitted view's `state.values` as a LeadPayload body."""

    def value(field: Field) -> Any:
        entry = (values.get(field.value) or {}).get(ACTION_ID) or {}
        if entry.get("type") == "static_select":
            option = entry.get("selected_option") or {}
            return option.get("value")
        return entry.get("value")

    body: dict[str, Any] = {}
    for field in Field:
        given = value(field)
        if given is None or (isinstance(given, str) and not given.strip()):
            continue
        if field is Field.NOTES:
            body["fields"] = {"notes": given}
        elif field is Field.SCORE:
            body["score"] = _number(given)
        else:
            body[field.lead_field] = given
    return body


def _number(text: Any) -> Any:
    try:
        return float(text)
    except (TypeError, ValueError):
        return text  # validation will say it is not a number


def errors_for_blocks(problems: Mapping[str, str]) -> dict[str, str]:
    """Field problems (keyed by lead field) as Slack's `errors`, keyed by block_id."""
    by_field = {field.lead_field: field.value for field in Field}
    errors: dict[str, str] = {}
    for name, message in problems.items():
        block = by_field.get(name.split(".")[0], Field.NAME.value)
        errors.setdefault(block, message)
    return errors


def who(lead: Lead, locale: str) -> str:
    """The lead's contact (a customer: 「中村 彩 様」) and company, as a receipt names it."""
    person = t("who.customer", locale, name=lead.name) if lead.name else lead.email
    return escape(join((p for p in (person, lead.company) if p), locale))


def _info_view(locale: str, title_key: str, text: str) -> dict[str, Any]:
    return View(
        type="modal",
        callback_id=f"{CALLBACK_ID}_done",
        title=t(title_key, locale),
        close=t("intake.modal.close", locale),
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    ).to_dict()


def handed_off_view(policy: Policy, lead: Lead, locale: str) -> dict[str, Any]:
    route = policy.route_named(lead.route)
    text = t(
        "intake.modal.done",
        locale,
        lead_id=lead.id,
        who=who(lead, locale),
        channel=route.channel if route else "",
        route=escape(lead.route),
    )
    return _info_view(locale, "intake.modal.done_title", text)


def duplicate_view(policy: Policy, lead: Lead, locale: str) -> dict[str, Any]:
    tz = ZoneInfo(policy.timezone)
    when = date_text(lead.created_at, tz, locale) if lead.created_at else "?"
    text = t(
        "intake.modal.duplicate",
        locale,
        lead_id=lead.id,
        who=who(lead, locale),
        when=when,
        status=t(f"status.{lead.status}", locale),
    )
    return _info_view(locale, "intake.modal.duplicate_title", text)


def not_allowed_view(locale: str) -> dict[str, Any]:
    return _info_view(locale, "intake.modal.title", t("intake.not_a_marketer", locale))
