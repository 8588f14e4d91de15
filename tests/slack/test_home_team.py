"""App Home where leads are assigned: the viewer's away state with a date picker and
Away / I'm back, the offers waiting for their answer with Accept / Pass, and what the
away controls do (signed block_actions through Bolt), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.policy import Policy, parse_policy
from bot.runtime import Runtime
from bot.slack.ids import ActionId, BlockId, HomeActionId
from tests.slack.conftest import HandOff
from tests.slack.test_cards import text_of
from tests.support.clock import FakeClock
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain
from tests.support.team import TEAM, away_row, homes_queued, team_policy

END_OF_DEC_10_TOKYO = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def policy() -> Policy:
    return team_policy()


def published_home(runtime: Runtime, slack_api: SlackStandIn, user: str) -> dict[str, Any]:
    """Deliver what is queued; the last Home tab published for `user`."""
    drain(runtime)
    views = [c.args["view"] for c in slack_api.calls("views.publish") if c.args["user_id"] == user]
    assert views, f"no Home tab published for {user}"
    view = views[-1]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def away_controls(view: dict[str, Any]) -> list[dict[str, Any]]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_AWAY]
    return list(block["elements"])


def offer_buttons(view: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (e["action_id"], e["value"])
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("action_id") in (ActionId.ACCEPT, ActionId.PASS)
    ]


def home_click(
    slack: SlackClientSim, action_id: str, *, user: str = "U0REP1", picked: str | None = None
) -> None:
    """A click in the Home tab, with the date picker's state as Slack sends it."""
    picker: dict[str, Any] = {"type": "datepicker", "selected_date": picked}
    state = {"values": {BlockId.HOME_AWAY: {HomeActionId.AWAY_UNTIL: picker}}}
    view = {"id": "V0HOME", "type": "home", "state": state}
    answer = slack.click(action_id, "", user=user, block_id=BlockId.HOME_AWAY, view=view)
    assert answer.status_code == 200


# --- the away state ------------------------------------------------------------------------


