"""Controls in SLA DMs through signed requests into the app: reassign, snooze, and the
card's claim and first-touch buttons reused in DMs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from sqlalchemy import select

from bot.core.policy import Policy
from bot.core.settings import Settings
from bot.runtime import Runtime
from bot.slack_app import create_bolt_app
from bot.slack_standin import requests as signing
from bot.store.models import DueWork, Lead, LeadEvent
from bot.web import create_web_app
from tests.support.clock import FakeClock
from tests.support.sla import (
    MANAGER,
    action_ids,
    at,
    hand_off,
    make_runtime,
    posts,
    tokyo,
)
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain


@pytest.fixture
def rt(settings: Settings, policy: Policy, clock: FakeClock) -> Iterator[Runtime]:
    built = make_runtime(settings, policy, clock)
    yield built
    built.close()


@pytest.fixture
def app(rt: Runtime) -> SlackClientSim:
    return SlackClientSim(create_web_app(rt, create_bolt_app(rt)).test_client())


# --- actions in the DM ----------------------------------------------------------------


def select_user_body(lead_id: int, selected: str, *, user: str) -> str:
    body = signing.block_action_body(
        "lead_reassign",
        "",
        user=user,
        channel=f"D{user}",
        block_id=f"baton_escalation:{lead_id}",
    )
    payload = json.loads(parse_qs(body)["payload"][0])
    payload["actions"] = [
        {
            "type": "users_select",
            "action_id": "lead_reassign",
            "block_id": f"baton_escalation:{lead_id}",
            "selected_user": selected,
            "action_ts": "1763700000.123456",
        }
    ]
    return urlencode({"payload": json.dumps(payload)})


def test_reassign_from_the_dm_gives_the_lead_and_a_dm_to_the_new_owner(
    rt: Runtime, app: SlackClientSim, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(rt)
    at(rt, clock, tokyo(10, 15))
    clock.set(tokyo(10, 20))
    response = app.post(select_user_body(lead_id, "U0REP2", user=MANAGER))
    assert response.status_code == 200
    lead = rt.leads.get(lead_id)
    assert (lead.owner_id, lead.status) == ("U0REP2", "claimed")
    assert lead.first_touch_due_at == tokyo(12, 20)
    drain(rt)
    [dm] = posts(slack_api, "DU0REP2")
    assert f"<@{MANAGER}> made you the owner of lead #{lead_id}" in dm.args["text"]
    assert action_ids(dm) == ["lead_touch"]
    [note] = slack_api.successful_calls("chat.postEphemeral")
    assert (note.args["channel"], note.args["user"]) == (f"D{MANAGER}", MANAGER)
    assert f"Lead #{lead_id} is now <@U0REP2>'s" in note.args["text"]


def test_reassign_by_someone_without_the_right_changes_nothing(
    rt: Runtime, app: SlackClientSim, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(rt)
    app.post(select_user_body(lead_id, "U0REP2", user="U0REP9"))
    assert rt.leads.get(lead_id).owner_id is None
    drain(rt)
    [note] = slack_api.successful_calls("chat.postEphemeral")
    assert note.args["user"] == "U0REP9"
    assert "Only the owner or a manager can reassign" in note.args["text"]


def test_snooze_opens_a_modal_then_records_who_and_why(
    rt: Runtime, app: SlackClientSim, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(rt)
    at(rt, clock, tokyo(10, 15))
    response = app.click(
        "lead_snooze", str(lead_id), user=MANAGER, block_id=f"baton_escalation:{lead_id}"
    )
    assert response.status_code == 200
    [opened] = slack_api.wait_for("views.open")
    view = opened.args["view"]
    assert (view["callback_id"], view["private_metadata"]) == ("lead_snooze", str(lead_id))
    response = app.submit(
        "lead_snooze",
        {
            "snooze_until": {
                "choice": {"type": "radio_buttons", "selected_option": {"value": "1h"}}
            },
            "snooze_reason": {"reason": {"type": "plain_text_input", "value": "at a trade show"}},
        },
        user=MANAGER,
        private_metadata=str(lead_id),
    )
    assert response.status_code == 200 and not response.data
    assert rt.leads.get(lead_id).snoozed_until == tokyo(11, 15)
    with rt.db.read() as s:
        event = s.scalars(select(LeadEvent).where(LeadEvent.kind == "snoozed")).one()
        due = s.scalars(
            select(DueWork.due_at).where(DueWork.level == 2, DueWork.lead_id == lead_id)
        ).one()
    assert (event.actor, event.detail["reason"]) == (MANAGER, "at a trade show")
    assert due == tokyo(11, 15)
    drain(rt)
    # No channel in a modal: the note comes as a DM (beside the escalation DM it answers).
    [note] = [c for c in posts(slack_api, f"D{MANAGER}") if "snoozed" in c.args["text"]]
    assert f"Reminders for lead #{lead_id} are snoozed until <!date^" in note.args["text"]


def test_snooze_until_the_next_business_morning(
    rt: Runtime, app: SlackClientSim, clock: FakeClock
) -> None:
    lead_id = hand_off(rt)
    app.submit(
        "lead_snooze",
        {
            "snooze_until": {"choice": {"selected_option": {"value": "tomorrow"}}},
            "snooze_reason": {"reason": {"value": "decision maker is out today"}},
        },
        user=MANAGER,
        private_metadata=str(lead_id),
    )
    # Friday: Saturday and Sunday are closed, and Monday the 23rd is a holiday.
    assert rt.leads.get(lead_id).snoozed_until == tokyo(9, 0, day=24)


@pytest.mark.parametrize(
    ("values", "block", "message"),
    [
        (
            {"snooze_until": {"choice": {"selected_option": {"value": "1h"}}}},
            "snooze_reason",
            "Say why you are snoozing",
        ),
        (
            {
                "snooze_until": {"choice": {"selected_option": None}},
                "snooze_reason": {"reason": {"value": "x"}},
            },
            "snooze_until",
            "Choose how long",
        ),
    ],
)
def test_snooze_with_something_missing_says_what_in_the_modal(
    rt: Runtime, app: SlackClientSim, values: dict[str, Any], block: str, message: str
) -> None:
    lead_id = hand_off(rt)
    response = app.submit("lead_snooze", values, user=MANAGER, private_metadata=str(lead_id))
    answer = response.get_json()
    assert answer["response_action"] == "errors"
    assert message in answer["errors"][block]
    assert rt.leads.get(lead_id).snoozed_until is None


def test_snooze_by_someone_without_the_right_is_refused_in_the_modal(
    rt: Runtime, app: SlackClientSim
) -> None:
    lead_id = hand_off(rt)
    response = app.submit(
        "lead_snooze",
        {
            "snooze_until": {"choice": {"selected_option": {"value": "1h"}}},
            "snooze_reason": {"reason": {"value": "busy"}},
        },
        user="U0REP9",
        private_metadata=str(lead_id),
    )
    assert "Only the owner or a manager" in response.get_json()["errors"]["snooze_until"]
    with rt.db.read() as s:
        assert s.get(Lead, lead_id).snoozed_until is None  # type: ignore[union-attr]


def test_claim_it_myself_from_the_dm_claims_through_the_cards_listener(
    rt: Runtime, app: SlackClientSim, clock: FakeClock
) -> None:
    lead_id = hand_off(rt)
    at(rt, clock, tokyo(10, 15))
    response = app.click(
        "lead_claim",
        str(lead_id),
        user=MANAGER,
        channel=f"D{MANAGER}",
        block_id=f"baton_escalation:{lead_id}",
    )
    assert response.status_code == 200
    assert rt.leads.get(lead_id).owner_id == MANAGER
    at(rt, clock, tokyo(10, 45))  # level 2 of the claim clock is not sent
    with rt.db.read() as s:
        levels = s.scalars(
            select(DueWork.level).where(DueWork.clock == "claim", DueWork.sent_at.is_not(None))
        ).all()
    assert levels == [1]


def test_log_first_touch_from_the_reminder_dm(
    rt: Runtime, app: SlackClientSim, clock: FakeClock
) -> None:
    lead_id = hand_off(rt)
    rt.leads.claim(lead_id, "U0REP1")
    response = app.click(
        "lead_touch",
        str(lead_id),
        user="U0REP1",
        channel="DU0REP1",
        block_id=f"baton_nudge:{lead_id}",
    )
    assert response.status_code == 200
    assert rt.leads.get(lead_id).status == "contacted"
