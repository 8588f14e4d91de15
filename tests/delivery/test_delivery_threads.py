"""The background delivery loop: channels in parallel, each paced, leases kept alive."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from bot.delivery.loop import Delivery
from bot.runtime import Runtime
from bot.store import outbox
from bot.store.models import LeadEvent, OutboxMessage, SlackMessage
from bot.store.outbox import Intent
from tests.delivery.test_delivery import hand_off, notice, posted_ids, rows
from tests.support.slack_api import SlackStandIn


@contextmanager
def running(delivery: Delivery) -> Iterator[Delivery]:
    delivery.start()
    try:
        yield delivery
    finally:
        delivery.stop()


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for delivery")
        time.sleep(0.05)


def pending(runtime: Runtime) -> int:
    with runtime.db.read() as session:
        return session.scalar(
            select(func.count()).where(
                OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None)
            )
        )


def leased(runtime: Runtime, kind: str, lead_id: int) -> bool:
    with runtime.db.read() as session:
        return bool(
            session.scalar(
                select(func.count()).where(
                    OutboxMessage.lead_id == lead_id,
                    OutboxMessage.kind == kind,
                    OutboxMessage.leased_until.is_not(None),
                )
            )
        )


def test_channels_are_paced_one_post_a_second_and_proceed_in_parallel(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    slack_api.rate_limit_channels(1.0)  # Slack's own limit, answered with 429
    channels = ["C0A", "C0B", "C0C"]
    ids = {channel: notice(runtime, channel, 3) for channel in channels}
    delivery = Delivery(runtime.db, runtime.client, runtime.policy, post_interval=1.0)
    with running(delivery):
        slack_api.wait_for("chat.postMessage", 9, timeout=30)

    calls = slack_api.calls("chat.postMessage")
    assert all(c.status == 200 for c in calls)  # paced under the limit: no 429 at all
    for channel in channels:
        assert [
            c.args["metadata"]["event_payload"]["outbox_id"]
            for c in calls
            if c.args["channel"] == channel
        ] == ids[channel]
    # Parallel: every channel's first post came before any channel's second.
    seen: set[str] = set()
    firsts = []
    for call in calls:
        firsts.append(call.args["channel"] not in seen)
        seen.add(call.args["channel"])
    assert firsts[:3] == [True, True, True]


def test_two_processes_delivering_share_each_channels_pace_and_order(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    slack_api.rate_limit_channels(1.0)
    channels = ["C0A", "C0B", "C0C"]
    ids: dict[str, list[int]] = {channel: [] for channel in channels}
    one, two = (
        Delivery(runtime.db, runtime.client, runtime.policy, post_interval=1.0) for _ in "12"
    )
    with running(one), running(two):
        for _ in range(4):  # messages keep coming; both processes wake for each batch
            for channel in channels:
                ids[channel] += notice(runtime, channel)
            time.sleep(0.3)
        wait_until(lambda: pending(runtime) == 0)

    calls = slack_api.calls("chat.postMessage")
    assert all(c.status == 200 for c in calls)  # one pace per channel, not one per process
    for channel in channels:
        assert [
            c.args["metadata"]["event_payload"]["outbox_id"]
            for c in calls
            if c.args["channel"] == channel
        ] == ids[channel]


@pytest.mark.slow
def test_a_burst_of_a_thousand_leads_into_one_channel_is_delivered_whole_and_in_order(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    # Pace and Slack's limit both scaled to 4 posts a second to keep the test short; the
    # default two-minute digest delay still means the burst goes out as digests.
    slack_api.rate_limit_channels(4.0)
    leads = hand_off(runtime, 1000)
    delivery = Delivery(runtime.db, runtime.client, runtime.policy, post_interval=0.25)
    with running(delivery):
        wait_until(lambda: pending(runtime) == 0, timeout=120)

    calls = slack_api.calls("chat.postMessage")
    assert all(c.status == 200 for c in calls)
    listed = [
        int(block["accessory"]["value"])
        for call in calls
        for block in call.args["blocks"]
        if block.get("accessory", {}).get("action_id") == "lead_claim"
    ]
    assert listed == leads  # every lead once, in order
    assert len(calls) == 23  # 45 leads a message
    assert all(r.sent_at is not None for r in rows(runtime).values())


def test_a_slow_slack_does_not_let_a_second_worker_take_a_row_mid_send(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    # Each call outlasts the lease several times over, and the idle worker looks again
    # after two seconds: only the renewed lease keeps it off the row being sent.
    slack_api.delay = 2.5
    ids = notice(runtime, "C0SALES") + notice(runtime, "C0OTHER")
    lease = timedelta(seconds=0.5)
    first = Delivery(runtime.db, runtime.client, runtime.policy, lease=lease, post_interval=0)
    second = Delivery(runtime.db, runtime.client, runtime.policy, lease=lease, post_interval=0)
    with running(first), running(second):
        wait_until(lambda: pending(runtime) == 0)
    assert sorted(posted_ids(slack_api)) == ids
    assert [r.attempts for r in rows(runtime).values()] == [1, 1]
    assert not slack_api.calls("conversations.history")  # nobody had to recover a row


def test_stopping_hands_back_queued_rows_and_finishes_the_send_in_flight(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    ids = notice(runtime, "C0SALES", 5)
    slack_api.delay = 0.3
    delivery = Delivery(runtime.db, runtime.client, runtime.policy, post_interval=1.0)
    with running(delivery):
        slack_api.wait_for("chat.postMessage", 1)
        assert delivery.health()["state"] == "running" and delivery.health()["healthy"]
    assert delivery.health()["state"] == "stopped"
    state = rows(runtime)
    sent = [i for i in ids if state[i].sent_at is not None]
    assert sent and sent == ids[: len(sent)]
    assert all(state[i].leased_until is None for i in ids if i not in sent)

    slack_api.delay = 0
    later = Delivery(runtime.db, runtime.client, runtime.policy, post_interval=0)
    while later.run_once():
        pass
    assert Counter(posted_ids(slack_api)) == Counter(ids)  # each once
    assert [r.kind for r in rows(runtime).values()] == [Intent.NOTICE] * 5


def test_a_card_update_does_not_wait_behind_posts_held_by_the_channels_pace(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    leads = hand_off(runtime, 3)
    unpaced = Delivery(runtime.db, runtime.client, runtime.policy, post_interval=0)
    while unpaced.run_once():
        pass  # the three cards are up
    slack_api.clear()
    # A pace long enough that a post waiting for it would outlast the test.
    delivery = Delivery(runtime.db, runtime.client, runtime.policy, post_interval=600)
    with running(delivery):
        runtime.leads.claim(leads[0], "U0REP1")
        slack_api.wait_for("chat.postMessage", 1)  # its thread reply: the channel's pace starts
        runtime.leads.claim(leads[1], "U0REP2")  # its thread reply now waits for the pace
        slack_api.wait_for("chat.update", 2)
        wait_until(lambda: leased(runtime, Intent.THREAD_EVENT, leads[1]))
        runtime.leads.claim(leads[2], "U0REP3")
        updates = slack_api.wait_for("chat.update", 3, timeout=20)
        posts = slack_api.calls("chat.postMessage")
    assert len(posts) == 1  # the pace still holds the second thread reply
    assert "U0REP3" in str(updates[-1].args["blocks"])


@pytest.mark.slow
def test_a_card_update_is_not_held_back_by_a_channels_long_backlog_of_posts(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    # More thread replies waiting for the channel's pace than delivery queues at once
    # (1,000), and more again than it looks at in one go (200).
    *waiting, clicked = hand_off(runtime, 1301)
    now = datetime.now(UTC)
    with runtime.db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == str(Intent.POST_CARD))
            .values(sent_at=now, result={"posted": "by the test's setup"})
        )
        for n, lead in enumerate([*waiting, clicked]):
            session.add(
                SlackMessage(
                    lead_id=lead, purpose="card", channel="C0SALES", ts=f"1.{n:06d}", created_at=now
                )
            )
        events = dict(
            session.execute(
                select(LeadEvent.lead_id, LeadEvent.id).where(LeadEvent.lead_id.in_(waiting))
            ).all()
        )
        for lead in waiting:
            outbox.queue(
                session,
                outbox.message(Intent.THREAD_EVENT, now, lead_id=lead, event_id=events[lead]),
            )
    # A pace long enough that the replies after the first outlast the test.
    delivery = Delivery(runtime.db, runtime.client, runtime.policy, post_interval=600)
    with running(delivery):
        slack_api.wait_for("chat.postMessage", 1)
        runtime.leads.claim(clicked, "U0REP1")
        [card_update] = slack_api.wait_for("chat.update", 1, timeout=30)
    assert card_update.args["ts"] == f"1.{len(waiting):06d}"
    assert len(slack_api.calls("chat.postMessage")) == 1  # the pace still holds the rest
