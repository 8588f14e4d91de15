"""/lead-status: every form, in English and Japanese, answered in the ack (ephemeral)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from bot.core.policy import Policy, parse_policy
from bot.runtime import Runtime
from bot.store import people
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


@pytest.fixture(autouse=True)
def members_known(runtime: Runtime) -> None:
    """Slack has said the reps asking here are members of the workspace, so they see the
    leads' contact details (someone it has not yet told Baton of: test_contact_details)."""
    with runtime.db.transaction() as session:
        for user in ("U0REP1", "U0REP9"):
            people.remember(session, user, None, runtime.clock(), guest=False)


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


def test_a_part_of_a_company_name_finds_its_leads(slack: SlackClientSim, hand_off: HandOff) -> None:
    kimura = hand_off(company="株式会社木村ソフト", name="木村 一郎", email="k@example.co.jp")
    kana = hand_off(company="キムラ商事", name="Kana Kimura", email="kana@example.co.jp")
    abc = hand_off(company="abc inc", name="Ann Bell", email="ann@example.com")
    _, body = ask(slack, "木村")
    assert body["text"] == f"Lead #{kimura.id}: 木村 一郎"  # one match: that lead
    _, body = ask(slack, "ｷﾑﾗ")
    assert body["text"] == f"Lead #{kana.id}: Kana Kimura"
    _, body = ask(slack, "ＡＢＣ")
    assert body["text"] == f"Lead #{abc.id}: Ann Bell"


def test_an_exact_company_comes_before_partial_matches(
    slack: SlackClientSim, hand_off: HandOff
) -> None:
    exact = hand_off(company="Kimura", name="Exact Match", email="x@example.com")
    inside = hand_off(company="Big Kimura KK", name="Inside Match", email="i@example.com")
    start = hand_off(company="KIMURA Soft", name="Start Match", email="s@example.com")
    shown, _ = ask(slack, "kimura")
    lines = shown.splitlines()
    assert lines[0] == "*Leads matching “kimura” (3)*"
    assert [line.split("*")[1] for line in lines[1:4]] == [
        f"#{exact.id}",
        f"#{start.id}",
        f"#{inside.id}",
    ]


def test_wildcards_in_a_company_query_are_literal(slack: SlackClientSim, hand_off: HandOff) -> None:
    percent = hand_off(company="Save 50% KK", name="Per Cent", email="p@example.com")
    hand_off(company="Save 500 KK", name="Five Hundred", email="f@example.com")
    under = hand_off(company="a_b Systems", name="Under Score", email="u@example.com")
    hand_off(company="axb Systems", name="Ax Bee", email="a@example.com")
    _, body = ask(slack, "50%")
    assert body["text"] == f"Lead #{percent.id}: Per Cent"
    _, body = ask(slack, "a_b")
    assert body["text"] == f"Lead #{under.id}: Under Score"
    shown, _ = ask(slack, "%%")
    assert "No lead matches “%%”." in shown


@pytest.mark.parametrize(
    "text",
    ["campaign autumn webinar", "CAMPAIGN  Ａｕｔｕｍｎ  WEBINAR", "キャンペーン autumn webinar"],
)
def test_a_campaigns_leads_newest_first(slack: SlackClientSim, team: Team, text: str) -> None:
    shown, _ = ask(slack, text)
    lines = shown.splitlines()
    assert lines[0] == "*Leads of the campaign “Autumn webinar” (4)*"
    assert [line.split("*")[1] for line in lines[1:5]] == [
        f"#{i}" for i in (team.claimed_late, team.disqualified, team.overdue, team.contacted)
    ]
    assert lines[1].startswith(f"*#{team.claimed_late}* E Abe · Late Ltd — 🙋 Claimed by")


def test_a_campaign_with_many_leads_shows_the_newest(
    slack: SlackClientSim, hand_off: HandOff, clock: FakeClock
) -> None:
    ids = []
    for n in range(22):
        ids.append(hand_off(campaign="Spring ＥＸＰＯ", email=f"s{n}@example.com").id)
        clock.advance(minutes=1)
    hand_off(campaign="Spring EXPO 2", email="other@example.com")
    shown, _ = ask(slack, "campaign spring expo")
    lines = shown.splitlines()
    assert lines[0] == "*Leads of the campaign “Spring ＥＸＰＯ”: the newest 20 of 22*"
    assert lines[1].startswith(f"*#{ids[-1]}* ")


def test_a_campaign_unknown_or_not_named(slack: SlackClientSim, team: Team) -> None:
    shown, _ = ask(slack, "campaign Winter fair")
    assert "No lead comes from a campaign named “Winter fair”." in shown
    shown, _ = ask(slack, "campaign")
    assert "*How to use /lead-status*" in shown
    assert "`/lead-status campaign Autumn webinar`" in shown


def test_leads_returned_to_marketing_with_the_reps_note(
    slack: SlackClientSim, runtime: Runtime, team: Team, clock: FakeClock
) -> None:
    shown, _ = ask(slack, "returned")
    assert "No lead has been returned to marketing." in shown
    runtime.leads.set_outcome(
        team.contacted, "U0REP1", "returned", note="Budget comes in April:\nask again then"
    )
    clock.advance(minutes=1)
    runtime.leads.set_outcome(team.claimed_late, "U0REP1", "returned", note="Wrong person")
    shown, _ = ask(slack, "returned")
    assert shown.splitlines()[:5] == [
        "*Leads returned to marketing (2)*",
        f"*#{team.claimed_late}* E Abe · Late Ltd — ↩️ *Returned to marketing* by <@U0REP1> · "
        "<!date^1795140060^{date_short_pretty} {time}|2026-11-20 11:01 JST>",
        ">Wrong person",
        f"*#{team.contacted}* A Ito · Example KK — ↩️ *Returned to marketing* by <@U0REP1> · "
        "<!date^1795140000^{date_short_pretty} {time}|2026-11-20 11:00 JST>",
        ">Budget comes in April: ask again then",
    ]


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
        assert "`/lead-status キャンペーン 秋のウェビナー`" in shown
        assert "`/lead-status 差し戻し`" in shown
        shown, _ = ask(slack, "キャンペーン ａｕｔｕｍｎ webinar")
        assert shown.startswith("*キャンペーン「Autumn webinar」のリード（4件）*")
        shown, _ = ask(slack, "キャンペーン 冬の展示会")
        assert "キャンペーン「冬の展示会」のリードは見つかりませんでした。" in shown
        shown, _ = ask(slack, "差し戻し")
        assert "マーケティングへ差し戻しのリードはありません。" in shown

    def test_returned_leads_in_japanese(
        self, slack: SlackClientSim, runtime: Runtime, team: Team
    ) -> None:
        runtime.leads.set_outcome(team.contacted, "U0REP1", "returned", note="4月に再検討")
        shown, _ = ask(slack, "差し戻し")
        lines = shown.splitlines()
        assert lines[0] == "*マーケティングへ差し戻しのリード（1件）*"
        assert "*マーケティングへ差し戻し*（<@U0REP1> さん・" in lines[1]
        assert lines[2] == ">4月に再検討"
