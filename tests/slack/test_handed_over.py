"""What marketing sent, shown to sales: the /handoff modal's notes and the lead's fields on
the posted card and in `/lead-status #id`, and the CRM button's click acknowledged with
nothing else happening."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from bot.intake.modal import CALLBACK_ID
from bot.runtime import Runtime
from bot.store.models import Lead, LeadEvent, OutboxMessage
from tests.slack.conftest import HandOff
from tests.slack.test_cards import text_of
from tests.support.intake import MODAL_GOOD, modal_state
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain

MARKETER = "U0MKT1"
PAGE = "https://app.hubspot.com/contacts/62515/contact/3234574"
EXTRAS = {"country": "Japan", "department": "情報システム部", "crm_url": PAGE, "budget": "Q1"}


def links(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (element["action_id"], element["url"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if "url" in element
    ]


def lead_status(slack: SlackClientSim, text: str) -> dict[str, Any]:
    answer = slack.command("/lead-status", text, user="U0REP1")
    assert answer.status_code == 200
    body: dict[str, Any] = json.loads(answer.data)
    assert body["response_type"] == "ephemeral" and 0 < len(body["blocks"]) <= 50
    return body


def test_the_handoff_modals_notes_are_on_the_card_and_in_lead_status(
    slack: SlackClientSim, slack_api: SlackStandIn, runtime: Runtime
) -> None:
    answer = slack.submit(CALLBACK_ID, modal_state(**MODAL_GOOD), user=MARKETER)
    assert answer.status_code == 200 and answer.json["response_action"] == "update"
    with runtime.db.read() as session:
        [lead_id] = session.scalars(select(Lead.id))
    drain(runtime)
    [card] = [
        c for c in slack_api.successful_calls("chat.postMessage") if c.args["channel"] != MARKETER
    ]
    notes = "*Notes for sales*\nPrefers email before 10:00."
    assert notes in text_of(card.args["blocks"])
    assert notes in text_of(lead_status(slack, f"#{lead_id}")["blocks"])


def test_lead_status_shows_the_fields_and_the_crm_button(
    slack: SlackClientSim, slack_api: SlackStandIn, runtime: Runtime, hand_off: HandOff
) -> None:
    lead = hand_off(extras={"notes": "Call after 15:00", **EXTRAS})
    blocks = lead_status(slack, f"#{lead.id}")["blocks"]
    shown = text_of(blocks)
    for expected in (
        "*Notes for sales*\nCall after 15:00",
        "*Country*\nJapan",
        "*Department*\n情報システム部",
        "*budget*\nQ1",
    ):
        assert expected in shown, expected
    assert links(blocks) == [("lead_open_crm", PAGE)]
    assert "*Timeline*" in shown  # the timeline still follows
    assert slack_api.calls() == []  # answered in the ack


def test_a_click_on_the_crm_button_is_acknowledged_and_nothing_else(
    slack: SlackClientSim, slack_api: SlackStandIn, runtime: Runtime, hand_off: HandOff
) -> None:
    lead = hand_off(extras=EXTRAS)
    drain(runtime)
    [card] = slack_api.successful_calls("chat.postMessage")
    assert links(card.args["blocks"]) == [("lead_open_crm", PAGE)]

    def counts() -> tuple[int, int]:
        with runtime.db.read() as session:
            outbox = session.scalar(select(func.count()).select_from(OutboxMessage))
            events = session.scalar(select(func.count()).select_from(LeadEvent))
        return outbox or 0, events or 0

    before, calls = counts(), len(slack_api.calls())
    answer = slack.click("lead_open_crm", str(lead.id), block_id="lead_links")
    assert answer.status_code == 200 and answer.get_data(as_text=True) == ""
    # Slack sends no value when a url button has none; still just an ack
    bare = {
        "action_id": "lead_open_crm",
        "type": "button",
        "text": {"type": "plain_text", "text": "Open"},
    }
    assert slack.click("", "", block_id="lead_links", action=bare).status_code == 200
    drain(runtime)
    assert counts() == before and len(slack_api.calls()) == calls
