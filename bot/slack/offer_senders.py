"""The DM offering a lead to one rep (Intent.OFFER, queued by bot.leads.offers)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.delivery.people import guest_status, reader_locale
from bot.delivery.registry import SendContext, Sent, sender
from bot.slack.contacts import lead_for
from bot.slack.render.offer import offer_dm
from bot.slack.sla_senders import post
from bot.store.assignment_models import Assignment
from bot.store.models import Lead, LeadStatus, OutboxMessage
from bot.store.outbox import Intent


@sender(Intent.OFFER)
def send_offer(row: OutboxMessage, ctx: SendContext) -> Sent:
    """Rendered when sent: an offer answered or expired meanwhile is not sent at all."""
    with ctx.db.read() as session:
        lead = session.get(Lead, row.lead_id) if row.lead_id else None
        offer = session.get(Assignment, int(row.payload["offer"]))
    user = str(row.payload["user"])
    if (
        lead is None
        or offer is None
        or offer.answer is not None
        or offer.due_at is None
        or lead.lead_status is not LeadStatus.UNCLAIMED
    ):
        return Sent({"skipped": "the offer is no longer waiting"})
    locale = reader_locale(ctx, user)
    lead = lead_for(lead, ctx.policy, user, guest_status(ctx, user))
    message = offer_dm(lead, offer.due_at, locale, ZoneInfo(ctx.policy.timezone))
    return Sent(post(ctx, message, channel=user, marker={"lead_id": lead.id, "offer": offer.id}))
