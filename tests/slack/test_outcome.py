"""The outcome modal: opened after the ack, validated on submit, errors shown in the modal."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from bot.core.policy import Policy, parse_policy
from bot.runtime import Runtime
from bot.store.models import Lead, LeadStatus
from tests.slack.conftest import HandOff, missing_table
from tests.slack.test_cards import text_of
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain


def form(
    outcome: str | None, reason: str | None = None, note: str | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """The modal's state as Slack submits it."""

    def choice(value: str | None) -> dict[str, Any]:
        return {"selected_option": {"value": value, "text": {"type": "plain_text", "text": "x"}}}

    return {
        "outcome_kind": {
            "outcome_kind_select": {"type": "radio_buttons"}
            | (choice(outcome) if outcome else {"selected_option": None})
        },
        "outcome_reason": {
            "outcome_reason_select": {"type": "static_select"}
            | (choice(reason) if reason else {"selected_option": None})
        },
        "outcome_note": {"outcome_note_text": {"type": "plain_text_input", "value": note}},
    }


@pytest.fixture
def claimed(runtime: Runtime, hand_off: HandOff) -> Lead:
    lead = hand_off()
    runtime.leads.claim(lead.id, "U0REP1")
    drain(runtime)
    return lead


def submit(slack: SlackClientSim, lead: Lead, values: dict[str, Any], user: str = "U0REP1") -> Any:
    answer = slack.submit("lead_outcome_modal", values, user=user, private_metadata=str(lead.id))
    assert answer.status_code == 200
    return json.loads(answer.data) if answer.data else None


def test_the_owner_gets_the_modal_right_after_the_ack(
    slack: SlackClientSim, slack_api: SlackStandIn, claimed: Lead
) -> None:
    answer = slack.click("lead_outcome", str(claimed.id), user="U0REP1", trigger_id="trig-42")
    assert answer.status_code == 200
    [opened] = slack_api.wait_for("views.open")
    assert opened.ok and opened.args["trigger_id"] == "trig-42"
    view = opened.args["view"]
    assert (view["callback_id"], view["private_metadata"]) == (
        "lead_outcome_modal",
        str(claimed.id),
    )
    choices = [o["value"] for o in view["blocks"][1]["element"]["options"]]
    assert choices == ["meeting_booked", "opportunity", "won", "lost", "disqualified", "returned"]
    groups = view["blocks"][2]["element"]["option_groups"]
    disqualified, lost = ([o["value"] for o in g["options"]] for g in groups)
    assert "no_budget" in disqualified and "other" in disqualified
    assert "lost:price" in lost and "lost:other" in lost
    amount = view["blocks"][3]
    assert (amount["block_id"], amount["element"]["type"]) == ("outcome_amount", "number_input")
    assert amount["label"]["text"] == "Amount won (JPY)"


@pytest.mark.parametrize(
    ("values", "block", "message"),
    [
        (form(None), "outcome_kind", "Choose an outcome."),
        (form("disqualified"), "outcome_reason", "Choose why the lead is disqualified."),
        (form("disqualified", "made_up"), "outcome_reason", "Choose one of the reasons"),
        (form("disqualified", "other"), "outcome_note", "Describe the reason in the note"),
        (form("returned", note="   "), "outcome_note", "Tell marketing in the note why"),
        (form("returned", note="x" * 2001), "outcome_note", "within 2000 characters"),
    ],
)
def test_invalid_submissions_show_errors_in_the_modal_and_change_nothing(
    slack: SlackClientSim,
    runtime: Runtime,
    slack_api: SlackStandIn,
    claimed: Lead,
    values: dict[str, Any],
    block: str,
    message: str,
) -> None:
    slack_api.clear()
    answer = submit(slack, claimed, values)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [block] and message in answer["errors"][block]
    assert runtime.leads.get(claimed.id).status == LeadStatus.CLAIMED
    drain(runtime)
    # Nothing is posted or updated; Slack is only asked which language the rep reads.
    assert [c.method for c in slack_api.calls()] == ["users.info"]


def test_a_valid_disqualification_is_saved_and_shown(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, claimed: Lead
) -> None:
    slack_api.clear()
    assert (
        submit(slack, claimed, form("disqualified", "no_budget", "Budget frozen to April")) is None
    )
    lead = runtime.leads.get(claimed.id)
    assert (lead.status, lead.disqualify_reason, lead.outcome_note) == (
        "disqualified",
        "no_budget",
        "Budget frozen to April",
    )
    drain(runtime)
    [updated] = slack_api.calls("chat.update")
    shown = text_of(updated.args["blocks"])
    assert "*Disqualified* by <@U0REP1>: No budget" in shown and "Budget frozen to April" in shown
    [reply] = slack_api.calls("chat.postMessage")
    assert "disqualified the lead: No budget" in reply.args["text"]


