"""Lead cards in the channel: posted on hand-off, updated in place, reposted, threaded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bot.delivery.dead_letters import retry_failed
from bot.runtime import Runtime
from bot.slack.senders import queue_repost
from bot.store import outbox
from bot.store.models import OutboxMessage, SlackMessage
from bot.store.outbox import Intent
from tests.slack.conftest import HandOff
from tests.support.clock import FakeClock
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import drain


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (element["action_id"], element["value"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def text_of(blocks: list[dict[str, Any]]) -> str:
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [f["text"] for f in block.get("fields", [])]
        out += [e["text"] for e in block.get("elements", []) if e.get("type") == "mrkdwn"]
    return "\n".join(out)


def test_hand_off_posts_the_card_to_the_routes_channel_and_stores_it(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
) -> None:
    lead = hand_off(segment="enterprise")
    assert drain(runtime) == 1
    [post] = slack_api.calls("chat.postMessage")
    assert post.ok and post.args["channel"] == "C0ENTERPRISE"
    assert buttons(post.args["blocks"]) == [("lead_claim", str(lead.id))]
    shown = text_of(post.args["blocks"])
    for value in ("Hanako Sato", "Example KK", "Head of IT", "Autumn webinar", "72"):
        assert value in shown
    assert "Asked for a demo after the webinar" in shown
    # The claim deadline (Fri 10:15 Tokyo) in Slack's date format, with a fallback.
    assert "<!date^1795137300^{date_short_pretty} {time}|2026-11-20 10:15 JST>" in shown
    with runtime.db.read() as session:
        stored = session.scalars(select(SlackMessage)).all()
    assert [(m.lead_id, m.purpose, m.channel, m.ts) for m in stored] == [
        (lead.id, "card", "C0ENTERPRISE", post.response["ts"] if post.response else None)
    ]


def test_a_lead_no_route_matches_goes_to_the_default_channel(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
) -> None:
    hand_off(segment="smb")
    drain(runtime)
    assert [c.args["channel"] for c in slack_api.calls("chat.postMessage")] == ["C0SALES"]


def test_the_card_is_posted_once_even_if_queued_twice(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff, clock: FakeClock
) -> None:
    lead = hand_off()
    with runtime.db.transaction() as session:
        outbox.queue(session, outbox.message(Intent.POST_CARD, clock(), lead_id=lead.id))
    drain(runtime)
    assert len(slack_api.calls("chat.postMessage")) == 1


def test_every_change_updates_the_card_and_each_repost_in_place(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff, clock: FakeClock
) -> None:
    lead = hand_off()
    drain(runtime)
    with runtime.db.transaction() as session:
        queue_repost(session, lead.id, clock())
    drain(runtime)
    card, repost = slack_api.calls("chat.postMessage")
    assert repost.args["channel"] == card.args["channel"] == "C0SALES"
    assert buttons(repost.args["blocks"]) == [("lead_claim", str(lead.id))]

    runtime.leads.claim(lead.id, "U0REP1")
    drain(runtime)
    updates = slack_api.calls("chat.update")
    assert sorted(u.args["ts"] for u in updates) == sorted(
        c.response["ts"] for c in (card, repost) if c.response
    )
    for u in updates:
        assert "Claimed by <@U0REP1>" in text_of(u.args["blocks"])
        assert [a for a, _ in buttons(u.args["blocks"])] == [
            "lead_touch",
            "lead_release",
            "lead_outcome",
        ]
    with runtime.db.read() as session:
        purposes = sorted(m.purpose for m in session.scalars(select(SlackMessage)))
    assert purposes == ["card", "repost"]
    # The timeline reply goes under the original card, not the repost.
    [reply] = [c for c in slack_api.calls("chat.postMessage") if "thread_ts" in c.args]
    assert reply.args["thread_ts"] == card.response["ts"] if card.response else False


def test_a_thread_reply_waits_for_its_card_and_keeps_the_order(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff, clock: FakeClock
) -> None:
    lead = hand_off()
    slack_api.fail("chat.postMessage", status=500)
    drain(runtime)  # the card post fails and waits for its retry
    runtime.leads.claim(lead.id, "U0REP1")
    drain(runtime)
    assert slack_api.successful_calls() == []
    with runtime.db.read() as session:
        waiting = {
            row.kind: row.last_error
            for row in session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
        }
    # The update waits behind the card post of its lead; the post will cover it.
    assert set(waiting) == {"card.post", "card.update", "thread.event"}
    # Held back by its lead's order (the card post is pending), so never even tried.
    assert waiting["thread.event"] is None

    clock.advance(minutes=1)
    drain(runtime)
    card, reply = slack_api.successful_calls("chat.postMessage")
    # The late post renders the newest state, so the skipped update is not needed.
    assert "Claimed by <@U0REP1>" in text_of(card.args["blocks"])
    assert slack_api.calls("chat.update") == []
    assert reply.args["thread_ts"] == (card.response or {})["ts"]
    assert "claimed the lead" in reply.args["text"]


def test_a_thread_reply_whose_card_is_not_coming_is_parked_until_the_card_is_posted(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff, clock: FakeClock
) -> None:
    lead = hand_off()
    slack_api.fail("chat.postMessage", error="channel_not_found")
    drain(runtime)  # the card post needs a person: a dead letter, no card in Slack
    runtime.leads.claim(lead.id, "U0REP1")
    drain(runtime)
    clock.advance(minutes=1)
    drain(runtime)
    with runtime.db.read() as session:
        reply = session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == str(Intent.THREAD_EVENT))
        )
    assert reply is not None and reply.sent_at is None and reply.failures == 0
    # Not asked again every second or so while nothing can change its answer.
    assert (reply.available_at - clock()).total_seconds() > 60

    assert retry_failed(runtime.db, clock()) == 1
    drain(runtime)  # the card goes up, and the reply that waited for it right after
    card, posted_reply = [
        c for c in slack_api.successful_calls("chat.postMessage") if c.args["channel"] == "C0SALES"
    ]
    assert posted_reply.args["thread_ts"] == (card.response or {})["ts"]
    assert "claimed the lead" in posted_reply.args["text"]


def test_a_deleted_card_does_not_block_updates_of_the_others(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff, clock: FakeClock
) -> None:
    lead = hand_off()
    drain(runtime)
    with runtime.db.transaction() as session:
        queue_repost(session, lead.id, clock())
    drain(runtime)
    slack_api.fail("chat.update", error="message_not_found")
    runtime.leads.claim(lead.id, "U0REP1")
    drain(runtime)
    assert [c.status for c in slack_api.calls("chat.update")] == [200, 200]
    assert len(slack_api.successful_calls("chat.update")) == 1
    with runtime.db.read() as session:
        pending = session.scalars(
            select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        ).all()
    assert pending == []


def test_timeline_events_are_threaded_under_the_card_in_order(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff, clock: FakeClock
) -> None:
    lead = hand_off()
    drain(runtime)
    runtime.leads.claim(lead.id, "U0REP1")
    clock.advance(minutes=20)
    runtime.leads.log_first_touch(lead.id, "U0REP1", note="Called, *left* a <voicemail> & email")
    runtime.leads.set_outcome(lead.id, "U0REP1", "disqualified", reason="no_budget", note="FY27")
    drain(runtime)
    replies = [c.args for c in slack_api.calls("chat.postMessage") if "thread_ts" in c.args]
    assert [r["text"].split("\n")[0] for r in replies] == [
        "🙋 <@U0REP1> claimed the lead",
        "📞 <@U0REP1> logged the first touch",
        "🏁 <@U0REP1> disqualified the lead: No budget",
    ]
    assert replies[1]["text"].endswith("\n>Called, *left* a &lt;voicemail&gt; &amp; email")
    final = slack_api.calls("chat.update")[-1].args["blocks"]
    assert "*Disqualified* by <@U0REP1>: No budget" in text_of(final)
    assert buttons(final) == []


def test_a_repost_before_the_first_post_becomes_the_card(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff, clock: FakeClock
) -> None:
    lead = hand_off()
    with runtime.db.transaction() as session:
        session.execute(update(OutboxMessage).values(sent_at=clock()))  # lose the first post
        queue_repost(session, lead.id, clock())
    drain(runtime)
    with runtime.db.read() as session:
        assert [m.purpose for m in session.scalars(select(SlackMessage))] == ["card"]


def test_odd_field_values_never_make_an_invalid_card(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
) -> None:
    odd = "<b>Bold</b> & *star* 😀 日本語 "
    short = (odd + "長" * 300)[:300]  # the longest the schema keeps for a name
    lead = hand_off(
        name=short, company=short, title=short, reason=odd + "長" * 3500, campaign="<!here>"
    )
    drain(runtime)
    [post] = slack_api.calls("chat.postMessage")
    assert post.ok
    shown = text_of(post.args["blocks"])
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; *star* 😀 日本語" in shown
    assert "<!here>" not in shown and "&lt;!here&gt;" in shown
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in post.args["blocks"])
    runtime.leads.claim(lead.id, "U0REP1")
    drain(runtime)
    assert slack_api.calls("chat.update")[0].ok


def test_queued_updates_of_one_card_are_sent_once_with_the_newest_state(
    runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
) -> None:
    lead = hand_off()
    drain(runtime)
    runtime.leads.claim(lead.id, "U0REP1")
    runtime.leads.log_first_touch(lead.id, "U0REP1")
    runtime.leads.set_outcome(lead.id, "U0REP1", "opportunity")
    drain(runtime)
    [update] = slack_api.calls("chat.update")
    assert "*Opportunity*" in text_of(update.args["blocks"])
    assert len([c for c in slack_api.calls("chat.postMessage") if "thread_ts" in c.args]) == 3
