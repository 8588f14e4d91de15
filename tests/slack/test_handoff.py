"""/handoff and its shortcut, through signed Slack requests against the Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from sqlalchemy import select

from bot.core.policy import Policy
from bot.core.settings import Settings
from bot.delivery import registry
from bot.delivery.registry import SendContext, Sent
from bot.intake.modal import CALLBACK_ID, SHORTCUT_CALLBACK_ID, Field
from bot.runtime import Runtime, build_runtime
from bot.slack_app import create_bolt_app
from bot.store.models import Lead, OutboxMessage, SlackMessage
from bot.store.outbox import Intent
from bot.web import create_web_app
from tests.support.clock import FakeClock
from tests.support.intake import MODAL_GOOD as GOOD
from tests.support.intake import modal_state as state
from tests.support.intake import row_counts
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain

MARKETER = "U0MKT1"
MANAGER = "U0MANAGER1"
REP = "U0REP1"


def leads_in(runtime: Runtime) -> list[Lead]:
    with runtime.db.read() as session:
        return list(session.scalars(select(Lead).order_by(Lead.id)))


def opened_view(slack_api: SlackStandIn, count: int = 1) -> dict[str, Any]:
    call = slack_api.wait_for("views.open", count)[count - 1]
    view = call.args["view"]
    View(**view).validate_json()  # slack_sdk's own checks of Slack's limits
    return view


@pytest.fixture
def card_sender(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Posts a lead's card and records it, the way the card sender does, so a receipt
    has a card to link to."""

    def post_card(row: OutboxMessage, ctx: SendContext) -> Sent:
        with ctx.db.read() as session:
            lead = session.get(Lead, row.lead_id)
            assert lead is not None
            channel = ctx.policy.route_named(lead.route).channel  # type: ignore[union-attr]
        answer = ctx.client.chat_postMessage(channel=channel, text=f"Lead #{lead.id}")

        def record(session: Any) -> None:
            session.add(
                SlackMessage(
                    lead_id=lead.id, channel=answer["channel"], ts=answer["ts"], created_at=ctx.now
                )
            )

        return Sent(result={"ts": answer["ts"]}, record=record)

    monkeypatch.setitem(registry.SENDERS, str(Intent.POST_CARD), post_card)
    yield


def test_handoff_command_opens_the_modal(slack: SlackClientSim, slack_api: SlackStandIn) -> None:
    answer = slack.command("/handoff", "", user=MARKETER, trigger_id="111.222.abc")
    assert answer.status_code == 200
    assert answer.get_data(as_text=True) == ""
    call = slack_api.wait_for("views.open")[0]
    assert call.args["trigger_id"] == "111.222.abc"
    view = opened_view(slack_api)
    assert view["callback_id"] == CALLBACK_ID
    assert view["submit"]["text"] == "Hand off"
    block_ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert block_ids == [f.value for f in Field]
    [segment] = [b for b in view["blocks"] if b.get("block_id") == Field.SEGMENT]
    assert [o["value"] for o in segment["element"]["options"]] == ["enterprise"]


def test_command_text_fills_in_the_email(slack: SlackClientSim, slack_api: SlackStandIn) -> None:
    slack.command("/handoff", "aiko@example.co.jp", user=MANAGER)  # managers may hand off too
    view = opened_view(slack_api)
    [email] = [b for b in view["blocks"] if b.get("block_id") == Field.EMAIL]
    assert email["element"]["initial_value"] == "aiko@example.co.jp"


def test_a_rep_is_told_only_marketers_may_hand_off(
    slack: SlackClientSim, slack_api: SlackStandIn
) -> None:
    answer = slack.command("/handoff", "", user=REP)
    assert answer.status_code == 200
    assert "Only the marketers" in answer.get_data(as_text=True)
    # The next allowed request's modal is the first one opened.
    slack.command("/handoff", "", user=MARKETER, trigger_id="999.1.x")
    assert slack_api.wait_for("views.open")[0].args["trigger_id"] == "999.1.x"


def test_global_shortcut_opens_the_modal(slack: SlackClientSim, slack_api: SlackStandIn) -> None:
    assert slack.shortcut(SHORTCUT_CALLBACK_ID, user=MARKETER).status_code == 200
    assert opened_view(slack_api)["callback_id"] == CALLBACK_ID


def test_shortcut_by_a_rep_opens_an_explanation(
    slack: SlackClientSim, slack_api: SlackStandIn
) -> None:
    slack.shortcut(SHORTCUT_CALLBACK_ID, user=REP)
    view = opened_view(slack_api)
    assert "submit" not in view
    assert "Only the marketers" in view["blocks"][0]["text"]["text"]


def test_errors_show_under_the_fields_and_nothing_is_stored(
    slack: SlackClientSim, runtime: Runtime
) -> None:
    before = row_counts(runtime.db)
    values = state(**{**GOOD, "email": "aiko(at)example", "score": "150", "name": "Aiko\x07"})
    answer = slack.submit(CALLBACK_ID, values, user=MARKETER)
    assert answer.status_code == 200
    assert answer.json["response_action"] == "errors"
    errors = answer.json["errors"]
    assert set(errors) == {Field.EMAIL, Field.SCORE, Field.NAME}
    assert "valid email" in errors[Field.EMAIL]
    assert "between 0 and 100" in errors[Field.SCORE]
    assert "U+0007" in errors[Field.NAME]
    assert row_counts(runtime.db) == before


