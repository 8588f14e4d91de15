"""Fuzzing the HTTP surface: whatever arrives, Baton answers without a 5xx.

Every route the Flask app serves is exercised with arbitrary methods, content types
and bodies — signed with the real secret or not, shaped like Slack's payloads or not.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from bot.core.settings import Settings
from bot.intake import auth as intake_auth
from bot.slack_standin.requests import signed_headers
from tests.support.slack_app import SIGNING_SECRET

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
CONTENT_TYPES = [
    None,
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-8",
]
SLACK_TYPES = [
    "event_callback",
    "url_verification",
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
    "app_rate_limited",
]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def slackish(draw: Any) -> dict[str, Any]:
    """A JSON object shaped like one of Slack's payloads, with arbitrary holes in it."""
    body: dict[str, Any] = draw(st.dictionaries(st.text(max_size=12), json_values, max_size=5))
    body["type"] = draw(st.sampled_from(SLACK_TYPES) | json_values)
    for key in ("event_id", "event", "actions", "user", "team", "view", "challenge", "token"):
        if draw(st.booleans()):
            body[key] = draw(json_values)
    if draw(st.booleans()):
        body["actions"] = [
            {
                "action_id": draw(st.sampled_from(["lead_claim", "x"]) | st.text(max_size=5)),
                "value": draw(st.text(max_size=12)),
                "type": "button",
            }
        ]
    return body


@st.composite
def bodies(draw: Any) -> tuple[bytes, str | None]:
    shape = draw(st.sampled_from(["raw", "json", "payload", "command"]))
    if shape == "raw":
        return draw(st.binary(max_size=300)), draw(st.sampled_from(CONTENT_TYPES))
    if shape == "json":
        value = draw(slackish() | json_values)
        return json.dumps(value).encode(), "application/json"
    if shape == "payload":
        inner = json.dumps(draw(slackish() | json_values))
        return urlencode({"payload": inner}).encode(), "application/x-www-form-urlencoded"
    form = {"command": draw(st.sampled_from(["/lead-status", "/x"]) | st.text(max_size=8))}
    form["text"] = draw(st.text(max_size=40))
    return urlencode(form).encode(), "application/x-www-form-urlencoded"


INTAKE_SECRET = "fuzz-intake-secret"
INTAKE_TOKEN = "fuzz-intake-token"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Intake switched on, so /leads is fuzzed past its authentication too."""
    return settings.model_copy(
        update={"baton_intake_secret": INTAKE_SECRET, "baton_intake_token": INTAKE_TOKEN}
    )


def routes(web: Flask) -> list[tuple[str, list[str]]]:
    found = [
        (rule.rule, sorted(rule.methods or []))
        for rule in web.url_map.iter_rules()
        if rule.endpoint != "static"
    ]
    return [*found, ("/no-such-path", METHODS)]


@fuzz_settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_request_gets_a_5xx(web: Flask, data: st.DataObject) -> None:
    path, allowed = data.draw(st.sampled_from(routes(web)))
    method = data.draw(st.sampled_from(allowed) | st.sampled_from(METHODS))
    body, content_type = data.draw(bodies())
    headers: dict[str, str] = {}
    if data.draw(st.booleans()):
        signed = signed_headers(SIGNING_SECRET, body.decode("utf-8", "replace"))
        headers.update({k: v for k, v in signed.items() if k != "content-type"})
    if path.startswith("/leads") and data.draw(st.booleans()):
        if data.draw(st.booleans()):
            headers["Authorization"] = f"Bearer {INTAKE_TOKEN}"
        else:
            headers.update(intake_auth.signed_headers(INTAKE_SECRET, body, int(time.time())))
    if data.draw(st.booleans()):
        headers["X-Slack-Retry-Num"] = data.draw(st.sampled_from(["1", "2", "x", ""]))
    if content_type is not None:
        headers["Content-Type"] = content_type
    answer = web.test_client().open(path, method=method, data=body, headers=headers)
    assert answer.status_code < 500, (
        method,
        path,
        body[:200],
        answer.status_code,
        answer.data[:300],
    )


@pytest.mark.parametrize("kind", [[], {}, ["block_actions"], 7, None])
def test_an_interaction_whose_kind_is_not_a_string_is_refused(web: Flask, kind: Any) -> None:
    """Found by the fuzzer above: a payload's "type" that is a list or an object was looked
    up in a set of kinds, which raised."""
    body = urlencode({"payload": json.dumps({"type": kind, "user": {"id": "U0REP1"}})}).encode()
    headers = signed_headers(SIGNING_SECRET, body.decode())
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    answer = web.test_client().post("/slack/events", data=body, headers=headers)
    assert answer.status_code == 400, answer.data
    assert "names no Slack user or kind" in answer.get_json()["error"]
