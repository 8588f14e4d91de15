"""Clicking the card's buttons through signed requests: claim, owner-only buttons, errors."""

from __future__ import annotations

import logging

import pytest

from bot.core.policy import Policy, parse_policy
from bot.runtime import Runtime
from bot.store.models import LeadStatus
from tests.slack.conftest import HandOff, missing_table
from tests.slack.test_cards import buttons, text_of
from tests.support.clock import FakeClock
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain


def test_a_claim_click_updates_the_card_in_place(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
) -> None:
    lead = hand_off()
    drain(runtime)
    [card] = slack_api.calls("chat.postMessage")
    ts = (card.response or {})["ts"]
    slack_api.clear()
    answer = slack.click("lead_claim", str(lead.id), user="U0REP1", message_ts=ts)
    assert answer.status_code == 200 and answer.data == b""
    assert runtime.leads.get(lead.id).owner_id == "U0REP1"
    assert slack_api.calls() == []  # acknowledged before any Slack call: they follow via delivery
    drain(runtime)
    [updated] = slack_api.calls("chat.update")
    assert (updated.args["channel"], updated.args["ts"]) == ("C0SALES", ts)
    shown = text_of(updated.args["blocks"])
    # Claimed at Fri 10:00 Tokyo; the default route gives a day for the first touch.
    assert (
        "Claimed by <@U0REP1> at <!date^1795136400^{date_short_pretty} {time}|2026-11-20 10:00 JST>"
        " · first touch due <!date^1795222800^{date_short_pretty} {time}|2026-11-21 10:00 JST>"
    ) in shown
    assert buttons(updated.args["blocks"]) == [
        ("lead_touch", str(lead.id)),
        ("lead_release", str(lead.id)),
        ("lead_outcome", str(lead.id)),
    ]
    [reply] = slack_api.calls("chat.postMessage")
    assert reply.args["thread_ts"] == ts and "<@U0REP1> claimed the lead" in reply.args["text"]


def test_later_clickers_are_told_who_claimed_it_and_when(
    slack: SlackClientSim,
    runtime: Runtime,
    slack_api: SlackStandIn,
    hand_off: HandOff,
    clock: FakeClock,
) -> None:
    lead = hand_off()
    drain(runtime)  # the card is up before anyone clicks
    slack.click("lead_claim", str(lead.id), user="U0REP1")
    clock.advance(minutes=7)
    answer = slack.click("lead_claim", str(lead.id), user="U0REP2", channel="C0SALES")
    assert answer.status_code == 200
    drain(runtime)
    [note] = slack_api.calls("chat.postEphemeral")
    assert (note.args["channel"], note.args["user"]) == ("C0SALES", "U0REP2")
    assert note.args["text"] == f"Lead #{lead.id} was already claimed by <@U0REP1> 7 min ago."
    assert len(slack_api.calls("chat.update")) == 1
    assert runtime.leads.get(lead.id).owner_id == "U0REP1"


class TestRolesLimitWhoMayClaim:
    @pytest.fixture
    def policy(self) -> Policy:
        return parse_policy(STANDARD.replace("reps: []", "reps: [U0REP1]"))

    def test_someone_outside_the_reps_is_told_so(
        self, slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
    ) -> None:
        lead = hand_off()
        assert slack.click("lead_claim", str(lead.id), user="U0MKT1").status_code == 200
        drain(runtime)
        [note] = slack_api.calls("chat.postEphemeral")
        assert note.args["user"] == "U0MKT1"
        assert "Only the sales reps listed in Baton's policy can claim leads" in note.args["text"]
        assert runtime.leads.get(lead.id).status == LeadStatus.UNCLAIMED


