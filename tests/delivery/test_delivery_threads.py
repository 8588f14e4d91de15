"""The background delivery loop: channels in parallel, each paced, leases kept alive.

Where a test needs an order of events (a send in flight while something else happens),
Slack takes the post and holds its answer (SlackStandIn.stall) until the test has seen
what it waits for, rather than hoping that a slow answer lines up with the clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select, update

from bot.delivery.loop import Delivery
from bot.runtime import Runtime
from bot.store import outbox
from bot.store.models import LeadEvent, OutboxMessage, SlackMessage
from bot.store.outbox import Intent
from tests.delivery.test_delivery import hand_off, notice, posted_ids, rows
from tests.support.slack_api import Call, SlackStandIn
from tests.support.slack_app import BOT_TOKEN


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


def outbox_id_of(call: Call) -> int:
    return int(call.args["metadata"]["event_payload"]["outbox_id"])


def posts_to(calls: list[Call], channel: str) -> list[Call]:
    return [c for c in calls if c.args["channel"] == channel]


def all_sent(runtime: Runtime, ids: list[int]) -> bool:
    state = rows(runtime)
    return all(state[i].sent_at is not None for i in ids)


def taken(runtime: Runtime, ids: list[int]) -> bool:
    """Every row of `ids` is leased by a process, or already sent."""
    state = rows(runtime)
    return all(state[i].leased_until is not None or state[i].sent_at is not None for i in ids)


def test_channels_are_paced_one_post_a_second_and_proceed_in_parallel(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    # Slack's own limit, answered with 429: a little looser than Baton's pace (as Slack's
    # is), so that only a post sent faster than the pace meets it.
    slack_api.rate_limit_channels(1 / 0.9)
    channels = ["C0A", "C0B", "C0C"]
    ids = {channel: notice(runtime, channel, 3) for channel in channels}
    # Slack takes three posts and holds their answers. A channel's next post waits for
    # the answer to its last (and then the pace): three held at once are three channels
    # posting at once, each channel's first post before any channel's second.
    slack_api.stall("chat.postMessage", times=3)
    delivery = Delivery(runtime.db, runtime.client, runtime.policy, post_interval=1.0)
    with running(delivery):
        held = slack_api.wait_held(3, timeout=30)
        assert sorted(outbox_id_of(c) for c in held) == sorted(ids[c][0] for c in channels)
        slack_api.release()
        # A channel whose post Slack does not answer holds up no other: a fourth
        # channel's post is held while the three channels post the rest of theirs, and
        # one more each, queued only once it is held.
        slack_api.stall("chat.postMessage", landing_in="C0D")
        [stuck] = notice(runtime, "C0D")
        assert outbox_id_of(slack_api.wait_held(4, timeout=30)[3]) == stuck
        for channel in channels:
            ids[channel] += notice(runtime, channel)
        wait_until(lambda: all_sent(runtime, [i for c in channels for i in ids[c]]), 30)
        assert rows(runtime)[stuck].sent_at is None  # its answer is still held
        slack_api.release()
        wait_until(lambda: all_sent(runtime, [stuck]), 30)

    calls = slack_api.calls("chat.postMessage")
    assert all(c.status == 200 for c in calls)  # paced under the limit: no 429 at all
    assert [outbox_id_of(c) for c in posts_to(calls, "C0D")] == [stuck]
    for channel in channels:
        posts = posts_to(calls, channel)
        assert [outbox_id_of(c) for c in posts] == ids[channel]
        # Paced: a post reaches Slack a whole interval after the answer to the one before
        # it came back (so after that one reached Slack), however long the answer took.
        gaps = [later.at - earlier.at for earlier, later in pairwise(posts)]
        assert all(gap >= 1.0 for gap in gaps), (channel, gaps)


def test_two_processes_delivering_share_each_channels_pace_and_order(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    slack_api.rate_limit_channels(1.0)
    channels = ["C0A", "C0B", "C0C"]
    ids: dict[str, list[int]] = {channel: [] for channel in channels}
    # Two processes, each with its own client: Slack tells their posts apart by token.
    tokens = {"one": f"{BOT_TOKEN}-one", "two": f"{BOT_TOKEN}-two"}
    one, two = (
        Delivery(
            runtime.db,
            WebClient(token=tokens[name], base_url=slack_api.url),
            runtime.policy,
            post_interval=1.0,
        )
        for name in ("one", "two")
    )
    # Each already posts to a channel (as after earlier work): it holds that channel's
    # lane. The third channel is free, for whichever process takes it first.
    assert one.channels.hold({"C0A"}) == {"C0A"}
    assert two.channels.hold({"C0B"}) == {"C0B"}
    with running(one), running(two):
        for _ in range(4):  # messages keep coming; both processes wake for each batch
            batch = []
            for channel in channels:
                batch += notice(runtime, channel)
                ids[channel] += batch[-1:]
            # Taken (each row by the process holding its channel's lane) before the next
            # batch comes: each batch wakes both processes anew.
            wait_until(lambda batch=batch: taken(runtime, batch))
        wait_until(lambda: pending(runtime) == 0)

    calls = slack_api.calls("chat.postMessage")
    assert all(c.status == 200 for c in calls)  # one pace per channel, not one per process
    for channel in channels:
        assert [outbox_id_of(c) for c in posts_to(calls, channel)] == ids[channel]
    # Both processes sent; neither posted to the channel the other held.
    assert {c.token for c in calls} == set(tokens.values())
    assert {c.token for c in posts_to(calls, "C0A")} == {tokens["one"]}
    assert {c.token for c in posts_to(calls, "C0B")} == {tokens["two"]}


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
    # Slack takes both posts and holds their answers until a second worker has looked
    # for work after the leases the sends began with ran out: only the renewed leases
    # keep it off the rows being sent.
    ids = notice(runtime, "C0SALES") + notice(runtime, "C0OTHER")
    lease = timedelta(seconds=2)
    slack_api.stall("chat.postMessage", times=2)
    first = Delivery(runtime.db, runtime.client, runtime.policy, lease=lease, post_interval=0)
    second = Delivery(runtime.db, runtime.client, runtime.policy, lease=lease, post_interval=0)
    with running(first):
        slack_api.wait_held(2)
        # Each send's lease was set before Slack had its post, so before now + lease.
        ran_out = datetime.now(UTC) + lease
        wait_until(lambda: datetime.now(UTC) > ran_out)  # time passing: no race
        assert second.run_once() == 0  # a whole pass, finding nothing it may take
        state = rows(runtime)
        assert all(state[i].sent_at is None and state[i].leased_until > ran_out for i in ids)
        slack_api.release()
        wait_until(lambda: pending(runtime) == 0)
    assert sorted(posted_ids(slack_api)) == ids
    assert [r.attempts for r in rows(runtime).values()] == [1, 1]
    assert not slack_api.calls("conversations.history")  # nobody had to recover a row


def delivery_stopped(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The fields of each `delivery.stopped` event logged."""
    return [
        dict(getattr(r, "baton_fields", {}))
        for r in caplog.records
        if r.name == "bot.delivery.loop" and r.getMessage() == "delivery.stopped"
    ]


