"""Senders for the Slack surface: lead cards, thread replies, ephemeral notes, App Home.

Each renders from the database when it runs, so a late send shows the newest state.
Delivery (bot/delivery/) leases the outbox row, calls the sender, and marks the row
sent in the transaction that also runs the sender's `record`.

Issue a card post or a repost by queueing `Intent.POST_CARD` in the transaction of the
change (`outbox.queue(session, outbox.message(Intent.POST_CARD, now, lead_id=..., repost=True))`).
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.policy import Policy
from bot.delivery.flood_list import PURPOSE as FLOOD_LIST  # one message listing many leads
from bot.delivery.people import guest_status, reader_locale
from bot.delivery.registry import NotReady, SendContext, Sent, sender
from bot.leads.funnel_cache import ReportCache
from bot.leads.funnel_report import DEFAULT_PERIOD, GroupBy, period_of
from bot.leads.reports import Reports
from bot.slack.contacts import reports_for
from bot.slack.placement import placement_of
from bot.slack.render.card import lead_card
from bot.slack.render.home import home_view
from bot.slack.render.timeline import event_text
from bot.slack.team_service import home_team
from bot.store import outbox
from bot.store.models import Lead, LeadEvent, OutboxMessage, SlackMessage
from bot.store.outbox import Intent, release_waiting

log = logging.getLogger(__name__)

CARD = "card"
REPOST = "repost"

# How long a thread reply whose lead has no card waits before it looks again. Posting
# the card (or a flood list listing the lead) makes it due at once (release_waiting), so
# this is only the fallback; a short retry would have every such reply polled over and
# over, crowding out the messages that can go (imported leads have no card at all).
CARD_WAIT_SECONDS = 300.0

# chat.update answers for a message that is gone: nothing left to update there.
_GONE = frozenset({"message_not_found", "cant_update_message", "channel_not_found", "is_archived"})
# chat.postEphemeral answers after which a DM is the only way to reach the user.
_NO_EPHEMERAL = frozenset({"channel_not_found", "not_in_channel", "user_not_in_channel"})


def timezone(policy: Policy) -> ZoneInfo:
    return ZoneInfo(policy.timezone)


def card_channel(lead: Lead, policy: Policy) -> str:
    """The channel of the lead's route (the default route's if the policy dropped it)."""
    route = policy.route_of_lead(lead.route)
    if route is None:
        raise NotReady(f"no route named {lead.route!r} and no default route in the policy")
    return route.channel


def _messages(session: Session, lead_id: int, purpose: str | None = None) -> list[SlackMessage]:
    query = select(SlackMessage).where(SlackMessage.lead_id == lead_id)
    if purpose is not None:
        query = query.where(SlackMessage.purpose == purpose)
    return list(session.scalars(query.order_by(SlackMessage.id)))


@sender(Intent.POST_CARD)
def post_card(row: OutboxMessage, ctx: SendContext) -> Sent:
    """Post the card to the route's channel; with payload {"repost": true}, a fresh copy."""
    assert row.lead_id is not None
    with ctx.db.read() as session:
        lead = session.get(Lead, row.lead_id)
        cards = _messages(session, row.lead_id, CARD)
        placement = placement_of(session, lead, ctx.policy) if lead else None
    if lead is None:
        return Sent(result={"skipped": "lead deleted"})
    repost = bool(row.payload.get("repost")) and bool(cards)
    if cards and not repost:
        return Sent(result={"skipped": "card already posted", "ts": cards[0].ts})
    message = lead_card(
        lead,
        locale=ctx.policy.channel_locale(lead.route),
        tz=timezone(ctx.policy),
        placement=placement,
    )
    response = ctx.client.chat_postMessage(
        channel=card_channel(lead, ctx.policy),
        text=message.text,
        blocks=message.blocks,
        unfurl_links=False,
        unfurl_media=False,
    )
    channel, ts = str(response["channel"]), str(response["ts"])
    purpose = REPOST if repost else CARD
    lead_id, now = lead.id, ctx.now

    def record(session: Session) -> None:
        session.add(
            SlackMessage(lead_id=lead_id, purpose=purpose, channel=channel, ts=ts, created_at=now)
        )
        release_waiting(session, Intent.THREAD_EVENT, [lead_id], now)

    return Sent(result={"channel": channel, "ts": ts, "purpose": purpose}, record=record)


