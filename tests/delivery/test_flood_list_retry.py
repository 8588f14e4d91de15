"""A flood list Slack refuses for now (429, 5xx) is tried again as one list.

Fifty leads for one channel that posts one message a second, with `digest_after` of
ten seconds: two flood lists, 45 leads and 5. Slack takes the first and refuses the
second. Its five leads alone would not be a flood (five seconds of posting), so if they
came back as rows of their own they would go out one card each; they must come back as
the flood list they were. Time is moved on by bringing the next retry forward in the
database, the earliest first, as a running loop would meet them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.delivery.loop import Delivery
from bot.runtime import Runtime
from bot.store.models import OutboxMessage
from bot.store.outbox import Intent
from tests.delivery.test_delivery import hand_off, paced
from tests.support import senders
from tests.support.slack_api import SlackStandIn

FLOOD_LIST_TEXT = "new leads — claim from the list"


def claim_buttons(blocks: list[dict]) -> list[int]:
    return [
        int(b["accessory"]["value"])
        for b in blocks
        if b.get("accessory", {}).get("action_id") == "lead_claim"
    ]


def next_retry_due_now(runtime: Runtime) -> bool:
    """Bring the rows of the earliest pending retry forward to now; False if none waits."""
    with runtime.db.transaction() as session:
        pending = (OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
        earliest = session.scalar(select(func.min(OutboxMessage.available_at)).where(*pending))
        if earliest is None:
            return False
        session.execute(
            update(OutboxMessage)
            .where(*pending, OutboxMessage.available_at == earliest)
            .values(available_at=datetime.now(UTC) - timedelta(milliseconds=1))
        )
    return True


def deliver_until_sent(runtime: Runtime, delivery: Delivery) -> None:
    for _ in range(60):
        delivery.run_once()
        if not next_retry_due_now(runtime):
            return
    raise AssertionError("the outbox never emptied")


@pytest.mark.parametrize(
    "refusal",
    [
        pytest.param({"status": 429, "retry_after": 1}, id="429"),
        pytest.param({"status": 503, "retry_after": None}, id="503"),
    ],
)
def test_a_refused_flood_list_is_tried_again_as_one_list(
    runtime: Runtime, slack_api: SlackStandIn, refusal: dict
) -> None:
    leads = hand_off(runtime, 50)
    delivery = paced(runtime, digest_after=10)
    # Slack takes the first flood list and refuses the second.
    slack_api.fail_every(2, method="chat.postMessage", **refusal)
    with senders.registered(senders.CARDS):
        delivery.run_once()
        slack_api.stop_failing()
        refused = [c for c in slack_api.calls("chat.postMessage") if not c.ok]
        assert [c.status for c in refused] == [refusal["status"]]
        deliver_until_sent(runtime, delivery)

    posts = slack_api.successful_calls("chat.postMessage")
    texts = [c.args["text"] for c in posts]
    assert all(FLOOD_LIST_TEXT in text for text in texts), f"cards posted one by one: {texts}"
    assert [claim_buttons(c.args["blocks"]) for c in posts] == [leads[:45], leads[45:]]
    # Tried once and refused, then tried again, all five together.
    assert claim_buttons(refused[0].args["blocks"]) == leads[45:]
    with runtime.db.read() as session:
        cards = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == Intent.POST_CARD)
        ).all()
    assert all(row.sent_at is not None for row in cards)
    assert {row.result["digest"]["ts"] for row in cards if row.lead_id in leads[45:]} == {
        posts[1].response["ts"]
    }
