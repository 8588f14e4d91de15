"""The signed requests the tests send into Baton (bot.slack_standin.requests): each kind
of body Slack sends, signed as Slack signs it, verified by slack_sdk and dispatched by
a real Bolt app."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.slack_standin.requests import (
    app_home_opened_body,
    block_action_body,
    event_body,
    shortcut_body,
    signed_headers,
    slash_command_body,
    view_submission_body,
)
from tests.support.slack_api import SlackStandIn

SECRET = "test-signing-secret"


def test_signatures_verify_and_break_when_the_body_changes() -> None:
    body = block_action_body("claim", "lead-42")
    headers = signed_headers(SECRET, body)
    verifier = SignatureVerifier(SECRET)
    ts, sig = headers["x-slack-request-timestamp"], headers["x-slack-signature"]
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert verifier.is_valid(body, ts, sig)
    assert not verifier.is_valid(body.replace("lead-42", "lead-43"), ts, sig)
    assert not SignatureVerifier("other-secret").is_valid(body, ts, sig)
    event = event_body({"type": "app_mention", "user": "U0REP1", "text": "hi"})
    assert signed_headers(SECRET, event)["content-type"] == "application/json"


def _bolt_app(slack_api: SlackStandIn, seen: dict[str, Any]) -> App:
    app = App(
        client=WebClient(token="xoxb-test", base_url=slack_api.url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    @app.action("claim")
    def on_claim(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        seen["action"] = (action["value"], body["user"]["id"], body["channel"]["id"])

    @app.command("/baton")
    def on_command(ack: Any, command: dict[str, Any]) -> None:
        ack()
        seen["command"] = (command["text"], command["response_url"])

    @app.view("handoff")
    def on_submit(ack: Any, view: dict[str, Any]) -> None:
        ack()
        seen["view"] = (view["state"]["values"], view["private_metadata"])

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any]) -> None:
        seen["home"] = (event["user"], event["tab"], event["channel"])

    @app.shortcut("new_lead")
    def on_shortcut(ack: Any, shortcut: dict[str, Any]) -> None:
        ack()
        seen["shortcut"] = shortcut["trigger_id"]

    return app


def test_bolt_accepts_every_signed_body(slack_api: SlackStandIn) -> None:
    seen: dict[str, Any] = {}
    app = _bolt_app(slack_api, seen)
    values = {"owner": {"pick": {"type": "users_select", "selected_user": "U0REP2"}}}
    bodies = [
        block_action_body("claim", "lead-42", user="U0REP3"),
        slash_command_body("/baton", "status", response_url=slack_api.response_url("cmd")),
        view_submission_body("handoff", values, private_metadata="lead-42"),
        app_home_opened_body("U0REP4"),
        shortcut_body("new_lead", trigger_id="trig-1"),
    ]
    for body in bodies:
        response = app.dispatch(BoltRequest(body=body, headers=signed_headers(SECRET, body)))
        assert response.status == 200, (body, response.body)

    assert seen == {
        "action": ("lead-42", "U0REP3", "C0SALES"),
        "command": ("status", slack_api.response_url("cmd")),
        "view": (values, "lead-42"),
        "home": ("U0REP4", "home", "DU0REP4"),
        "shortcut": "trig-1",
    }
    assert slack_api.calls("auth.test"), "Bolt verifies its token against the stand-in"
    stale = signed_headers(SECRET, bodies[0], timestamp=int(time.time()) - 600)
    assert app.dispatch(BoltRequest(body=bodies[0], headers=stale)).status == 401
