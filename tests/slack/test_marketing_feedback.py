"""Reasons back to the marketer: when sales disqualifies, returns or loses a lead, whoever
handed it off hears why (a DM to the marketer of a /handoff lead, the route's
`notify_marketing` for a system's lead), and a returned lead can be handed off again.

Through the real app: signed requests in, the Slack stand-in out."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from slack_sdk.models.views import View
from sqlalchemy import select

from bot.core.policy import Policy, parse_policy
from bot.core.settings import Settings
from bot.intake.modal import CALLBACK_ID, Field
from bot.leads.handoff import LeadInput
from bot.runtime import Runtime
from bot.store.models import Lead, LeadStatus
from tests.slack.test_cards import text_of
from tests.slack.test_outcome import form
from tests.support.intake import INTAKE_TOKEN, intake_settings, post_lead
from tests.support.intake import MODAL_GOOD as GOOD
from tests.support.intake import modal_state as state
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain

MARKETER = "U0MKT1"
REP = "U0REP1"
MARKETING_CHANNEL = "C0MKT"
FEEDBACK_HEADLINES = (
    "Sales disqualified",
    "Sales returned",
    "This lead's deal was lost",
    "営業がこのリード",
    "このリードは失注",
)


@pytest.fixture
def policy() -> Policy:
    # System leads routed `default` tell the marketing channel; `enterprise` tells nobody.
    with_notify = STANDARD.replace(
        "    channel: C0SALES\n",
        f"    channel: C0SALES\n    notify_marketing: [{MARKETING_CHANNEL}]\n",
    )
    assert with_notify != STANDARD
    return parse_policy(with_notify, "test-policy.yml")


@pytest.fixture
def settings(database_url: str, slack_api: SlackStandIn) -> Settings:
    return intake_settings(database_url, slack_api, baton_post_interval_seconds=0)


def leads_in(runtime: Runtime) -> list[Lead]:
    with runtime.db.read() as session:
        return list(session.scalars(select(Lead).order_by(Lead.id)))


def handed_off_in_slack(slack: SlackClientSim, runtime: Runtime) -> Lead:
    """A lead the marketer hands off with /handoff, claimed by the rep, its card posted."""
    answer = slack.submit(CALLBACK_ID, state(**GOOD), user=MARKETER)
    assert answer.json["response_action"] == "update"  # type: ignore[index]
    [lead] = leads_in(runtime)
    runtime.leads.claim(lead.id, REP)
    drain(runtime)
    return lead


def set_outcome(slack: SlackClientSim, lead: Lead, values: dict[str, Any]) -> None:
    answer = slack.submit("lead_outcome_modal", values, user=REP, private_metadata=str(lead.id))
    assert answer.status_code == 200 and not answer.data


def feedback_posts(slack_api: SlackStandIn, channel: str) -> list[Any]:
    """Baton's posts to `channel` that tell marketing about a lead that came back."""
    return [
        call
        for call in slack_api.successful_calls("chat.postMessage")
        if call.args["channel"] == channel and call.args["text"].startswith(FEEDBACK_HEADLINES)
    ]


