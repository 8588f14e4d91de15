"""Reading a Slack request before Bolt does: what it is, and whether Bolt can read it."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from slack_bolt.request.internals import parse_body

from bot.slack.inbound import Peek, read
from bot.slack.payloads import Unreadable, unreadable
from bot.slack_standin import requests as signing

FORM = "application/x-www-form-urlencoded"


def peek(body: bytes, content_type: str) -> Peek:
    return read(body, content_type)[0]


def test_real_payload_shapes_are_read() -> None:
    click = peek(signing.block_action_body("lead_claim", "42").encode(), FORM)
    assert (click.kind, click.action_id, click.lead_id) == ("block_actions", "lead_claim", 42)
    modal = peek(signing.view_submission_body("outcome", {}).encode(), FORM)  # enterprise: null
    assert modal.kind == "view_submission"
    command = peek(signing.slash_command_body("/lead-status", "#42").encode(), FORM)
    assert command.kind == "command"
    event = peek(
        signing.event_body({"type": "app_home_opened"}, event_id="Ev1").encode(), "application/json"
    )
    assert (event.kind, event.event_id) == ("event_callback", "Ev1")


def test_shapes_bolt_would_trip_over_are_unreadable() -> None:
    for payload in (
        {"type": "view_submission", "view": None},
        {"type": "block_actions", "user": 5},
        [1, 2],
    ):
        body = urlencode({"payload": json.dumps(payload)}).encode()
        assert peek(body, FORM).kind == "unreadable", payload
    # A click without a usable action is read, and then answered by bot.slack.payloads
    # (the person Slack names is told; tests/slack/test_malformed_interactions.py).
    body = urlencode({"payload": json.dumps({"type": "block_actions", "actions": [None]})})
    assert peek(body.encode(), FORM).kind == "block_actions"
    assert unreadable({"type": "block_actions", "actions": [None]}) is Unreadable.CLICK
    assert peek(b"\xff\xfe", "application/json").kind == "unreadable"
    assert (
        peek(b'{"type": "event_callback", "event": "x"}', "application/json").kind == "unreadable"
    )


def test_the_body_read_once_is_the_body_bolt_would_have_parsed() -> None:
    for body, content_type in (
        (signing.block_action_body("lead_claim", "42"), FORM),
        (signing.view_submission_body("outcome", {}), FORM),
        (signing.slash_command_body("/lead-status", "#42 自分"), FORM),
        (signing.event_body({"type": "app_home_opened"}, event_id="Ev1"), "application/json"),
    ):
        seen, parsed = read(body.encode(), content_type)
        assert seen.kind != "unreadable"
        assert parsed == parse_body(body, content_type)
