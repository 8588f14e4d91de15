"""App Home: opening the tab queues a publish of the viewer's open leads and the summary."""

from __future__ import annotations

import pytest

from bot.core.policy import Policy, parse_policy
from bot.runtime import Runtime
from bot.slack_standin.requests import app_home_opened_body
from tests.slack.conftest import HandOff
from tests.slack.test_cards import text_of
from tests.support.clock import FakeClock
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain


def test_opening_home_publishes_the_viewers_leads_and_the_summary(
    slack: SlackClientSim,
    runtime: Runtime,
    slack_api: SlackStandIn,
    hand_off: HandOff,
    clock: FakeClock,
) -> None:
    mine = hand_off(name="Mine Co lead", email="mine@example.com", segment="enterprise")
    other = hand_off(name="Someone else's", email="other@example.com")
    hand_off(name="Nobody's yet", email="nobody@example.com")
    runtime.leads.claim(mine.id, "U0REP1")
    runtime.leads.claim(other.id, "U0REP2")
    drain(runtime)
    slack_api.clear()
    assert slack.home_opened("U0REP1").status_code == 200
    assert slack_api.calls() == []  # nothing is sent before the event is acknowledged
    drain(runtime)
    [published] = slack_api.calls("views.publish")
    assert published.ok and published.args["user_id"] == "U0REP1"
    view = published.args["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    shown = text_of(view["blocks"])
    assert "*Your open leads (1)*" in shown
    assert f"*#{mine.id}* Mine Co lead" in shown and "Someone else's" not in shown
    # the next deadline: the first touch, two business hours after the claim (12:00 Tokyo)
    assert "first touch due <!date^1795143600^" in shown
    assert "*Open and unclaimed*\n1" in shown and "*Claimed, awaiting first touch*\n2" in shown


def test_managers_and_marketers_see_the_funnel_report_by_campaign(
    slack: SlackClientSim,
    runtime: Runtime,
    slack_api: SlackStandIn,
    hand_off: HandOff,
    clock: FakeClock,
) -> None:
    won = hand_off(campaign="秋ウェビナー", email="a@example.com")
    hand_off(campaign="秋ウェビナー", email="b@example.com")
    runtime.leads.claim(won.id, "U0REP1")
    runtime.leads.set_outcome(won.id, "U0REP1", "won")
    clock.advance(minutes=1)
    for user in ("U0MANAGER1", "U0MKT1", "U0REP1"):
        slack.home_opened(user)
    drain(runtime)
    shown = {
        c.args["user_id"]: text_of(c.args["view"]["blocks"])
        for c in slack_api.calls("views.publish")
    }
    for user in ("U0MANAGER1", "U0MKT1"):
        assert "Leads handed off in the last 30 days, by campaign" in shown[user]
        assert "*秋ウェビナー*\nHanded off 2" in shown[user]
        assert "opportunities 1 (rate 50%) · won 1" in shown[user]
    assert "Leads handed off in the last 30 days" not in shown["U0REP1"]


def test_home_without_leads(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    slack.home_opened("U0REP9")
    drain(runtime)
    [published] = slack_api.calls("views.publish")
    assert "You have no open leads right now." in text_of(published.args["view"]["blocks"])


def test_the_messages_tab_publishes_nothing(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    assert slack.post(app_home_opened_body("U0REP1", tab="messages")).status_code == 200
    drain(runtime)
    assert slack_api.calls() == []


class TestJapanese:
    @pytest.fixture
    def policy(self) -> Policy:
        return parse_policy(STANDARD.replace("locale: en", "locale: ja"))

    def test_home_in_japanese(
        self, slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
    ) -> None:
        slack_api.locale = "ja-JP"  # a Tokyo team's Slack
        lead = hand_off()
        runtime.leads.claim(lead.id, "U0REP1")
        slack.home_opened("U0REP1")
        drain(runtime)
        [published] = slack_api.calls("views.publish")
        view = published.args["view"]
        assert view["blocks"][0]["text"]["text"] == "Baton・担当リード"
        shown = text_of(view["blocks"])
        assert "*担当中のリード（1件）*" in shown and "担当者：<@U0REP1> さん（" in shown