@pytest.mark.parametrize(
    ("action", "refusal"),
    [
        ("lead_touch", "Only the owner or a manager can log the first touch"),
        ("lead_release", "Only the owner or a manager can release this lead"),
        ("lead_outcome", "Only the owner or a manager can set the outcome"),
    ],
)
def test_owner_buttons_refuse_everyone_else(
    slack: SlackClientSim,
    runtime: Runtime,
    slack_api: SlackStandIn,
    hand_off: HandOff,
    action: str,
    refusal: str,
) -> None:
    lead = hand_off()
    runtime.leads.claim(lead.id, "U0REP1")
    drain(runtime)
    slack_api.clear()
    assert slack.click(action, str(lead.id), user="U0REP2").status_code == 200
    drain(runtime)
    [note] = slack_api.calls("chat.postEphemeral")
    assert note.args["user"] == "U0REP2" and refusal in note.args["text"]
    after = runtime.leads.get(lead.id)
    assert (after.status, after.owner_id, after.first_touch_at) == ("claimed", "U0REP1", None)
    assert slack_api.calls("chat.update") == [] and slack_api.calls("views.open") == []


def test_the_owner_logs_the_first_touch_and_the_card_says_so(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
) -> None:
    lead = hand_off()
    runtime.leads.claim(lead.id, "U0REP1")
    drain(runtime)
    slack_api.clear()
    assert slack.click("lead_touch", str(lead.id), user="U0REP1").status_code == 200
    drain(runtime)
    [updated] = slack_api.calls("chat.update")
    assert "first touch logged" in text_of(updated.args["blocks"])
    assert [a for a, _ in buttons(updated.args["blocks"])] == ["lead_release", "lead_outcome"]
    assert runtime.leads.get(lead.id).status == LeadStatus.CONTACTED


def test_a_manager_releases_a_lead_back_to_the_channel(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
) -> None:
    lead = hand_off()
    runtime.leads.claim(lead.id, "U0REP1")
    drain(runtime)
    slack_api.clear()
    assert slack.click("lead_release", str(lead.id), user="U0MANAGER1").status_code == 200
    drain(runtime)
    [updated] = slack_api.calls("chat.update")
    assert buttons(updated.args["blocks"]) == [("lead_claim", str(lead.id))]
    assert "*Unclaimed* · claim by" in text_of(updated.args["blocks"])
    [reply] = slack_api.calls("chat.postMessage")
    assert "<@U0MANAGER1> released the lead" in reply.args["text"]


def test_a_button_on_a_closed_lead_explains_why_nothing_happens(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
) -> None:
    lead = hand_off()
    runtime.leads.claim(lead.id, "U0REP1")
    runtime.leads.set_outcome(lead.id, "U0REP1", "won")
    slack.click("lead_claim", str(lead.id), user="U0REP2")
    drain(runtime)
    [note] = slack_api.calls("chat.postEphemeral")
    assert note.args["text"] == f"Lead #{lead.id} is won, so you can't claim it."


def test_unknown_buttons_and_values_get_a_plain_answer(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    assert slack.click("lead_claim", "not-a-lead", user="U0REP1").status_code == 200
    assert slack.click("lead_claim", "999999", user="U0REP1").status_code == 200
    assert slack.click("lead_frobnicate", "1", user="U0REP1").status_code == 200
    drain(runtime)
    texts = [c.args["text"] for c in slack_api.calls("chat.postEphemeral")]
    assert texts == [
        "This button does not point to a lead Baton knows (value “not-a-lead”).",
        "Lead #999999 does not exist.",
        "This button is no longer in use. Use the buttons on the lead's newest card.",
    ]


def test_an_unexpected_failure_shows_an_error_id_and_logs_it(
    slack: SlackClientSim,
    runtime: Runtime,
    slack_api: SlackStandIn,
    hand_off: HandOff,
    caplog: pytest.LogCaptureFixture,
) -> None:
    lead = hand_off()
    with missing_table(runtime, "lead_events"):
        with caplog.at_level(logging.ERROR):
            assert slack.click("lead_claim", str(lead.id), user="U0REP1").status_code == 200
        drain(runtime)
        [note] = slack_api.calls("chat.postEphemeral")
        assert "Something went wrong on Baton's side" in note.args["text"]
        assert "Traceback" not in note.args["text"] and "lead_events" not in note.args["text"]
        error_id = note.args["text"].rsplit(" ", 1)[1].rstrip(".")
        logged = [r for r in caplog.records if error_id in r.getMessage()]
        assert logged and logged[0].exc_info is not None
        assert runtime.leads.get(lead.id).status == LeadStatus.UNCLAIMED
