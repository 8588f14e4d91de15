"""The delivery sender that tells marketing why sales disqualified, returned or lost a
lead (queued by bot.leads.funnel.tell_marketing with the change itself).

Rendered at send time from the lead as it stands: the reason and the note are the
ones saved, and the card's link is asked of Slack then. A DM is in its reader's
language, a post in a channel in the route's.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.core.policy_values import is_slack_user
from bot.delivery.people import reader_locale
from bot.delivery.registry import SendContext, Sent, sender
from bot.leads.funnel import TOLD_TO_MARKETING
from bot.slack.render.feedback import feedback_message
from bot.slack.sla_senders import post
from bot.store.models import Lead, OutboxMessage, SlackMessage
from bot.store.outbox import Intent


@sender(Intent.MARKETING_FEEDBACK)
def send_marketing_feedback(row: OutboxMessage, ctx: SendContext) -> Sent:
    to, actor = str(row.payload["to"]), str(row.payload["by"])
    with ctx.db.read() as session:
        lead = session.get(Lead, row.lead_id) if row.lead_id is not None else None
        card = (
            session.scalar(
                select(SlackMessage)
                .where(SlackMessage.lead_id == lead.id, SlackMessage.purpose == "card")
                .order_by(SlackMessage.id)
                .limit(1)
            )
            if lead is not None
            else None
        )
    if lead is None or lead.lead_status not in TOLD_TO_MARKETING:
        return Sent({"skipped": "the lead is gone"})
    permalink = None
    if card is not None:
        permalink = ctx.client.chat_getPermalink(channel=card.channel, message_ts=card.ts).get(
            "permalink"
        )
    route = ctx.policy.route_of_lead(lead.route)
    locale = reader_locale(ctx, to) if is_slack_user(to) else ctx.policy.channel_locale(lead.route)
    message = feedback_message(
        lead,
        actor=actor,
        locale=locale,
        permalink=permalink,
        channel=route.channel if route else None,
    )
    # A user id lands in the bot's DM with them (bot.slack.sla_senders.post).
    return Sent(post(ctx, message, channel=to, marker={"lead_id": lead.id}))