def test_a_reason_given_with_another_outcome_is_not_stored(
    slack: SlackClientSim, runtime: Runtime, claimed: Lead
) -> None:
    assert submit(slack, claimed, form("meeting_booked", "no_budget")) is None
    lead = runtime.leads.get(claimed.id)
    assert (lead.status, lead.disqualify_reason) == ("meeting_booked", None)


def test_a_lead_that_moved_on_while_the_modal_was_open(
    slack: SlackClientSim, runtime: Runtime, claimed: Lead
) -> None:
    runtime.leads.release(claimed.id, "U0REP1")
    answer = submit(slack, claimed, form("opportunity"))
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "outcome_kind": f"Lead #{claimed.id} is unclaimed, so you can't set an outcome for it."
    }


def test_a_forged_modal_gets_an_explanation_instead_of_a_crash(
    slack: SlackClientSim, runtime: Runtime
) -> None:
    answer = slack.submit("lead_outcome_modal", form("opportunity"), private_metadata="'; drop")
    body = json.loads(answer.data)
    assert answer.status_code == 200 and body["response_action"] == "errors"
    assert "does not point to a lead Baton knows" in body["errors"]["outcome_kind"]


def test_an_unexpected_failure_on_submit_replaces_the_modal_with_an_error_id(
    slack: SlackClientSim, runtime: Runtime, claimed: Lead
) -> None:
    with missing_table(runtime, "lead_events"):
        answer = submit(slack, claimed, form("opportunity"))
        assert answer["response_action"] == "update"
        shown = json.dumps(answer["view"], ensure_ascii=False)
        assert "Something went wrong on Baton's side" in shown and "error id" in shown
        assert "Traceback" not in shown and "lead_events" not in shown


class TestJapanese:
    @pytest.fixture
    def policy(self) -> Policy:
        return parse_policy(STANDARD.replace("locale: en", "locale: ja"))

    def test_modal_and_its_errors_are_in_japanese(
        self, slack: SlackClientSim, slack_api: SlackStandIn, claimed: Lead
    ) -> None:
        slack.click("lead_outcome", str(claimed.id), user="U0REP1")
        [opened] = slack_api.wait_for("views.open")
        assert opened.args["view"]["title"]["text"] == "結果の登録"
        answer = submit(slack, claimed, form("returned"))
        assert answer["errors"] == {"outcome_note": "差し戻す理由をメモに記入してください。"}


def amount(values: dict[str, Any], typed: str) -> dict[str, Any]:
    """`values` with the amount typed into the modal's number input."""
    number = {"outcome_amount_number": {"type": "number_input", "value": typed}}
    return {**values, "outcome_amount": number}


def test_a_won_deal_keeps_its_amount_in_the_policy_currency(
    slack: SlackClientSim, runtime: Runtime, claimed: Lead
) -> None:
    assert submit(slack, claimed, amount(form("won"), "1,200,000")) is None
    lead = runtime.leads.get(claimed.id)
    assert (lead.status, lead.amount, lead.currency) == ("won", Decimal("1200000"), "JPY")


@pytest.mark.parametrize(
    ("values", "block", "message"),
    [
        (amount(form("won"), "a lot"), "outcome_amount", "Enter the amount as a number"),
        (amount(form("opportunity"), "5000"), "outcome_amount", "won deal only"),
        (form("lost", "no_budget"), "outcome_reason", "“Lost because” group"),
        (form("disqualified", "lost:price"), "outcome_reason", "“Disqualified because” group"),
        (form("lost", "lost:other"), "outcome_note", "Describe the reason in the note"),
    ],
)
def test_funnel_mistakes_show_under_their_field(
    slack: SlackClientSim,
    runtime: Runtime,
    claimed: Lead,
    values: dict[str, Any],
    block: str,
    message: str,
) -> None:
    answer = submit(slack, claimed, values)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [block] and message in answer["errors"][block]
    assert runtime.leads.get(claimed.id).status == LeadStatus.CLAIMED


def test_a_lost_deal_keeps_its_reason(
    slack: SlackClientSim, runtime: Runtime, claimed: Lead
) -> None:
    assert submit(slack, claimed, form("lost", "lost:competitor", "Went with B")) is None
    lead = runtime.leads.get(claimed.id)
    assert (lead.status, lead.lost_reason, lead.outcome_note) == (
        "lost",
        "competitor",
        "Went with B",
    )
