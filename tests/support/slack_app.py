"""A Baton app wired to the Slack stand-in, and a client that sends it signed requests.

Requests go through the real Flask app, Bolt's Flask adapter, signature
verification, routing and middleware: nothing in the app is patched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from bot.runtime import Runtime
from bot.slack_standin import requests as signing

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


@dataclass
class SlackClientSim:
    """Plays Slack's side of the conversation: signed POSTs to /slack/events."""

    http: FlaskClient
    secret: str = SIGNING_SECRET

    def post(self, body: str, *, timestamp: int | None = None, **headers: str) -> TestResponse:
        signed = signing.signed_headers(self.secret, body, timestamp)
        signed.update(headers)
        return self.http.post("/slack/events", data=body.encode(), headers=signed)

    def click(self, action_id: str, value: str, **kwargs: Any) -> TestResponse:
        return self.post(signing.block_action_body(action_id, value, **kwargs))

    def command(self, command: str, text: str = "", **kwargs: Any) -> TestResponse:
        return self.post(signing.slash_command_body(command, text, **kwargs))

    def submit(self, callback_id: str, values: dict[str, Any], **kwargs: Any) -> TestResponse:
        return self.post(signing.view_submission_body(callback_id, values, **kwargs))

    def event(self, event: dict[str, Any], **kwargs: Any) -> TestResponse:
        return self.post(signing.event_body(event, **kwargs))

    def home_opened(self, user: str) -> TestResponse:
        return self.post(signing.app_home_opened_body(user))

    def shortcut(self, callback_id: str, **kwargs: Any) -> TestResponse:
        return self.post(signing.shortcut_body(callback_id, **kwargs))


def drain(runtime: Runtime, rounds: int = 20) -> int:
    """Deliver everything the outbox holds now (tests call this instead of a thread)."""
    total = 0
    for _ in range(rounds):
        sent = runtime.delivery.run_once()
        total += sent
        if not sent:
            break
    return total
