"""A bot token Slack refuses is noticed at once: at start (`auth.test`) or from any later
call, /healthz turns 503 saying what to do, and it clears when Slack accepts a call
again (bot/delivery/token_health.py). Real HTTP to the Slack stand-in."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from bot.leads.handoff import LeadInput
from bot.runtime import Runtime
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import drain


def healthz(web: Flask) -> tuple[int, dict]:  # type: ignore[type-arg]
    answer = web.test_client().get("/healthz")
    return answer.status_code, answer.json  # type: ignore[return-value]


def test_a_refused_token_at_start_makes_healthz_503_until_slack_accepts_a_call(
    runtime: Runtime, web: Flask, slack_api: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    slack_api.fail("auth.test", error="invalid_auth")
    with caplog.at_level(logging.INFO, logger="bot.delivery.token_health"):
        runtime.check_token()
        status, body = healthz(web)
        assert status == 503
        assert body["slack"]["token"] == "invalid_auth"
        assert "SLACK_BOT_TOKEN" in body["slack"]["fix"]
        assert body["database"] == "ok"  # only the token is wrong

        runtime.check_token()  # Slack accepts it now (the token was fixed in Slack)
        status, body = healthz(web)
    assert (status, body["slack"]) == (200, {"healthy": True, "token": "ok"})
    refused = [r for r in caplog.records if r.getMessage() == "slack.token_refused"]
    assert len(refused) == 1  # logged once, not once per check


def test_a_token_revoked_while_running_is_noticed_from_delivery(
    runtime: Runtime, web: Flask, slack_api: SlackStandIn, hand_off_lead: int
) -> None:
    slack_api.fail("chat.postMessage", error="token_revoked", times=3)
    drain(runtime, rounds=1)
    status, body = healthz(web)
    assert status == 503 and body["slack"]["token"] == "token_revoked"


@pytest.fixture
def hand_off_lead(runtime: Runtime) -> int:
    return runtime.leads.hand_off(LeadInput(source="web", name="Aiko Tanaka")).lead.id