def test_stopping_hands_back_queued_rows_and_finishes_the_send_in_flight(
    runtime: Runtime, slack_api: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.delivery.loop")
    ids = notice(runtime, "C0SALES", 5)
    slack_api.stall("chat.postMessage", after=1)  # Slack takes the second post, holds its answer
    delivery = Delivery(runtime.db, runtime.client, runtime.policy, post_interval=1.0)
    # A generous budget: the stop must wait for the send however long the test takes.
    stopping = threading.Thread(target=delivery.stop, kwargs={"timeout": 60}, daemon=True)
    delivery.start()
    try:
        [held] = slack_api.wait_held(1)
        assert outbox_id_of(held) == ids[1]
        health = delivery.health()
        assert health["state"] == "running" and health["healthy"]
        assert (health["in_flight"], health["queued"]) == (1, 3)
        stopping.start()
        # The rows not started are handed back at once; the send in flight is waited for.
        wait_until(lambda: all(rows(runtime)[i].leased_until is None for i in ids[2:]))
        assert stopping.is_alive() and delivery.health()["state"] == "stopping"
        assert rows(runtime)[ids[1]].sent_at is None
        slack_api.release()
        stopping.join(60)
        assert not stopping.is_alive()
    finally:
        slack_api.release()
        if stopping.ident is None:
            delivery.stop()
        else:
            stopping.join(60)
    assert delivery.health()["state"] == "stopped"
    assert delivery_stopped(caplog) == [{"released": 3, "unfinished": 0}]
    state = rows(runtime)
    sent = [i for i in ids if state[i].sent_at is not None]
    assert sent == ids[:2]  # the one sent before the stop, and the one in flight
    assert held.response is not None and state[ids[1]].result is not None
    assert state[ids[1]].result["ts"] == held.response["ts"]
    assert all(state[i].leased_until is None and state[i].attempts == 0 for i in ids[2:])

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
