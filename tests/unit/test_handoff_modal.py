"""The /handoff modal as pure functions: views within Slack's limits, state read back."""

from __future__ import annotations

import pytest
from slack_sdk.models.views import View

from bot.core.policy import parse_policy
from bot.intake.modal import (
    Field,
    errors_for_blocks,
    handoff_modal,
    initial_values,
    read_state,
    segment_choices,
)
from tests.support.intake import MODAL_GOOD, modal_state
from tests.support.policies import STANDARD


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_the_modal_is_a_valid_view_in_each_locale(locale: str) -> None:
    view = handoff_modal(parse_policy(STANDARD), locale)
    View(**view).validate_json()
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert len(labels) == len(Field) and len(set(labels)) == len(labels)


def test_without_segment_rules_segment_is_free_text() -> None:
    policy = parse_policy(STANDARD.replace("when: {segment: enterprise}", "when: {region: APAC}"))
    assert segment_choices(policy) == []
    [segment] = [
        b for b in handoff_modal(policy, "en")["blocks"] if b.get("block_id") == Field.SEGMENT
    ]
    assert segment["element"]["type"] == "plain_text_input"


def test_segment_choices_keep_policy_order_without_repeats() -> None:
    policy = parse_policy(
        STANDARD.replace("when: {segment: enterprise}", "when: {segment: [enterprise, mid-market]}")
    )
    assert segment_choices(policy) == ["enterprise", "mid-market"]


def test_state_reads_back_as_a_lead_body() -> None:
    assert read_state(modal_state(**MODAL_GOOD)) == {
        "name": "Aiko Tanaka",
        "email": "aiko.tanaka@example.co.jp",
        "company": "Example KK",
        "title": "Head of IT",
        "score": 88.0,
        "segment": "enterprise",
        "reason": "Asked for pricing for 40 seats; budget approved.",
        "fields": {"notes": "Prefers email before 10:00."},
    }


def test_empty_inputs_are_left_out() -> None:
    assert read_state(modal_state(name="Ken", email=None, segment=None, notes="  ")) == {
        "name": "Ken"
    }


def test_errors_land_on_their_blocks() -> None:
    errors = errors_for_blocks({"email": "bad", "fields": "too long", "score": "range"})
    assert errors == {Field.EMAIL: "bad", Field.NOTES: "too long", Field.SCORE: "range"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("aiko@example.com", {Field.EMAIL: "aiko@example.com"}),
        ("Aiko  Tanaka", {Field.NAME: "Aiko Tanaka"}),
    ],
)
def test_command_text_prefills(text: str, expected: dict[Field, str]) -> None:
    assert initial_values(text) == expected
