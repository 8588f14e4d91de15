"""/lead-status: every form, in English and Japanese, answered in the ack (ephemeral)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from bot.core.policy import Policy, parse_policy
from bot.runtime import Runtime
from tests.slack.conftest import HandOff, missing_table
from tests.slack.test_cards import text_of
from tests.support.clock import FakeClock
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim


@dataclass
class Team:
    """Leads in every state, as of Fri 2026-11-20 11:00 Tokyo."""

    contacted: int  # enterprise; claimed 10:05 by U0REP1 (in time), touched 10:35 (in time)
    overdue: int  # default route; unclaimed, claim deadline 10:30
    disqualified: int  # claimed 10:10 by U0REP2, disqualified for no budget
    claimed_late: int  # claimed 10:50 by U0REP1, 20 minutes after its deadline


@pytest.fixture
def team(runtime: Runtime, hand_off: HandOff, clock: FakeClock) -> Team:
    leads = runtime.leads
    a = hand_off(segment="enterprise", company="Example KK", email="a@example.com", name="A Ito")
    b = hand_off(company="Overdue Corp", email="b@example.com", name="B Kato")
    c = hand_off(company="Example KK", email="c@example.com", name="C Mori")
    e = hand_off(company="Late Ltd", email="e@example.com", name="E Abe")
    clock.advance(minutes=5)
    leads.claim(a.id, "U0REP1")
    clock.advance(minutes=5)
    leads.claim(c.id, "U0REP2")
    leads.set_outcome(c.id, "U0REP2", "disqualified", reason="no_budget")
    clock.advance(minutes=25)
    leads.log_first_touch(a.id, "U0REP1", note="Spoke with the CIO")
    clock.advance(minutes=15)
    leads.claim(e.id, "U0REP1")
    clock.advance(minutes=10)
    return Team(a.id, b.id, c.id, e.id)


def ask(slack: SlackClientSim, text: str, user: str = "U0REP1") -> tuple[str, dict[str, Any]]:
    answer = slack.command("/lead-status", text, user=user)
    assert answer.status_code == 200
    body = json.loads(answer.data)
    assert body["response_type"] == "ephemeral"
    assert 0 < len(body["blocks"]) <= 50
    return text_of(body["blocks"]), body


def test_summary(slack: SlackClientSim, team: Team, slack_api: SlackStandIn) -> None:
    shown, _ = ask(slack, "")
    for expected in (
        "*Open and unclaimed*\n1",
        "*Claimed, awaiting first touch*\n1",
        "*Overdue now*\n1",
        "*Handed off today*\n4",
        "Claimed in time: 2 of 4 (50%)",
        "First touch in time: 1 of 1 (100%)",
        "Median time to claim: 10 min · to first touch: 30 min",
        "1. No budget — 1",
    ):
        assert expected in shown, expected
    assert slack_api.calls() == []  # answered in the ack: no Web API call at all


@pytest.mark.parametrize("form", ["#{id}", "{id}", "a@example.com", "A@Example.com"])
def test_one_lead_with_its_timeline(slack: SlackClientSim, team: Team, form: str) -> None:
    shown, body = ask(slack, form.format(id=team.contacted))
    assert body["text"] == f"Lead #{team.contacted}: A Ito"
    assert "first touch logged" in shown
    timeline = shown[shown.index("*Timeline*") :].splitlines()[1:]
    assert [line.split("  ", 1)[-1] for line in timeline] == [
        "📥 Handed off by the intake API (route enterprise)",
        "🙋 <@U0REP1> claimed the lead",
        "📞 <@U0REP1> logged the first touch",
        ">Spoke with the CIO",
    ]


def test_a_company_with_several_leads_lists_them(slack: SlackClientSim, team: Team) -> None:
    shown, _ = ask(slack, "example kk")
    lines = shown.splitlines()
    assert lines[0] == "*Leads matching “example kk” (2)*"
    assert lines[1].startswith(f"*#{team.disqualified}* C Mori · Example KK — 🚫 *Disqualified*")
    assert lines[2].startswith(f"*#{team.contacted}* A Ito · Example KK — 📞 Claimed by <@U0REP1>")


def test_a_company_with_one_lead_shows_that_lead(slack: SlackClientSim, team: Team) -> None:
    _, body = ask(slack, "  OVERDUE corp ")
    assert body["text"] == f"Lead #{team.overdue}: B Kato"


def test_mine(slack: SlackClientSim, team: Team) -> None:
    shown, _ = ask(slack, "mine", user="U0REP1")
    lines = shown.splitlines()
    assert lines[0] == "*Your open leads (2)*"
    assert lines[1].startswith(f"*#{team.claimed_late}* E Abe · Late Ltd — 🙋 Claimed by")
    assert lines[2].startswith(f"*#{team.contacted}* A Ito")
    shown, _ = ask(slack, "mine", user="U0REP9")
    assert "You have no open leads." in shown


def test_overdue(slack: SlackClientSim, team: Team) -> None:
    shown, _ = ask(slack, "overdue")
    assert shown.splitlines()[:2] == [
        "*Overdue leads: 1*",
        f"*#{team.overdue}* B Kato — 30 min past the claim deadline "
        "(<!date^1795138200^{date_short_pretty} {time}|2026-11-20 10:30 JST>), still unclaimed",
    ]


@pytest.mark.parametrize("text", ["help", "nobody-like-this", "#99999", "x" * 400])
def test_help_and_anything_unrecognised(slack: SlackClientSim, team: Team, text: str) -> None:
    shown, _ = ask(slack, text)
    assert "*How to use /lead-status*" in shown
    if text not in ("help", "x" * 400):
        assert "No lead matches “" in shown


def test_an_unexpected_failure_answers_with_an_error_id(
    slack: SlackClientSim, runtime: Runtime
) -> None:
    with missing_table(runtime, "leads"):
        answer = slack.command("/lead-status", "")
        body = json.loads(answer.data)
        assert answer.status_code == 200 and body["response_type"] == "ephemeral"
        assert "Something went wrong on Baton's side" in body["text"]
        assert "Traceback" not in body["text"] and "leads_gone" not in body["text"]


JAPANESE_DATE = re.compile(r"(\d{4}年)?\d{1,2}月\d{1,2}日\([月火水木金土日]\) \d{1,2}:\d{2}")


class TestJapanese:
    @pytest.fixture
    def policy(self) -> Policy:
        return parse_policy(STANDARD.replace("locale: en", "locale: ja"))

    def test_every_form_answers_in_japanese(self, slack: SlackClientSim, team: Team) -> None:
        shown, _ = ask(slack, "")
        assert "*担当者未定*\n1" in shown and "期限内の担当決定：4件中2件（50%）" in shown
        assert "中央値：担当決定まで10分・初回接触まで30分" in shown
        assert "1. 予算なし：1件" in shown
        shown, _ = ask(slack, f"#{team.contacted}")
        assert "<@U0REP1> さんが初回接触を記録しました" in shown and "*これまでの経緯*" in shown
        # Slack formats the dates; their fallback reads as Japanese, not ISO
        fallbacks = re.findall(r"<!date\^\d+\^[^|]*\|([^>]*)>", shown)
        assert fallbacks and all(JAPANESE_DATE.fullmatch(f) for f in fallbacks), fallbacks
        assert any(f.endswith("11月20日(金) 10:05") for f in fallbacks)  # claimed
        shown, _ = ask(slack, "example kk")
        assert "*「example kk」に該当するリード（2件）*" in shown
        shown, _ = ask(slack, "自分")
        assert "*担当中のリード（2件）*" in shown
        shown, _ = ask(slack, "期限切れ")
        assert "担当決定期限（<!date^1795138200" in shown and "を30分超過・担当者未定" in shown
        shown, _ = ask(slack, "ヘルプ")
        assert "*/lead-status の使い方*" in shown
        shown, _ = ask(slack, "該当なし株式会社")
        assert "「該当なし株式会社」に該当するリードは見つかりませんでした。" in shown