def all_feedback(slack_api: SlackStandIn) -> list[Any]:
    return [
        call
        for call in slack_api.successful_calls("chat.postMessage")
        if call.args["text"].startswith(FEEDBACK_HEADLINES)
    ]


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_a_disqualified_handoff_tells_the_marketer_why_by_dm(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    lead = handed_off_in_slack(slack, runtime)
    set_outcome(slack, lead, form("disqualified", "no_budget", "Budget frozen to April\nAsk in Q2"))
    drain(runtime)
    [dm] = feedback_posts(slack_api, MARKETER)
    shown = text_of(dm.args["blocks"])
    assert "Sales disqualified this lead" in shown
    assert f"Lead #{lead.id}: Aiko Tanaka" in shown and "Example KK" in shown
    assert "*Reason*\nNo budget" in shown and f"*By*\n<@{REP}>" in shown
    assert ">Budget frozen to April\n>Ask in Q2" in shown
    [link] = [
        c
        for c in slack_api.successful_calls("chat.getPermalink")
        if c.args["channel"] == "C0ENTERPRISE"
    ][-1:]
    assert f"<{link.response['permalink']}|Open the card>" in shown
    assert buttons(dm.args["blocks"]) == []  # only a returned lead is handed off again
    assert all_feedback(slack_api) == [dm]


def test_a_returned_lead_can_be_handed_off_again_as_a_new_lead(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    lead = handed_off_in_slack(slack, runtime)
    set_outcome(slack, lead, form("returned", note="No budget owner named; find one first"))
    drain(runtime)
    [dm] = feedback_posts(slack_api, MARKETER)
    assert "Sales returned this lead to marketing" in text_of(dm.args["blocks"])
    assert ">No budget owner named; find one first" in text_of(dm.args["blocks"])
    [again] = buttons(dm.args["blocks"])
    assert (again["action_id"], again["value"]) == ("lead_handoff_again", str(lead.id))

    clicked = slack.click(
        "lead_handoff_again",
        again["value"],
        user=MARKETER,
        channel=dm.response["channel"],
        trigger_id="trig-again",
    )
    assert clicked.status_code == 200
    [opened] = slack_api.wait_for("views.open")
    assert opened.ok and opened.args["trigger_id"] == "trig-again"
    view = opened.args["view"]
    View(**view).validate_json()
    assert view["callback_id"] == CALLBACK_ID
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs[Field.NAME]["initial_value"] == "Aiko Tanaka"
    assert inputs[Field.EMAIL]["initial_value"] == GOOD["email"]
    assert inputs[Field.COMPANY]["initial_value"] == "Example KK"
    assert inputs[Field.SCORE]["initial_value"] == "88"
    assert inputs[Field.SEGMENT]["initial_option"]["value"] == "enterprise"
    assert inputs[Field.REASON]["initial_value"] == GOOD["reason"]
    assert inputs[Field.NOTES]["initial_value"] == GOOD["notes"]

    fixed = {**GOOD, "notes": "Budget owner: CFO Ito"}
    submitted = slack.submit(CALLBACK_ID, state(**fixed), user=MARKETER)
    assert submitted.json["response_action"] == "update"  # type: ignore[index]
    old, new = leads_in(runtime)
    assert (old.id, old.status) == (lead.id, LeadStatus.RETURNED)
    assert (new.status, new.handed_off_by, new.extras) == (
        LeadStatus.UNCLAIMED,
        MARKETER,
        {"notes": "Budget owner: CFO Ito"},
    )
    assert f"Lead #{new.id}" in submitted.json["view"]["blocks"][0]["text"]["text"]  # type: ignore[index]
    drain(runtime)
    cards = [
        c
        for c in slack_api.successful_calls("chat.postMessage")
        if c.args["channel"] == "C0ENTERPRISE" and not c.args.get("thread_ts")
    ]
    assert f"#{new.id}" in cards[-1].args["text"]


def test_a_system_lead_lost_by_the_crm_is_posted_to_the_routes_marketing_channel(
    web: Any, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    http: FlaskClient = web.test_client()
    bearer = {"Authorization": f"Bearer {INTAKE_TOKEN}"}
    body = {"source": "hubspot", "external_id": "701", "name": "Aya Mori", "company": "Mori KK"}
    created = post_lead(http, body, sign=False, headers=bearer)
    assert created.status_code == 201 and created.json["route"] == "default"  # type: ignore[index]
    lead_id = int(created.json["id"])  # type: ignore[index]
    runtime.leads.claim(lead_id, REP)
    drain(runtime)
    update = {"id": lead_id, "stage": "lost", "reason": "price", "note": "Went with a cheaper tool"}
    moved = post_lead(http, update, path="/leads/stage", sign=False, headers=bearer)
    assert moved.status_code == 200
    drain(runtime)
    [post] = feedback_posts(slack_api, MARKETING_CHANNEL)
    shown = text_of(post.args["blocks"])
    assert "This lead's deal was lost" in shown and f"Lead #{lead_id}: Aya Mori" in shown
    assert "*Reason*\nPrice" in shown and "*By*\nthe CRM" in shown
    assert ">Went with a cheaper tool" in shown and "|Open the card>" in shown
    assert buttons(post.args["blocks"]) == []
    assert all_feedback(slack_api) == [post]
    # The same update again changes nothing and tells nobody again.
    again = post_lead(http, update, path="/leads/stage", sign=False, headers=bearer)
    assert again.json["duplicate"] is True  # type: ignore[index]
    drain(runtime)
    assert all_feedback(slack_api) == [post]


def test_a_system_lead_on_a_route_without_notify_marketing_tells_nobody(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    # Handed off by the intake API (not a person), on `enterprise`, which names nobody.
    data = LeadInput(source="webhook", name="Ken Abe", segment="enterprise")
    lead = runtime.leads.hand_off(data, actor="intake").lead
    assert lead.route == "enterprise"
    runtime.leads.claim(lead.id, REP)
    drain(runtime)
    set_outcome(slack, lead, form("disqualified", "not_target"))
    drain(runtime)
    assert runtime.leads.get(lead.id).status == LeadStatus.DISQUALIFIED
    assert all_feedback(slack_api) == []


def test_a_japanese_marketer_reads_japanese_under_an_english_policy(
    slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    slack_api.users[MARKETER] = {"locale": "ja-JP"}
    lead = handed_off_in_slack(slack, runtime)
    set_outcome(slack, lead, form("lost", "lost:competitor", "他社の見積もりが安かった"))
    drain(runtime)
    [dm] = feedback_posts(slack_api, MARKETER)
    shown = text_of(dm.args["blocks"])
    assert "このリードは失注となりました" in shown
    assert f"リード #{lead.id}：Aiko Tanaka 様" in shown
    assert "*理由*\n競合採用" in shown and f"*登録者*\n<@{REP}> さん" in shown
    assert "*営業からのメモ*\n>他社の見積もりが安かった" in shown and "|カードを開く>" in shown


@pytest.mark.parametrize(
    ("value", "user", "says"),
    [
        ("12; DROP TABLE leads", MARKETER, "does not point to a lead"),
        ("999999", MARKETER, "Lead #999999 does not exist"),
        (None, REP, "Only the marketers"),
        (None, MARKETER, "was not returned to marketing"),
    ],
)
def test_a_forged_value_or_someone_who_may_not_gets_a_note_and_no_modal(
    slack: SlackClientSim,
    runtime: Runtime,
    slack_api: SlackStandIn,
    value: str | None,
    user: str,
    says: str,
) -> None:
    lead = handed_off_in_slack(slack, runtime)
    if value is None and user == REP:
        set_outcome(slack, lead, form("returned", note="Wrong department"))
        drain(runtime)
    before = [(row.id, row.status) for row in leads_in(runtime)]
    slack_api.clear()
    clicked = slack.click(
        "lead_handoff_again", value or str(lead.id), user=user, channel="D0MKT1", trigger_id="t1"
    )
    assert clicked.status_code == 200
    drain(runtime)
    assert slack_api.calls("views.open") == []
    notes = slack_api.successful_calls("chat.postEphemeral") or [
        c for c in slack_api.successful_calls("chat.postMessage") if c.args["channel"] == user
    ]
    [note] = notes
    assert says in note.args["text"]
    assert [(row.id, row.status) for row in leads_in(runtime)] == before
