"""Stand-in senders for delivery tests, registered only for the test that asks.

The real card senders belong to the Slack surface; these post plain text the same
way (through `ctx`), so delivery's ordering, pacing, coalescing and crash safety
can be tested with real outbox rows written by the lifecycle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery.registry import SENDERS, NotReady, SendContext, Sender, Sent
from bot.store.models import Lead, OutboxMessage, SlackMessage
from bot.store.outbox import Intent


@contextmanager
def registered(senders: dict[str, Sender]) -> Iterator[None]:
    saved = dict(SENDERS)
    SENDERS.update(senders)
    try:
        yield
    finally:
        SENDERS.clear()
        SENDERS.update(saved)


def _lead(ctx: SendContext, lead_id: int) -> Lead:
    with ctx.db.read() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead


def _card(ctx: SendContext, lead_id: int) -> SlackMessage | None:
    with ctx.db.read() as session:
        return session.scalar(
            select(SlackMessage).where(
                SlackMessage.lead_id == lead_id, SlackMessage.purpose == "card"
            )
        )


def post_card(row: OutboxMessage, ctx: SendContext) -> Sent:
    assert row.lead_id is not None
    lead = _lead(ctx, row.lead_id)
    route = ctx.policy.route_named(lead.route)
    assert route is not None
    answer = ctx.post_message(channel=route.channel, text=f"lead #{lead.id} {lead.name}")
    channel, ts, now = str(answer["channel"]), str(answer["ts"]), ctx.now

    def record(session: Session) -> None:
        session.add(
            SlackMessage(lead_id=lead.id, purpose="card", channel=channel, ts=ts, created_at=now)
        )

    return Sent(result={"channel": channel, "ts": ts}, record=record)


def update_card(row: OutboxMessage, ctx: SendContext) -> Sent:
    assert row.lead_id is not None
    card = _card(ctx, row.lead_id)
    if card is None:
        raise NotReady("the card is not posted yet")
    lead = _lead(ctx, row.lead_id)
    ctx.client.chat_update(channel=card.channel, ts=card.ts, text=f"lead #{lead.id} {lead.status}")
    return Sent(result={"ts": card.ts})


def thread_event(row: OutboxMessage, ctx: SendContext) -> Sent:
    assert row.lead_id is not None
    card = _card(ctx, row.lead_id)
    if card is None:
        raise NotReady("the card is not posted yet")
    answer = ctx.post_message(
        channel=card.channel, thread_ts=card.ts, text=f"event {row.payload.get('event_id')}"
    )
    return Sent(result={"ts": answer["ts"]})


def fan_out(row: OutboxMessage, ctx: SendContext) -> Sent:
    """One row, several posts (like an escalation that DMs every manager)."""
    posted = [
        ctx.post_message(channel=user, text=f"escalation {row.id}")["ts"]
        for user in row.payload["to"]
    ]
    return Sent(result={"ts": posted})


CARDS: dict[str, Sender] = {
    Intent.POST_CARD: post_card,
    Intent.UPDATE_CARD: update_card,
    Intent.THREAD_EVENT: thread_event,
}


def not_ready_times(times: int, then: Sender) -> Sender:
    """A sender that is not ready the first `times` calls, then behaves like `then`."""
    calls = {"n": 0}

    def send(row: OutboxMessage, ctx: SendContext) -> Sent:
        calls["n"] += 1
        if calls["n"] <= times:
            raise NotReady("waiting for something", retry_in=0)
        return then(row, ctx)

    return send