@sender(Intent.UPDATE_CARD)
def update_card(row: OutboxMessage, ctx: SendContext) -> Sent:
    """Re-render the card, and every repost of it, in place."""
    assert row.lead_id is not None
    with ctx.db.read() as session:
        lead = session.get(Lead, row.lead_id)
        # Flood lists list many leads; delivery re-renders those itself.
        messages = [m for m in _messages(session, row.lead_id) if m.purpose != FLOOD_LIST]
        placement = placement_of(session, lead, ctx.policy) if lead else None
    if lead is None:
        return Sent(result={"skipped": "lead deleted"})
    if not messages:
        # Not posted yet: the post renders the newest state when it goes out.
        return Sent(result={"skipped": "no card yet"})
    message = lead_card(
        lead,
        locale=ctx.policy.channel_locale(lead.route),
        tz=timezone(ctx.policy),
        placement=placement,
    )
    updated: list[str] = []
    for shown in messages:
        try:
            ctx.client.chat_update(
                channel=shown.channel, ts=shown.ts, text=message.text, blocks=message.blocks
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in _GONE:
                raise
            log.info("card %s/%s of lead %s is gone", shown.channel, shown.ts, lead.id)
            continue
        updated.append(shown.ts)
    return Sent(result={"updated": updated})


@sender(Intent.THREAD_EVENT)
def post_thread_event(row: OutboxMessage, ctx: SendContext) -> Sent:
    """A timeline event as a reply in the card's thread; waits until the card is posted."""
    assert row.lead_id is not None
    with ctx.db.read() as session:
        event = session.get(LeadEvent, row.payload.get("event_id"))
        route = session.scalar(select(Lead.route).where(Lead.id == row.lead_id))
        # A lead announced only in a flood list keeps its timeline under the flood list.
        cards = _messages(session, row.lead_id, CARD) or _messages(session, row.lead_id, FLOOD_LIST)
    if event is None:
        return Sent(result={"skipped": "event gone"})
    if not cards:
        # The lead's card post went out before this row (a lead's rows go in order), so
        # the card is not on its way: an imported lead, or a card post that failed.
        raise NotReady(f"lead {row.lead_id} has no card in Slack", retry_in=CARD_WAIT_SECONDS)
    locale = ctx.policy.channel_locale(route)
    text = event_text(event, locale=locale, tz=timezone(ctx.policy))
    response = ctx.client.chat_postMessage(
        channel=cards[0].channel,
        thread_ts=cards[0].ts,
        text=text,
        unfurl_links=False,
        unfurl_media=False,
    )
    return Sent(result={"channel": response["channel"], "ts": response["ts"]})


@sender(Intent.EPHEMERAL)
def post_ephemeral(row: OutboxMessage, ctx: SendContext) -> Sent:
    """A note to one user: ephemeral in the channel they acted in, else a DM from Baton."""
    payload = row.payload
    if payload.get("erased"):  # it named a person whose data was erased since
        return Sent(result={"skipped": "erased"})
    user, text = str(payload["user"]), str(payload["text"])
    blocks: list[dict[str, Any]] | None = payload.get("blocks")
    channel = payload.get("channel")
    if channel:
        try:
            response = ctx.client.chat_postEphemeral(
                channel=channel, user=user, text=text, blocks=blocks
            )
            return Sent(result={"channel": channel, "message_ts": response.get("message_ts")})
        except SlackApiError as exc:
            if exc.response.get("error") not in _NO_EPHEMERAL:
                raise
    response = ctx.client.chat_postMessage(channel=user, text=text, blocks=blocks)
    return Sent(result={"channel": response["channel"], "ts": response["ts"]})


@sender(Intent.HOME_PUBLISH)
def publish_home(row: OutboxMessage, ctx: SendContext) -> Sent:
    user = str(row.payload["user"])
    locale = reader_locale(ctx, user)  # asks Slack about them first if need be
    reports = reports_for(
        Reports(ctx.db, ctx.policy, clock=lambda: ctx.now),
        ctx.policy,
        user,
        guest_status(ctx, user),
    )
    funnel = None
    if ctx.policy.is_manager(user) or user in ctx.policy.roles.marketers:
        # Managers and marketers see what became of the month's leads, by campaign.
        # Kept ready like /lead-status report's (bot/leads/funnel_cache.py); prepared here
        # if need be: a sender, not an acknowledgement, may take its time.
        period = period_of(DEFAULT_PERIOD, ctx.now, timezone(ctx.policy))
        cache = ReportCache(ctx.db, ctx.policy, clock=lambda: ctx.now)
        kept = cache.report(period, GroupBy.CAMPAIGN)
        funnel = kept.report if kept is not None else cache.prepare(period, GroupBy.CAMPAIGN)
    view = home_view(
        reports.open_leads_of(user),
        reports.summary(),
        locale=locale,
        tz=timezone(ctx.policy),
        now=ctx.now,
        funnel=funnel,
        team=home_team(ctx.db, ctx.policy, user, ctx.now),
    )
    ctx.client.views_publish(user_id=user, view=view)
    return Sent(result={"user": user})


# --- outside the outbox -------------------------------------------------------------------


def open_view(client: WebClient, trigger_id: str, view: dict[str, Any]) -> None:
    """views.open, called straight after the ack: a trigger_id expires 3 s after the
    click and can be used once, so it cannot wait in the outbox behind other rows."""
    client.views_open(trigger_id=trigger_id, view=view)


def queue_repost(session: Session, lead_id: int, now: Any) -> None:
    """Bump a lead's card: post a fresh copy to its channel (later updates reach both)."""
    outbox.queue(session, outbox.message(Intent.POST_CARD, now, lead_id=lead_id, repost=True))
