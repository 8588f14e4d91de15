"""Telling a marketer where the lead they handed off in Slack went, with a link to its card.

The card is posted by its own outbox row, usually in the same delivery pass just
before this one. If it is not up yet (Slack slow, the channel rate-limited), the
receipt waits for it a little, re-queued rather than blocking delivery; if the card
still is not there, the marketer is told which channel it is going to instead.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.i18n import t
from bot.core.policy import Policy
from bot.delivery.people import reader_locale
from bot.delivery.registry import SendContext, Sent, sender
from bot.intake.modal import escape
from bot.store import outbox
from bot.store.models import Lead, OutboxMessage, SlackMessage
from bot.store.outbox import Intent

CARD_WAIT = timedelta(seconds=5)
MAX_CARD_WAITS = 24  # two minutes, then say where it is going instead


def receipt_text(
    policy: Policy, lead: Lead, *, locale: str, permalink: str | None, duplicate: bool
) -> str:
    """The direct message, in mrkdwn; pure so it can be checked without Slack."""
    route = policy.route_named(lead.route)
    who = escape(", ".join(p for p in (lead.name or lead.email, lead.company) if p))
    params: dict[str, Any] = {
        "lead_id": lead.id,
        "who": who,
        "channel": route.channel if route else "",
        "route": escape(lead.route),
        "status": t(f"status.{lead.status}", locale),
        "permalink": permalink or "",
    }
    kind = "duplicate" if duplicate else "new"
    state = "posted" if permalink else "posting"
    return t(f"intake.receipt.{kind}_{state}", locale, **params)


@sender(Intent.HANDOFF_RECEIPT)
def send_receipt(row: OutboxMessage, ctx: SendContext) -> Sent:
    user = str(row.payload["user"])
    tries = int(row.payload.get("tries", 0))
    with ctx.db.read() as session:
        lead_id = row.payload.get("lead", row.lead_id)
        lead = session.get(Lead, lead_id) if lead_id is not None else None
        if lead is None:
            return Sent(result={"skipped": "the lead no longer exists"})
        card = session.scalar(
            select(SlackMessage)
            .where(SlackMessage.lead_id == lead.id, SlackMessage.purpose == "card")
            .order_by(SlackMessage.id)
            .limit(1)
        )
        card_pending = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.lead_id == lead.id,
                OutboxMessage.kind == str(Intent.POST_CARD),
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.dead_at.is_(None),
            )
        )
    if card is None and card_pending and tries < MAX_CARD_WAITS:
        return Sent(result={"waiting_for_card": tries + 1}, record=_again(row, ctx, tries + 1))
    permalink = None
    if card is not None:
        answer = ctx.client.chat_getPermalink(channel=card.channel, message_ts=card.ts)
        permalink = answer.get("permalink")
    duplicate = bool(row.payload.get("duplicate"))
    locale = reader_locale(ctx, user)
    text = receipt_text(ctx.policy, lead, locale=locale, permalink=permalink, duplicate=duplicate)
    blocks = [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]
    posted = ctx.client.chat_postMessage(channel=user, text=text, blocks=blocks)
    return Sent(result={"channel": posted.get("channel"), "ts": posted.get("ts")})


def _again(row: OutboxMessage, ctx: SendContext, tries: int) -> Any:
    def record(session: Session) -> None:
        again = outbox.message(
            Intent(row.kind),
            ctx.now,
            lead_id=row.lead_id,
            not_before=ctx.now + CARD_WAIT,
            **{**row.payload, "tries": tries},
        )
        outbox.queue(session, again)

    return record
