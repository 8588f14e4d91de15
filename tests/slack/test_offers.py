"""Assignment through the real app: a lead of an offer route is offered by DM to one rep
at a time (Accept / Pass…), its card says so, each step is a reply in the card's thread;
a round robin lead is its owner's from the start. Signed requests into the app, Slack's
Web API as the local stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.core.policy import Policy, parse_policy
from bot.runtime import Runtime
from bot.slack.ids import ActionId, BlockId, InputId, ViewId
from tests.support.clock import FakeClock
from tests.support.sla import action_ids, at, hand_off, landed_in, posts
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain

POLICY = """
locale: en
timezone: Asia/Tokyo
roles:
  managers: [U0MANAGER1]
  reps: [U0REP1, U0REP2, U0REP3]
away_status_emoji: [":palm_tree:"]
routes:
  - name: enterprise
    when: {segment: enterprise}
    channel: C0ENTERPRISE
    calendar: always
    claim_within: 15m
    first_touch_within: 2h
    escalate:
      - {after: 0m, notify: [managers]}
    assign:
      mode: offer
      pool: [reps]
      strategy: strict
      accept_within: 5m
      max_offers: 2
  - name: partners
    when: {source: partner}
    channel: C0PARTNERS
    calendar: always
    claim_within: 30m
    first_touch_within: 1d
    assign: {mode: round_robin, pool: [S0INSIDE], strategy: strict}
  - name: default
    channel: C0SALES
    calendar: always
    claim_within: 30m
    first_touch_within: 1d
    assign: {mode: round_robin, pool: [reps], strategy: strict}