def test_home_shows_the_away_state_with_its_controls(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    slack.command("/lead-status", "away <@U0REP2> until 12/10", user="U0MANAGER1")
    slack.home_opened("U0REP5")
    away = published_home(runtime, slack_api, "U0REP2")  # redrawn by the command
    shown = text_of(away["blocks"])
    assert "🌴 *You are away through 2026-12-10.* Round robin and offers skip you" in shown
    assert "Set by <@U0MANAGER1>." in shown
    picker, away_button, back_button = away_controls(away)
    assert (picker["action_id"], picker["initial_date"]) == (HomeActionId.AWAY_UNTIL, "2026-12-10")
    assert [away_button["action_id"], back_button["action_id"]] == ["home_away", "home_back"]

    here = published_home(runtime, slack_api, "U0REP5")
    assert "*Going away?* Pick your last day away" in text_of(here["blocks"])
    assert [e["action_id"] for e in away_controls(here)] == ["home_away_until", "home_away"]


class TestClaimOnly:
    @pytest.fixture
    def policy(self) -> Policy:
        return parse_policy(STANDARD)

    def test_no_away_controls_where_no_route_assigns(
        self, slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
    ) -> None:
        slack.home_opened("U0REP1")
        view = published_home(runtime, slack_api, "U0REP1")
        assert not any(b.get("block_id") == BlockId.HOME_AWAY for b in view["blocks"])


# --- offers waiting --------------------------------------------------------------------------


def test_home_lists_the_offers_waiting_with_accept_and_pass(
    slack: SlackClientSim,
    runtime: Runtime,
    slack_api: SlackStandIn,
    hand_off: HandOff,
    clock: FakeClock,
) -> None:
    slack.command("/lead-status", "away", user="U0REP2")  # every offer goes to U0REP1
    first = hand_off(segment="enterprise", email="a@example.com", name="Aya Nakamura")
    second = hand_off(segment="enterprise", email="b@example.com", company="Beta KK")
    clock.advance(minutes=5)
    slack.home_opened("U0REP1")
    view = published_home(runtime, slack_api, "U0REP1")
    shown = text_of(view["blocks"])
    assert "*Offers waiting for you (2)*" in shown
    # accept within 30 minutes of the offer: 10:30 Tokyo
    due = int(datetime(2026, 11, 20, 1, 30, tzinfo=UTC).timestamp())
    assert f"*#{first.id}* Aya Nakamura · Example KK\nAccept by <!date^{due}^" in shown
    assert f"*#{second.id}* Hanako Sato · Beta KK\nAccept by <!date^{due}^" in shown
    assert offer_buttons(view) == [
        ("lead_accept", str(first.id)),
        ("lead_pass", str(first.id)),
        ("lead_accept", str(second.id)),
        ("lead_pass", str(second.id)),
    ]

    runtime.leads.pass_offer(first.id, "U0REP1")  # nobody else: it goes to the channel
    slack.home_opened("U0REP1")
    view = published_home(runtime, slack_api, "U0REP1")
    assert "*Offers waiting for you (1)*" in text_of(view["blocks"])
    assert offer_buttons(view) == [("lead_accept", str(second.id)), ("lead_pass", str(second.id))]


class TestManyOffers:
    @pytest.fixture
    def policy(self) -> Policy:
        return parse_policy(TEAM.replace("pool: [U0REP1, U0REP2]", "pool: [U0REP1]"))

    def test_the_home_tab_stays_within_block_kits_limit(
        self,
        slack: SlackClientSim,
        runtime: Runtime,
        slack_api: SlackStandIn,
        hand_off: HandOff,
    ) -> None:
        offered = [hand_off(segment="enterprise", email=f"o{n}@example.com") for n in range(13)]
        for n in range(40):  # and many open leads of their own
            runtime.leads.claim(hand_off(email=f"m{n}@example.com").id, "U0REP1")
        slack.home_opened("U0REP1")
        view = published_home(runtime, slack_api, "U0REP1")
        shown = text_of(view["blocks"])
        assert "*Offers waiting for you (13)*" in shown
        assert "3 more offers waiting: see your DMs from Baton." in shown
        shown_ids = {value for _, value in offer_buttons(view)}
        assert shown_ids == {str(lead.id) for lead in offered[:10]}  # the oldest first
        assert "*Your open leads (" in shown  # as many as the list shows
        assert view["blocks"][-1]["type"] == "context"  # nothing cut off at the end


# --- the away controls -------------------------------------------------------------------------


def test_away_until_the_day_picked_then_back(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, clock: FakeClock
) -> None:
    home_click(slack, HomeActionId.AWAY, picked="2026-12-10")
    row = away_row(runtime.db, "U0REP1")
    assert row is not None
    assert (row.away_from, row.away_until, row.away_set_by) == (
        clock(),
        END_OF_DEC_10_TOKYO,
        "U0REP1",
    )
    assert "You are away through 2026-12-10." in text_of(
        published_home(runtime, slack_api, "U0REP1")["blocks"]
    )

    home_click(slack, HomeActionId.BACK)
    row = away_row(runtime.db, "U0REP1")
    assert row is not None and row.away_from is None
    view = published_home(runtime, slack_api, "U0REP1")
    assert "*Going away?*" in text_of(view["blocks"])


def test_away_with_no_day_picked_is_until_back(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    home_click(slack, HomeActionId.AWAY)
    row = away_row(runtime.db, "U0REP1")
    assert row is not None and row.away_from is not None and row.away_until is None
    view = published_home(runtime, slack_api, "U0REP1")
    assert "You are away until you say you are back." in text_of(view["blocks"])


def test_a_day_already_past_changes_nothing_and_says_why(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    home_click(slack, HomeActionId.AWAY, picked="2026-11-19")
    row = away_row(runtime.db, "U0REP1")
    assert row is None or row.away_from is None
    assert homes_queued(runtime.db) == []
    drain(runtime)
    [note] = slack_api.calls("chat.postMessage")  # a Home tab has no channel: a DM
    assert note.args["channel"] == "U0REP1"
    assert note.args["text"] == "Pick today or a later day as your last day away."


def test_picking_a_day_only_fills_the_picker(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    picked = {
        "type": "datepicker",
        "action_id": HomeActionId.AWAY_UNTIL,
        "selected_date": "2026-12-10",
    }
    answer = slack.click(
        HomeActionId.AWAY_UNTIL,
        "",
        block_id=BlockId.HOME_AWAY,
        view={"id": "V0HOME", "type": "home"},
        action=picked,
    )
    assert answer.status_code == 200
    assert away_row(runtime.db, "U0REP1") is None
    drain(runtime)
    assert slack_api.calls() == []  # no "unknown button" note either


class TestJapanese:
    @pytest.fixture
    def policy(self) -> Policy:
        return team_policy("ja")

    def test_home_in_japanese(
        self,
        slack: SlackClientSim,
        runtime: Runtime,
        slack_api: SlackStandIn,
        hand_off: HandOff,
    ) -> None:
        slack_api.locale = "ja-JP"
        slack.command("/lead-status", "不在", user="U0REP2")
        lead = hand_off(segment="enterprise", name="中村 彩", company=None)
        slack.home_opened("U0REP1")
        view = published_home(runtime, slack_api, "U0REP1")
        shown = text_of(view["blocks"])
        assert "*回答待ちの打診（1件）*" in shown
        assert f"*#{lead.id}* 中村 彩 様\n回答期限：<!date^" in shown
        assert "*不在にする場合*：不在の最終日を選んで「不在にする」を押してください" in shown
        buttons = [
            e["text"]["text"]
            for b in view["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["type"] == "button"
        ]
        assert buttons == ["引き受ける", "見送る…", "不在にする"]
        away = published_home(runtime, slack_api, "U0REP2")
        assert "🌴 *復帰するまで不在です。*" in text_of(away["blocks"])
