"""Erasing a person's data (bot/leads/privacy.py) through the real app: `POST
/leads/forget`, `baton forget`, and the policy's `erase_after`. Nothing of the person is
left in any table, and Slack's copies (the card, its thread, DMs) are redacted."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from bot.cli import main
from bot.core.policy import parse_policy
from bot.core.settings import Settings
from bot.leads import privacy
from bot.leads.handoff import LeadInput
from bot.runtime import Runtime
from bot.store.base import Base
from tests.support.clock import FakeClock
from tests.support.intake import intake_settings, post_lead
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import drain

NAME, EMAIL, PHONE = "Nakamura Aya", "aya.nakamura@example.co.jp", "+81-3-5555-0142"
NOTE = "Called Aya on her mobile; she asked for a quote"


def every_value(runtime: Runtime) -> str:
    """Every row of every table, as text: what a search for the person would find."""
    with runtime.db.read() as session:
        return "\n".join(
            str(list(row))
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table))
        )


@pytest.fixture
def lead(runtime: Runtime, slack_api: SlackStandIn) -> int:
    data = LeadInput(
        source="web",
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        company="Kimura Soft",
        title="CTO",
        reason=f"{NAME} asked for a demo",
        extras={"country": "JP", "crm_url": "https://crm.example.com/c/1"},
    )
    lead_id = runtime.leads.hand_off(data).lead.id
    runtime.leads.claim(lead_id, "U0REP1")
    runtime.leads.log_first_touch(lead_id, "U0REP1", note=NOTE)
    drain(runtime)
    assert NAME in every_value(runtime)  # the test would see it
    return lead_id


def test_forget_leaves_no_trace_in_the_database_and_redacts_slack(
    runtime: Runtime, slack_api: SlackStandIn, lead: int
) -> None:
    erased = privacy.erase(runtime.db, runtime.policy, [lead], "U0MANAGER1", runtime.clock())
    assert erased == [lead]
    stored = every_value(runtime)
    for trace in (NAME, EMAIL, PHONE, "CTO", "crm.example.com", NOTE, "mobile"):
        assert trace not in stored, trace
    kept = runtime.leads.get(lead)
    assert (kept.source, kept.route, kept.status, kept.company) == (
        "web",
        "default",
        "contacted",
        "Kimura Soft",
    )
    assert [e.kind for e in runtime.leads.timeline(lead)][-1] == "erased"

    slack_api.clear()
    drain(runtime)
    updated = slack_api.successful_calls("chat.update")
    assert updated, "nothing in Slack was redacted"
    shown = str([c.args for c in updated])
    assert "(personal data erased)" in shown
    for trace in (NAME, EMAIL, NOTE):
        assert trace not in shown
    # every message that showed the person in the channel was replaced
    channel_text = str(slack_api.messages("C0SALES"))
    assert NAME not in channel_text and NOTE not in channel_text

    assert privacy.erase(runtime.db, runtime.policy, [lead], "U0MANAGER1", runtime.clock()) == []


def test_post_leads_forget_by_email_then_again(http: Any, runtime: Runtime, lead: int) -> None:
    answer = post_lead(http, {"email": EMAIL.upper()}, path="/leads/forget")
    assert (answer.status_code, answer.json) == (200, {"erased": [lead], "already_erased": []})
    # The address itself is gone: asked again, Baton has nobody by it; by id, it says so.
    again = post_lead(http, {"email": EMAIL}, path="/leads/forget")
    assert again.json == {"erased": [], "already_erased": []}
    by_id = post_lead(http, {"id": lead}, path="/leads/forget")
    assert by_id.json == {"erased": [], "already_erased": [lead]}
    nobody = post_lead(http, {"email": "nobody@example.com"}, path="/leads/forget")
    assert nobody.json == {"erased": [], "already_erased": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, None),
        ({"email": EMAIL, "id": 1}, None),
        ({"email": 5}, "email"),
        ({"id": "7"}, "id"),
        ({"source": "web"}, "external_id"),
        ({"name": NAME}, "name"),
    ],
)
def test_post_leads_forget_refuses_a_body_it_cannot_read(
    http: Any, runtime: Runtime, lead: int, body: dict[str, Any], field: str | None
) -> None:
    answer = post_lead(http, body, path="/leads/forget")
    assert answer.status_code == 400
    assert (field is None) or field in answer.json["fields"]  # type: ignore[index]
    assert runtime.leads.get(lead).erased_at is None


def test_baton_forget_by_id(
    runtime: Runtime,
    lead: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database_url: str,
) -> None:
    policy = tmp_path / "baton.yml"
    policy.write_text(STANDARD)
    monkeypatch.setenv("BATON_CONFIG", str(policy))
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["forget", f"#{lead}", "--yes"]) == 0
    assert f"Erased the personal data of #{lead}" in capsys.readouterr().out
    assert runtime.leads.get(lead).name is None
    assert main(["forget", "not-an-address"]) == 2


def test_erase_after_erases_closed_leads_once_and_leaves_open_ones(
    runtime: Runtime, clock: FakeClock
) -> None:
    policy = parse_policy(STANDARD + "privacy: {erase_after: 365d}\n")
    closed = runtime.leads.hand_off(LeadInput(source="web", name=NAME, external_id="c")).lead.id
    runtime.leads.claim(closed, "U0REP1")
    runtime.leads.set_outcome(closed, "U0REP1", "disqualified", reason="no_budget")
    still_open = runtime.leads.hand_off(
        LeadInput(source="web", name="Ito", external_id="o")
    ).lead.id

    assert privacy.erase_expired(runtime.db, policy, clock() + timedelta(days=364)) == []
    later = clock() + timedelta(days=366)
    assert privacy.erase_expired(runtime.db, policy, later) == [closed]
    assert privacy.erase_expired(runtime.db, policy, later) == []
    assert runtime.leads.get(still_open).name == "Ito"


@pytest.fixture
def http(web: Flask) -> Any:
    return web.test_client()


@pytest.fixture
def settings(database_url: str, slack_api: SlackStandIn) -> Settings:
    return intake_settings(database_url, slack_api, baton_post_interval_seconds=0)