def test_long_notes_error_shows_under_notes(slack: SlackClientSim) -> None:
    answer = slack.submit(CALLBACK_ID, state(**{**GOOD, "notes": "n" * 2001}), user=MARKETER)
    assert answer.json["response_action"] == "errors"
    assert list(answer.json["errors"]) == [Field.NOTES]


def test_submit_hands_off_and_dms_the_marketer_a_link_to_the_card(
    slack: SlackClientSim, slack_api: SlackStandIn, runtime: Runtime, card_sender: None
) -> None:
    answer = slack.submit(CALLBACK_ID, state(**GOOD), user=MARKETER)
    assert answer.status_code == 200
    assert answer.json["response_action"] == "update"
    [lead] = leads_in(runtime)
    done = answer.json["view"]
    View(**done).validate_json()
    assert f"Lead #{lead.id}" in done["blocks"][0]["text"]["text"]
    assert "<#C0ENTERPRISE>" in done["blocks"][0]["text"]["text"]
    assert (lead.source, lead.handed_off_by, lead.route) == ("slack", MARKETER, "enterprise")
    assert (lead.name, lead.email, lead.company, lead.title) == (
        "Aiko Tanaka",
        "aiko.tanaka@example.co.jp",
        "Example KK",
        "Head of IT",
    )
    assert lead.score == 88.0
    assert lead.reason == GOOD["reason"]
    assert lead.extras == {"notes": "Prefers email before 10:00."}

    drain(runtime)
    [card] = [
        c
        for c in slack_api.successful_calls("chat.postMessage")
        if c.args["channel"] == "C0ENTERPRISE"
    ]
    [link] = slack_api.successful_calls("chat.getPermalink")
    assert (link.args["channel"], link.args["message_ts"]) == ("C0ENTERPRISE", card.response["ts"])  # type: ignore[index]
    [dm] = [
        c for c in slack_api.successful_calls("chat.postMessage") if c.args["channel"] == MARKETER
    ]
    assert link.response["permalink"] in dm.args["text"]  # type: ignore[index]
    assert f"#{lead.id}" in dm.args["text"] and "Aiko Tanaka, Example KK" in dm.args["text"]


def test_a_second_submit_of_the_same_lead_is_a_duplicate(
    slack: SlackClientSim, slack_api: SlackStandIn, runtime: Runtime, card_sender: None
) -> None:
    first = slack.submit(CALLBACK_ID, state(**GOOD), user=MARKETER)
    again = slack.submit(CALLBACK_ID, state(**{**GOOD, "notes": "again"}), user=MANAGER)
    assert first.json["response_action"] == again.json["response_action"] == "update"
    assert "already has this lead" in again.json["view"]["blocks"][0]["text"]["text"]
    assert len(leads_in(runtime)) == 1
    drain(runtime)
    cards = [
        c
        for c in slack_api.successful_calls("chat.postMessage")
        if c.args["channel"] == "C0ENTERPRISE"
    ]
    assert len(cards) == 1
    [dm] = [
        c for c in slack_api.successful_calls("chat.postMessage") if c.args["channel"] == MANAGER
    ]
    assert "already had this lead" in dm.args["text"]


def test_a_rep_cannot_submit_even_with_a_stale_modal(
    slack: SlackClientSim, runtime: Runtime
) -> None:
    answer = slack.submit(CALLBACK_ID, state(**GOOD), user=REP)
    assert answer.json["response_action"] == "update"
    assert "Only the marketers" in answer.json["view"]["blocks"][0]["text"]["text"]
    assert leads_in(runtime) == []


def test_markup_in_names_is_escaped_in_what_baton_shows(slack: SlackClientSim) -> None:
    values = state(**{**GOOD, "name": "<!channel> Aiko", "company": "A&B <Co>"})
    answer = slack.submit(CALLBACK_ID, values, user=MARKETER)
    text = answer.json["view"]["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt; Aiko, A&amp;B &lt;Co&gt;" in text
    assert "<!channel>" not in text


# --- the receipt when the card is slow --------------------------------------------------


@pytest.fixture
def slow_card(
    settings: Settings, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Runtime, SlackClientSim, FakeClock]]:
    clock = FakeClock()
    runtime = build_runtime(settings, policy=policy, clock=clock)

    def failing_card(row: OutboxMessage, ctx: SendContext) -> Sent:
        raise SlackApiError("rate limited", {"ok": False, "error": "ratelimited"})  # type: ignore[arg-type]

    monkeypatch.setitem(registry.SENDERS, str(Intent.POST_CARD), failing_card)
    web: Flask = create_web_app(runtime, create_bolt_app(runtime))
    yield runtime, SlackClientSim(web.test_client()), clock
    runtime.close()


def test_receipt_waits_for_the_card_then_names_the_channel(
    slow_card: tuple[Runtime, SlackClientSim, FakeClock], slack_api: SlackStandIn
) -> None:
    runtime, slack, clock = slow_card
    slack.submit(CALLBACK_ID, state(**{**GOOD, "segment": None}), user=MARKETER)
    drain(runtime)
    assert slack_api.calls("chat.postMessage") == []  # still waiting for the card
    for _ in range(30):
        clock.advance(seconds=5)
        drain(runtime)
    [dm] = slack_api.successful_calls("chat.postMessage")
    assert dm.args["channel"] == MARKETER
    assert "on its way to <#C0SALES>" in dm.args["text"]
    assert slack_api.calls("chat.getPermalink") == []
