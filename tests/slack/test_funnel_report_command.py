"""`/lead-status report`: the funnel report in the ack, in the asker's language."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from bot.leads import funnel_cache
from bot.runtime import Runtime
from tests.slack.conftest import HandOff
from tests.slack.test_cards import text_of
from tests.support.clock import FakeClock
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain


def ask(slack: SlackClientSim, text: str, user: str = "U0MKT1") -> tuple[str, dict[str, Any]]:
    answer = slack.command("/lead-status", text, user=user)
    assert answer.status_code == 200
    body = json.loads(answer.data)
    assert body["response_type"] == "ephemeral" and len(body["blocks"]) <= 50
    return text_of(body["blocks"]), body


@pytest.fixture
def funnel(runtime: Runtime, hand_off: HandOff, clock: FakeClock) -> None:
    """Three autumn-webinar leads and one from the expo, handed off today."""
    leads = runtime.leads
    a, b, c = (hand_off(campaign="秋ウェビナー", email=f"{n}@example.com") for n in "abc")
    expo = hand_off(campaign="Expo", source="expo", email="e@example.com")
    clock.advance(minutes=10)
    leads.claim(a.id, "U0REP1")
    leads.claim(b.id, "U0REP1")
    leads.claim(expo.id, "U0REP2")
    leads.set_outcome(a.id, "U0REP1", "won", amount=Decimal("1200000"))
    leads.set_outcome(b.id, "U0REP1", "disqualified", reason="no_budget")
    leads.set_outcome(expo.id, "U0REP2", "opportunity")
    clock.advance(hours=1)
    del c


def test_by_campaign_in_english(
    slack: SlackClientSim, funnel: None, slack_api: SlackStandIn
) -> None:
    shown, body = ask(slack, "report")
    assert body["text"] == "Leads handed off in the last 30 days, by campaign"
    assert "*All leads*\nHanded off 4 · claimed within SLA 75%" in shown
    assert "*秋ウェビナー*\nHanded off 3 · claimed within SLA 67%" in shown
    assert "opportunities 1 (rate 33%) · won 1 (¥1,200,000)" in shown
    assert "disqualified 1 (mostly No budget)" in shown
    assert shown.index("秋ウェビナー") < shown.index("*Expo*")  # most handed off first
    assert slack_api.calls() == []  # answered in the ack


def test_in_japanese_by_source(slack: SlackClientSim, runtime: Runtime, funnel: None) -> None:
    slack.command("/lead-status", "言語 日本語", user="U0MKT1")
    shown, body = ask(slack, "レポート 先月 流入元別")
    assert body["text"] == "先月に引き渡したリード（流入元別）"
    assert "この期間に引き渡されたリードはありません。" in shown
    shown, _ = ask(slack, "レポート 7日 流入元別")
    assert "*web*\n引き渡し3件・期限内の担当決定67%" in shown
    assert "受注1件（1,200,000円）" in shown and "対象外1件（主な理由：予算なし）" in shown


def test_changes_against_the_period_before(
    slack: SlackClientSim, funnel: None, clock: FakeClock, hand_off: HandOff
) -> None:
    shown, _ = ask(slack, "report 7d")
    assert "*秋ウェビナー*\nHanded off 3 · " in shown  # nothing the week before: no change
    clock.advance(days=7)
    hand_off(campaign="秋ウェビナー", email="d@example.com")
    clock.advance(minutes=1)
    shown, _ = ask(slack, "report 7d")
    assert "*秋ウェビナー*\nHanded off 1 ▼2 · claimed within SLA — · " in shown
    assert "opportunities 0 ▼1 (rate 0% ▼33 pt) · won 0 ▼1" in shown
    assert "*Expo*" not in shown  # no leads this week


def test_an_unknown_word_gets_the_usage(slack: SlackClientSim, funnel: None) -> None:
    shown, _ = ask(slack, "report by weekday")
    assert shown.startswith("“weekday” is not a period or a grouping Baton knows.")
    assert "`/lead-status report 90d by source`" in shown


def test_by_rep_mentions_the_reps(slack: SlackClientSim, funnel: None) -> None:
    shown, _ = ask(slack, "report by rep")
    assert "*<@U0REP1>*" in shown and "*(unclaimed)*" in shown


def test_chart_comes_as_a_file_in_a_dm_in_the_askers_language(
    slack: SlackClientSim, runtime: Runtime, funnel: None, slack_api: SlackStandIn
) -> None:
    slack_api.users["U0MKT1"] = {"locale": "ja-JP"}
    shown, _ = ask(slack, "report 90d by source chart")
    assert "The chart is on its way to you in a direct message from Baton." in shown
    assert slack_api.calls() == []  # nothing drawn or sent while Slack waits for the ack
    drain(runtime)
    [shared] = slack_api.successful_calls("files.completeUploadExternal")
    assert shared.args["channel_id"] == "DU0MKT1"
    assert shared.args["initial_comment"].startswith("直近90日に引き渡したリード（流入元別）（")
    with slack_api.locked() as workspace:
        [file] = workspace.files.uploads.values()
        assert file.data is not None and file.data.startswith(b"\x89PNG")
    [message] = [m for m in slack_api.messages("DU0MKT1") if m.get("files")]
    assert message["files"][0]["name"] == "baton-funnel.png"


def test_a_chart_slack_refuses_is_retried(
    slack: SlackClientSim, runtime: Runtime, funnel: None, slack_api: SlackStandIn, clock: FakeClock
) -> None:
    slack_api.fail("files.completeUploadExternal", status=503)
    ask(slack, "report chart")
    drain(runtime)
    assert not slack_api.successful_calls("files.completeUploadExternal")
    clock.advance(minutes=5)
    drain(runtime)
    assert len(slack_api.successful_calls("files.completeUploadExternal")) == 1


@pytest.fixture
def many_leads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat three leads as "many": reports come from snapshots (bot/leads/funnel_cache)."""
    monkeypatch.setattr(funnel_cache, "INLINE_LEADS", 2)


def test_a_big_report_is_prepared_and_sent_then_kept_ready(
    many_leads: None,
    slack: SlackClientSim,
    runtime: Runtime,
    funnel: None,
    slack_api: SlackStandIn,
    clock: FakeClock,
) -> None:
    shown, _ = ask(slack, "report")
    assert shown.startswith("Preparing this report: with this many leads it takes a moment.")
    assert slack_api.calls() == []
    drain(runtime)
    [dm] = [
        c for c in slack_api.successful_calls("chat.postMessage") if c.args["channel"] == "U0MKT1"
    ]
    assert dm.args["text"] == "Leads handed off in the last 30 days, by campaign"
    assert "*秋ウェビナー*" in text_of(dm.args["blocks"])
    clock.advance(minutes=2)
    shown, _ = ask(slack, "report")  # now at once, from the snapshot, saying how old it is
    assert "*秋ウェビナー*\nHanded off 3" in shown and "As of <!date^" in shown
    assert runtime.scheduler.periodic.refresh_reports() == 1