"""


@pytest.fixture
def policy() -> Policy:
    return parse_policy(POLICY)


@pytest.fixture
def slack(runtime: Runtime) -> SlackClientSim:  # the app on this module's runtime
    from bot.slack_app import create_bolt_app
    from bot.web import create_web_app

    return SlackClientSim(create_web_app(runtime, create_bolt_app(runtime)).test_client())


def dms_to(api: SlackStandIn, user: str) -> list[Any]:
    return posts(api, f"D{user}")


def card(api: SlackStandIn) -> dict[str, Any]:
    """The card as the channel shows it now (after any chat.update)."""
    [shown] = [m for m in api.messages("C0ENTERPRISE") if not is_reply(m)]
    return shown


def card_state(api: SlackStandIn) -> str:
    blocks = card(api)["blocks"]
    return " ".join(b["text"]["text"] for b in blocks if b["type"] == "section" and b.get("text"))


def card_buttons(api: SlackStandIn) -> list[str]:
    return [
        e["action_id"] for b in card(api)["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


def thread(api: SlackStandIn) -> list[str]:
    return [str(m["text"]) for m in api.messages("C0ENTERPRISE") if is_reply(m)]


def is_reply(message: dict[str, Any]) -> bool:
    """A reply in a thread (a parent with replies carries its own ts as thread_ts)."""
    return message.get("thread_ts") not in (None, message.get("ts"))


def pass_form(reason: str | None = None, note: str | None = None) -> dict[str, Any]:
    return {
        BlockId.PASS_REASON: {
            InputId.PASS_REASON: {
                "type": "static_select",
                "selected_option": {"value": reason} if reason else None,
            }
        },
        BlockId.PASS_NOTE: {InputId.PASS_NOTE: {"type": "plain_text_input", "value": note}},
    }


def test_an_offer_goes_by_dm_and_the_card_says_so_without_a_claim_button(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(runtime)
    drain(runtime)

    [offer] = dms_to(slack_api, "U0REP1")
    assert f"Lead #{lead_id}" in offer.args["text"] and "Accept it by" in offer.args["text"]
    assert action_ids(offer) == [ActionId.ACCEPT, ActionId.PASS]
    assert "Offered to* <@U0REP1> (1 of 2)" in card_state(slack_api)
    assert card_buttons(slack_api) == []  # nobody races for it while it is offered
    assert any("Offered to <@U0REP1> (1 of 2)" in reply for reply in thread(slack_api))


def test_pass_with_a_reason_offers_it_to_the_next_rep_who_accepts(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(runtime)
    drain(runtime)

    answer = slack.click(ActionId.PASS, str(lead_id), user="U0REP1", trigger_id="trig-7")
    assert answer.status_code == 200
    [opened] = slack_api.wait_for("views.open")
    assert opened.args["trigger_id"] == "trig-7"
    submitted = slack.submit(
        ViewId.PASS,
        pass_form("territory", "Kansai account"),
        user="U0REP1",
        private_metadata=str(lead_id),
    )
    assert submitted.status_code == 200 and not submitted.data  # closed: no errors
    drain(runtime)
    assert len(dms_to(slack_api, "U0REP2")) == 1  # offered to the next rep
    assert "Offered to* <@U0REP2> (2 of 2)" in card_state(slack_api)

    accepted = slack.click(ActionId.ACCEPT, str(lead_id), user="U0REP2", channel="DU0REP2")
    assert accepted.status_code == 200
    drain(runtime)
    lead = runtime.leads.get(lead_id)
    assert (lead.status, lead.owner_id) == ("claimed", "U0REP2")
    assert ActionId.TOUCH in card_buttons(slack_api)  # the owner's buttons now
    replies = thread(slack_api)
    assert any("<@U0REP1> passed: Not my territory" in r and "Kansai account" in r for r in replies)
    assert any("<@U0REP2> accepted the offer" in r for r in replies)
    confirmations = [c.args["text"] for c in slack_api.successful_calls("chat.postEphemeral")]
    assert any(f"Lead #{lead_id} is yours" in text for text in confirmations)


def test_an_answer_after_the_offer_moved_on_is_refused_and_changes_nothing(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn, clock: FakeClock
) -> None:
    lead_id = hand_off(runtime)
    drain(runtime)
    at(runtime, clock, clock() + timedelta(minutes=5))  # U0REP1 did not answer in time
    drain(runtime)

    late = slack.click(ActionId.ACCEPT, str(lead_id), user="U0REP1", channel="DU0REP1")
    assert late.status_code == 200
    drain(runtime)
    lead = runtime.leads.get(lead_id)
    assert (lead.status, lead.owner_id) == ("unclaimed", None)
    refusals = [c.args["text"] for c in slack_api.successful_calls("chat.postEphemeral")]
    assert any("has moved on to someone else" in text for text in refusals)
    assert any("<@U0REP1> did not answer in time" in reply for reply in thread(slack_api))

    stranger = slack.click(ActionId.PASS, str(lead_id), user="U0REP3", trigger_id="trig-9")
    assert stranger.status_code == 200
    drain(runtime)
    assert slack_api.calls("views.open") == []  # no modal for someone not offered the lead
    refusals = [c.args["text"] for c in slack_api.successful_calls("chat.postEphemeral")]
    assert any("is not offered to you" in text for text in refusals)


def test_after_max_offers_the_card_opens_for_claim(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn, clock: FakeClock
) -> None:
    lead_id = hand_off(runtime)
    drain(runtime)
    for rep in ("U0REP1", "U0REP2"):
        slack.submit(ViewId.PASS, pass_form(), user=rep, private_metadata=str(lead_id))
        drain(runtime)

    assert card_buttons(slack_api) == [ActionId.CLAIM]
    assert any("Offered to 2 reps without a taker" in reply for reply in thread(slack_api))
    lead = runtime.leads.get(lead_id)
    assert lead.claim_due_at == clock() + timedelta(minutes=15)  # its claim clock from now


def test_a_forged_pass_value_is_told_plainly(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn
) -> None:
    answer = slack.submit(ViewId.PASS, pass_form(), user="U0REP1", private_metadata="x; drop")
    assert answer.status_code == 200
    errors = answer.json["errors"]  # type: ignore[index]
    assert list(errors) == [BlockId.PASS_REASON]


def test_round_robin_gives_the_lead_at_hand_off_and_tells_the_owner(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    first = hand_off(runtime, 1, segment="smb")
    second = hand_off(runtime, 2, segment="smb")
    drain(runtime)

    assert [runtime.leads.get(i).owner_id for i in (first, second)] == ["U0REP1", "U0REP2"]
    [dm] = dms_to(slack_api, "U0REP1")
    assert "assigned to you in turn (round robin)" in dm.args["text"]
    cards = [c for c in posts(slack_api) if landed_in(c) == "C0SALES"]
    assert len(cards) == 2
    context = " ".join(
        e["text"] for b in cards[0].args["blocks"] if b["type"] == "context" for e in b["elements"]
    )
    assert "Assigned in turn (round robin)" in context
    assert ActionId.CLAIM not in action_ids(cards[0])


def test_a_slack_status_on_the_list_counts_as_away_once_baton_has_heard_it(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    slack_api.users["U0REP1"] = {
        "profile": {
            "email": "rep1@example.com",
            "status_emoji": ":palm_tree:",
            "status_expiration": 0,
        }
    }
    first = hand_off(runtime, 1, segment="smb")
    # Nothing known of U0REP1's status yet: the hand-off did not wait for Slack.
    assert runtime.leads.get(first).owner_id == "U0REP1"
    drain(runtime)  # the look-ups it queued: users.info for the pool
    asked = {c.args["user"] for c in slack_api.successful_calls("users.info")}
    assert {"U0REP1", "U0REP2", "U0REP3"} <= asked

    owners = [runtime.leads.get(hand_off(runtime, n, segment="smb")).owner_id for n in (2, 3, 4)]
    assert "U0REP1" not in owners  # on holiday, by their Slack status


def test_a_user_group_in_the_pool_is_listed_by_slack_in_the_background(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    slack_api.user_groups["S0INSIDE"] = ["U0REP7", "U0REP8"]
    first = hand_off(runtime, 1, source="partner", segment="smb")
    # Its members are not known yet: the lead waits for Claim, the managers hear why.
    assert runtime.leads.get(first).owner_id is None
    drain(runtime)
    [listed] = slack_api.successful_calls("usergroups.users.list")
    assert listed.args["usergroup"] == "S0INSIDE"
    assert len(dms_to(slack_api, "U0MANAGER1")) == 1

    owners = [
        runtime.leads.get(hand_off(runtime, n, source="partner", segment="smb")).owner_id
        for n in (2, 3)
    ]
    assert owners == ["U0REP7", "U0REP8"]
