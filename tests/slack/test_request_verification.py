"""Requests into the app must carry Slack's signature; anything else gets 401."""

from __future__ import annotations

import time

from bot.slack_standin import requests as signing
from tests.support.slack_app import SlackClientSim


def test_forged_signature_is_refused(slack: SlackClientSim) -> None:
    body = signing.block_action_body("lead_claim", "1")
    headers = signing.signed_headers("not-the-secret", body)
    assert slack.http.post("/slack/events", data=body, headers=headers).status_code == 401


def test_stale_timestamp_is_refused(slack: SlackClientSim) -> None:
    body = signing.slash_command_body("/lead-status", "")
    assert slack.post(body, timestamp=int(time.time()) - 600).status_code == 401


def test_unsigned_request_is_refused(slack: SlackClientSim) -> None:
    assert slack.http.post("/slack/events", data="payload=%7B%7D").status_code == 401


def test_healthz(slack: SlackClientSim) -> None:
    answer = slack.http.get("/healthz")
    assert answer.status_code == 200
    assert answer.json["ok"] is True and answer.json["database"] == "ok"
