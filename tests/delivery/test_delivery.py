"""Delivery through the real WebClient and the Slack stand-in, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.delivery.dead_letters import problems, retry_failed
from bot.delivery.loop import Delivery
from bot.delivery.slack_client import outbox_metadata
from bot.leads.handoff import LeadInput
from bot.runtime import Runtime
from bot.store import outbox
from bot.store.models import InSlack, OutboxMessage, SlackMessage
from bot.store.outbox import Intent
from tests.support import senders
from tests.support.outbox import queue_rows
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import drain


def hand_off(runtime: Runtime, n: int = 1, **fields: str) -> list[int]:
    return [
        runtime.leads.hand_off(
            LeadInput(source="web", name=f"Person {i}", email=f"p{i}@example.com", **fields)
        ).lead.id
        for i in range(n)
    ]


def notice(runtime: Runtime, to: str, count: int = 1) -> list[int]:
    with runtime.db.transaction() as session:
        return queue_rows(
            session,
            *(
                outbox.message(
                    Intent.NOTICE,
                    datetime.now(UTC),
                    to=to,
                    lines=[{"key": "delivery.alert", "params": {}}],
                )
                for _ in range(count)
            ),
        )


def rows(runtime: Runtime) -> dict[int, OutboxMessage]:
    with runtime.db.read() as session:
        return {r.id: r for r in session.scalars(select(OutboxMessage))}


def posted_ids(slack_api: SlackStandIn) -> list[int]:
    """Outbox ids of the posts Slack accepted, in the order it accepted them."""
    return [
        c.args["metadata"]["event_payload"]["outbox_id"]
        for c in slack_api.successful_calls("chat.postMessage")
    ]


# --- order and coalescing ---------------------------------------------------------------


def test_a_leads_messages_go_out_in_order_and_card_updates_coalesce(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    [lead] = hand_off(runtime)
    with senders.registered(senders.CARDS):
        drain(runtime)  # the card is up
        runtime.leads.claim(lead, "U0REP1")
        runtime.leads.release(lead, "U0REP1")
        runtime.leads.claim(lead, "U0REP2")
        kinds = [r.kind for r in rows(runtime).values() if r.sent_at is None]
        assert kinds.count(Intent.UPDATE_CARD) == 3 and kinds.count(Intent.THREAD_EVENT) == 3
        drain(runtime)

    methods = [c.method for c in slack_api.successful_calls()]
    assert methods[0] == "chat.postMessage"  # the card before anything about it
    assert methods.count("chat.update") == 1  # three pending updates, one call
    assert methods.count("chat.postMessage") == 4  # the card and three thread replies
    threads = slack_api.successful_calls("chat.postMessage")[1:]
    assert [c.args["text"] for c in threads] == [
        f"event {r.payload['event_id']}"
        for r in rows(runtime).values()
        if r.kind == Intent.THREAD_EVENT
    ]
    final = rows(runtime)
    assert all(r.sent_at is not None for r in final.values())
    superseded = [r for r in final.values() if (r.result or {}).get("superseded_by")]
    assert len(superseded) == 2


def test_a_first_card_post_covers_the_updates_queued_before_it(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    [lead] = hand_off(runtime)
    runtime.leads.claim(lead, "U0REP1")
    runtime.leads.release(lead, "U0REP1")
    with senders.registered(senders.CARDS):
        drain(runtime)
    methods = [c.method for c in slack_api.successful_calls()]
    assert methods.count("chat.update") == 0  # the card was rendered after both changes
    assert methods.count("chat.postMessage") == 3  # the card and two thread replies
    covered = [r for r in rows(runtime).values() if (r.result or {}).get("superseded_by")]
    assert [r.kind for r in covered] == [Intent.UPDATE_CARD, Intent.UPDATE_CARD]


def test_a_row_waits_for_an_earlier_row_of_its_lead_that_is_not_ready(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    [lead] = hand_off(runtime)
    runtime.leads.claim(lead, "U0REP1")
    slow_card = senders.not_ready_times(2, senders.post_card)
    with senders.registered({**senders.CARDS, Intent.POST_CARD: slow_card}):
        runtime.delivery.run_once()
        assert slack_api.calls() == []  # not ready, and nothing of the lead jumped ahead
        card = next(r for r in rows(runtime).values() if r.kind == Intent.POST_CARD)
        assert card.failures == 0 and card.dead_at is None and card.in_slack == InSlack.NO
        drain(runtime)
    # The card (rendered after the claim, so the queued update is covered), then the reply.
    assert [c.method for c in slack_api.successful_calls()] == [
        "chat.postMessage",
        "chat.postMessage",
    ]


# --- crash safety -------------------------------------------------------------------------


def _as_if_a_dead_process_had_it(runtime: Runtime, row_id: int) -> None:
    past = datetime.now(UTC) - timedelta(seconds=1)
    with runtime.db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(
                attempts=1,
                first_attempt_at=past,
                leased_until=past,
                leased_by="dead:1",
                in_slack=InSlack.SENDING,
            )
        )


def test_a_post_slack_accepted_before_the_process_died_is_not_posted_again(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    [row_id] = notice(runtime, "C0SALES")
    # The dead process's post reached Slack; its answer never made it to the database.
    first = runtime.client.chat_postMessage(
        channel="C0SALES", text="alert", metadata=outbox_metadata(row_id, 1)
    )
    _as_if_a_dead_process_had_it(runtime, row_id)
    assert drain(runtime) == 1

    assert posted_ids(slack_api) == [row_id]
    history = slack_api.calls("conversations.history")
    assert history and history[0].args["include_all_metadata"] in ("1", "true", True)
    row = rows(runtime)[row_id]
    assert row.sent_at is not None and row.result == {"channel": "C0SALES", "ts": first["ts"]}


def test_a_row_whose_earlier_attempt_never_reached_slack_is_posted_once(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    [row_id] = notice(runtime, "U0MANAGER1")  # a DM: history is read from the DM channel
    _as_if_a_dead_process_had_it(runtime, row_id)
    drain(runtime)
    assert posted_ids(slack_api) == [row_id]
    assert slack_api.calls("conversations.history")[0].args["channel"] == "DU0MANAGER1"


def test_a_retried_thread_reply_whose_thread_is_gone_is_posted_not_failed(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    [lead] = hand_off(runtime)
    drain(runtime)  # the card is in Slack
    runtime.leads.claim(lead, "U0REP1")
    reply = next(r for r in rows(runtime).values() if r.kind == Intent.THREAD_EVENT)
    _as_if_a_dead_process_had_it(runtime, reply.id)
    # Someone deleted the card meanwhile: Slack has no thread to read any more.
    slack_api.respond("conversations.replies", {"ok": False, "error": "thread_not_found"})
    drain(runtime)

    assert slack_api.calls("conversations.replies")  # it looked, in the thread
    row = rows(runtime)[reply.id]
    assert row.sent_at is not None and row.dead_at is None and row.failures == 0


def test_a_row_with_several_posts_resumes_after_the_ones_slack_has(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    with runtime.db.transaction() as session:
        [row_id] = queue_rows(
            session, outbox.message("test.fan_out", datetime.now(UTC), to=["U1", "U2", "U3"])
        )
    runtime.client.chat_postMessage(channel="U1", text="x", metadata=outbox_metadata(row_id, 1))
    _as_if_a_dead_process_had_it(runtime, row_id)
    with senders.registered({"test.fan_out": senders.fan_out}):
        drain(runtime)
    assert [c.args["channel"] for c in slack_api.successful_calls("chat.postMessage")] == [
        "U1",
        "U2",
        "U3",
    ]


# --- retries --------------------------------------------------------------------------------


def test_429_waits_retry_after_for_that_channel_only(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    [sales] = notice(runtime, "C0SALES")
    [other] = notice(runtime, "C0OTHER")
    slack_api.fail("chat.postMessage", status=429, retry_after=5)
    before = datetime.now(UTC)
    assert runtime.delivery.run_once() == 2
    held, sent = rows(runtime)[sales], rows(runtime)[other]
    assert sent.sent_at is not None  # the other channel went ahead in the same pass
    assert held.sent_at is None and held.failures == 0 and held.in_slack == InSlack.NO
    assert held.available_at >= before + timedelta(seconds=5)
    # Slack's wait also holds new posts to that channel, without asking Slack again.
    [later] = notice(runtime, "C0SALES")
    runtime.delivery.run_once()
    assert rows(runtime)[later].sent_at is None
    assert len(slack_api.calls("chat.postMessage")) == 2


def test_5xx_backs_off_and_then_delivers_once(runtime: Runtime, slack_api: SlackStandIn) -> None:
    [row_id] = notice(runtime, "C0SALES")
    slack_api.fail("chat.postMessage", status=500, times=2)
    before = datetime.now(UTC)
    runtime.delivery.run_once()
    row = rows(runtime)[row_id]
    assert row.failures == 1 and row.last_error == "chat.postMessage C0SALES: http_500"
    assert (
        before + timedelta(seconds=0.5)
        <= row.available_at
        <= datetime.now(UTC) + timedelta(seconds=1)
    )
    for _ in range(2):
        _due_now(runtime, row_id)
        runtime.delivery.run_once()
    assert rows(runtime)[row_id].sent_at is not None
    assert posted_ids(slack_api) == [row_id]


def _due_now(runtime: Runtime, row_id: int) -> None:
    with runtime.db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(available_at=datetime.now(UTC) - timedelta(seconds=1))
        )


def test_permanent_errors_become_dead_letters_managers_hear_of_once_and_retry_failed_resends(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    leads = hand_off(runtime, 2)
    slack_api.fail("chat.postMessage", error="not_in_channel", times=2)
    with senders.registered(senders.CARDS):
        runtime.delivery.run_once()

    cards = [r for r in rows(runtime).values() if r.kind == Intent.POST_CARD]
    assert all(r.dead_at is not None and r.sent_at is None for r in cards)
    assert cards[0].failure == {
        "method": "chat.postMessage",
        "channel": "C0SALES",
        "error": "not_in_channel",
        "status": 200,
    }
    [problem] = problems(runtime.db)
    assert problem.count == 2 and problem.lead_ids == sorted(leads, reverse=True)
    assert problem.message("en") == (
        "Baton cannot post to <#C0SALES>: it is not in the channel — invite it with "
        "/invite @Baton. (2 messages waiting)"
    )
    assert "招待してください" in problem.message("ja")

    with senders.registered(senders.CARDS):
        drain(runtime)  # the managers' alert: once for the one problem
        [alert] = slack_api.messages("U0MANAGER1")
        assert "invite it with /invite @Baton" in alert["text"]
        assert "baton retry-failed" in alert["text"]

        assert retry_failed(runtime.db, datetime.now(UTC), channel="C0OTHER") == 0
        assert retry_failed(runtime.db, datetime.now(UTC)) == 2
        assert problems(runtime.db) == []
        drain(runtime)
    assert [m["text"] for m in slack_api.messages("C0SALES")] == [
        f"lead #{lead} Person {i}" for i, lead in enumerate(leads)
    ]


def test_an_unknown_error_is_retried_a_few_times_then_dead(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    from bot.delivery.failures import MAX_UNKNOWN_FAILURES

    [row_id] = notice(runtime, "C0SALES")
    slack_api.fail("chat.postMessage", error="brand_new_error", times=MAX_UNKNOWN_FAILURES)
    for _ in range(MAX_UNKNOWN_FAILURES - 1):
        runtime.delivery.run_once()
        assert rows(runtime)[row_id].dead_at is None
        _due_now(runtime, row_id)
    runtime.delivery.run_once()
    assert rows(runtime)[row_id].dead_at is not None
    assert [p.key for p in problems(runtime.db)] == ["delivery.problem.other"]


def test_a_kind_nobody_sends_is_a_dead_letter_not_a_loop(runtime: Runtime) -> None:
    with runtime.db.transaction() as session:
        outbox.queue(session, outbox.message("future.kind", datetime.now(UTC)))
    runtime.delivery.run_once()
    [problem] = problems(runtime.db)
    assert problem.error == "no_sender:future.kind"


# --- digests -------------------------------------------------------------------------------


def paced(runtime: Runtime, digest_after: float | None) -> Delivery:
    policy = runtime.policy.model_copy(
        update={"digest_after": None if digest_after is None else timedelta(seconds=digest_after)}
    )
    return Delivery(runtime.db, runtime.client, policy, post_interval=1.0)


def test_a_backlog_too_long_to_post_goes_out_as_digests_with_claim_buttons(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    leads = hand_off(runtime, 50)
    delivery = paced(runtime, digest_after=10)
    with senders.registered(senders.CARDS):
        delivery.run_once()

    posts = slack_api.successful_calls("chat.postMessage")
    assert len(posts) == 2  # 45 + 5, never a card each
    listed = [
        int(b["accessory"]["value"])
        for c in posts
        for b in c.args["blocks"]
        if b.get("accessory", {}).get("action_id") == "lead_claim"
    ]
    assert listed == leads
    assert all(len(c.args["blocks"]) <= 50 for c in posts)
    assert posts[0].args["text"] == "45 new leads — claim from the list"
    with runtime.db.read() as session:
        recorded = session.scalars(select(SlackMessage).order_by(SlackMessage.lead_id)).all()
    assert [m.lead_id for m in recorded] == leads
    assert {m.purpose for m in recorded} == {"digest"}
    assert {m.ts for m in recorded} == {c.response["ts"] for c in posts if c.response}

    # A claim from the digest re-renders it: the claimed lead loses its button.
    runtime.leads.claim(leads[3], "U0REP1")
    with senders.registered(senders.CARDS):
        drain(runtime)
    [update_call] = slack_api.successful_calls("chat.update")
    assert update_call.args["ts"] == posts[0].response["ts"]
    values = [b["accessory"]["value"] for b in update_call.args["blocks"] if b.get("accessory")]
    assert str(leads[3]) not in values and len(values) == 44
    assert "claimed by <@U0REP1>" in update_call.args["blocks"][5]["text"]["text"]


def test_a_short_backlog_is_posted_card_by_card(runtime: Runtime, slack_api: SlackStandIn) -> None:
    leads = hand_off(runtime, 2)
    with senders.registered(senders.CARDS):
        paced(runtime, digest_after=10).run_once()
    assert [c.args["text"] for c in slack_api.successful_calls("chat.postMessage")] == [
        f"lead #{lead} Person {i}" for i, lead in enumerate(leads)
    ]
