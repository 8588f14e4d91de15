"""Signed interactions however malformed: none gets a 5xx. 200 with a note to the person
when they can be told who they are (an ephemeral message or a DM), 400 otherwise; and
nothing changes (bot/slack/inbound.py, handlers/errors.py, bot/slack/payloads.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest

from bot.runtime import Runtime
from bot.slack_standin import requests as signing
from tests.support.intake import row_counts
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain

Edit = Callable[[dict[str, Any]], None]


def payload_of(body: str) -> dict[str, Any]:
    return json.loads(parse_qs(body)["payload"][0])


def with_payload(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def click(lead_id: int, action: str = "lead_claim", value: str | None = None) -> dict[str, Any]:
    return payload_of(signing.block_action_body(action, str(lead_id) if value is None else value))


def submission(callback_id: str, metadata: str, values: dict[str, Any]) -> dict[str, Any]:
    return payload_of(signing.view_submission_body(callback_id, values, private_metadata=metadata))


def _set(**changes: Any) -> Edit:
    return lambda payload: payload.update(changes)


def _drop(key: str) -> Edit:
    return lambda payload: payload.pop(key, None)


IDENTIFIED: list[tuple[str, Callable[[int], dict[str, Any]]]] = [
    ("no actions", lambda lead: {**click(lead), "actions": []}),
    ("actions not a list", lambda lead: {**click(lead), "actions": {"action_id": "lead_claim"}}),
    ("an action that is a string", lambda lead: {**click(lead), "actions": ["lead_claim"]}),
    ("a value that is not a lead id", lambda lead: click(lead, value="../../etc")),
    ("a snooze value that is not a lead id", lambda lead: click(lead, "lead_snooze", "x")),
    ("a pass value that is not a lead id", lambda lead: click(lead, "lead_pass", "1 OR 1")),
    ("an unknown lead", lambda lead: click(lead + 999)),
    (
        "a value that is a number",
        lambda lead: {**click(lead), "actions": [{"action_id": "lead_claim", "value": 5}]},
    ),
    (
        "an outcome without state",
        lambda lead: {
            **submission("lead_outcome_modal", str(lead), {}),
            "view": {
                "callback_id": "lead_outcome_modal",
                "private_metadata": str(lead),
                "state": {},
            },
        },
    ),
    (
        "an outcome for a foreign lead",
        lambda lead: submission("lead_outcome_modal", "not-a-lead", {}),
    ),
    ("a snooze for a foreign lead", lambda lead: submission("lead_snooze", '{"x": 1}', {})),
    (
        "a pass without state",
        lambda lead: {
            **submission("lead_pass_modal", str(lead), {}),
            "view": {"callback_id": "lead_pass_modal", "private_metadata": str(lead)},
        },
    ),
]

ANONYMOUS: list[tuple[str, Callable[[int], dict[str, Any]]]] = [
    ("no user", lambda lead: {k: v for k, v in click(lead).items() if k != "user"}),
    ("user as a string", lambda lead: {**click(lead), "user": "U0REP1"}),
    ("user without an id", lambda lead: {**click(lead), "user": {"name": "rep"}}),
    ("user id not a string", lambda lead: {**click(lead), "user": {"id": ["U0REP1"]}}),
    (
        "a submission without a user",
        lambda lead: {
            k: v for k, v in submission("lead_pass_modal", str(lead), {}).items() if k != "user"
        },
    ),
    ("no type", lambda lead: {k: v for k, v in click(lead).items() if k != "type"}),
    ("a list, not an object", lambda lead: [click(lead)]),  # type: ignore[dict-item]
]


@pytest.fixture
def lead(runtime: Runtime) -> int:
    from bot.leads.handoff import LeadInput

    return runtime.leads.hand_off(LeadInput(source="web", name="Aiko Tanaka")).lead.id


@pytest.mark.parametrize("name", [n for n, _ in IDENTIFIED])
def test_a_malformed_interaction_from_someone_known_gets_a_note_not_a_5xx(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn, lead: int, name: str
) -> None:
    make = dict(IDENTIFIED)[name]
    drain(runtime)
    before = row_counts(runtime.db)
    payload = make(lead)
    answer = slack.post(with_payload(payload))
    assert answer.status_code == 200, answer.data
    assert runtime.leads.get(lead).status == "unclaimed"
    if payload["type"] == "view_submission":  # told in the modal itself
        assert answer.json["response_action"] in ("update", "errors"), answer.data  # type: ignore[index]
        assert "error id" not in answer.get_data(as_text=True).lower()
        return
    drain(runtime)
    notes = slack_api.successful_calls("chat.postEphemeral") + [
        c
        for c in slack_api.successful_calls("chat.postMessage")
        if c.args.get("channel") == "U0REP1"
    ]
    assert notes, f"{name}: nobody was told"
    assert all("error id" not in str(c.args.get("text", "")).lower() for c in notes), name
    after = row_counts(runtime.db)
    assert after["leads"] == before["leads"] and after["lead_events"] == before["lead_events"]


@pytest.mark.parametrize("name", [n for n, _ in ANONYMOUS])
def test_a_malformed_interaction_from_nobody_known_gets_a_400(
    runtime: Runtime, slack: SlackClientSim, lead: int, name: str
) -> None:
    make = dict(ANONYMOUS)[name]
    answer = slack.post(with_payload(make(lead)))
    assert answer.status_code == 400, (name, answer.status_code, answer.data)
    assert runtime.leads.get(lead).status == "unclaimed"
