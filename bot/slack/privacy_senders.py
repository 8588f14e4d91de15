"""Slack's copies of an erased lead (Intent.REDACT, queued by bot.leads.privacy): each
thread reply about it re-rendered from its scrubbed event, each DM about it replaced by
a line saying its personal data was erased. The card and a flood list listing it are
re-rendered by their own update (Intent.UPDATE_CARD, queued with this)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.core.i18n import t
from bot.delivery.registry import SendContext, Sent, sender
from bot.slack.render.timeline import event_text
from bot.store.models import Lead, LeadEvent, OutboxMessage
from bot.store.outbox import Intent

log = logging.getLogger(__name__)

# Messages about one lead that carry its name or details, posted from the outbox.
ABOUT_THE_LEAD = (
    Intent.THREAD_EVENT,
    Intent.DUE_WORK,
    Intent.ASSIGNED,
    Intent.OFFER,
    Intent.MARKETING_FEEDBACK,
)
_GONE = frozenset({"message_not_found", "cant_update_message", "channel_not_found", "is_archived"})


@sender(Intent.REDACT)
def redact(row: OutboxMessage, ctx: SendContext) -> Sent:
    lead_id = row.lead_id
    with ctx.db.read() as session:
        lead = session.get(Lead, lead_id)
        posted = list(
            session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.lead_id == lead_id,
                    OutboxMessage.kind.in_([str(k) for k in ABOUT_THE_LEAD]),
                    OutboxMessage.sent_at.is_not(None),
                )
                .order_by(OutboxMessage.id)
            )
        )
        events = {
            e.id: e for e in session.scalars(select(LeadEvent).where(LeadEvent.lead_id == lead_id))
        }
    if lead is None:
        return Sent({"skipped": "lead deleted"})
    locale = ctx.policy.channel_locale(lead.route)
    tz = ZoneInfo(ctx.policy.timezone)
    redacted = t("privacy.redacted", locale, lead_id=lead.id)
    replaced = 0
    for message in posted:
        channel, ts = (message.result or {}).get("channel"), (message.result or {}).get("ts")
        if not channel or not ts:
            continue
        event = events.get(int((message.payload or {}).get("event_id") or 0))
        text = (
            event_text(event, locale=locale, tz=tz)
            if message.kind == Intent.THREAD_EVENT and event is not None
            else redacted
        )
        try:
            ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=[])
        except SlackApiError as exc:
            if exc.response.get("error") not in _GONE:
                raise
            continue
        replaced += 1
    return Sent({"replaced": replaced})
