"""Flood lists: many new leads for one channel listed in one message.

When a channel's backlog of cards would take longer to post than the policy allows
(`digest_after`), delivery posts the waiting leads as a list with one Claim button
each (action `lead_claim`, value = the lead id, like a card's) instead of a card per
lead. Each listed lead gets a SlackMessage with purpose "digest"; when a listed lead
changes, its card.update re-renders the flood list in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from sqlalchemy import select

from bot.core.i18n import date_text, join, t
from bot.core.policy import Policy
from bot.store.database import Database
from bot.store.models import Lead, LeadStatus, OutboxMessage, SlackMessage

PURPOSE = "digest"
CLAIM_ACTION = "lead_claim"
# Slack allows 50 blocks a message: a header, a context line and this many leads.
PER_MESSAGE = 45
FIELD_CHARS = 80

UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True)
class FloodListLine:
    lead_id: int
    name: str | None
    title: str | None
    company: str | None
    score: float | None
    status: str
    owner_id: str | None
    claim_due_at: datetime | None

    @classmethod
    def of(cls, lead: Lead) -> FloodListLine:
        return cls(
            lead.id,
            lead.name,
            lead.title,
            lead.company,
            lead.score,
            lead.status,
            lead.owner_id,
            lead.claim_due_at,
        )


def escape(text: str, limit: int = FIELD_CHARS) -> str:
    """Plain text made safe for mrkdwn, cut to `limit` characters."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _when(at: datetime, locale: str, tz: ZoneInfo) -> str:
    # Slack shows the date in the reader's zone; the fallback (where it cannot) in ours.
    fallback = date_text(at, tz, locale)
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _line_text(line: FloodListLine, locale: str, tz: ZoneInfo) -> str:
    if line.name:
        who = t("who.customer", locale, name=escape(line.name))
    else:
        who = t("digest.unnamed", locale)
    parts = [f"*#{line.lead_id}* {who}"]
    role = join((escape(v) for v in (line.title, line.company) if v), locale)
    if role:
        parts.append(role)
    if line.score is not None:
        parts.append(t("digest.score", locale, score=f"{line.score:g}"))
    status = LeadStatus(line.status)
    if status is LeadStatus.UNCLAIMED:
        if line.claim_due_at is not None:
            parts.append(
                t("digest.claim_by", locale, deadline=_when(line.claim_due_at, locale, tz))
            )
    elif line.owner_id and status.is_owned:
        parts.append(t("digest.claimed_by", locale, owner=line.owner_id))
    else:
        parts.append(t(f"status.{status}", locale))
    text = t("sep.parts", locale).join(parts)
    return text if status is LeadStatus.UNCLAIMED else f"~{text}~"


def render_flood_list(
    lines: list[FloodListLine], locale: str = "en", tz: ZoneInfo = UTC_ZONE
) -> tuple[str, list[dict[str, Any]]]:
    """The fallback text and the blocks of one flood list (at most PER_MESSAGE leads)."""
    if not lines or len(lines) > PER_MESSAGE:
        raise ValueError(f"a flood list lists 1 to {PER_MESSAGE} leads, not {len(lines)}")
    header = t("digest.header", locale, count=len(lines))
    unclaimed = sum(1 for line in lines if line.status == LeadStatus.UNCLAIMED)
    note = t("digest.why", locale)
    if unclaimed < len(lines):
        note = t("digest.open", locale, open=unclaimed, count=len(lines))
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=header[:150])),
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
    ]
    for line in lines:
        accessory = None
        if line.status == LeadStatus.UNCLAIMED:
            accessory = ButtonElement(
                text=PlainTextObject(text=t("digest.claim", locale)),
                action_id=CLAIM_ACTION,
                value=str(line.lead_id),
                style="primary",
            )
        blocks.append(
            SectionBlock(
                block_id=f"lead-{line.lead_id}",
                text=MarkdownTextObject(text=_line_text(line, locale, tz)),
                accessory=accessory,
            )
        )
    return header, [block.to_dict() for block in blocks]


def render_for_rows(
    db: Database, rows: list[OutboxMessage], policy: Policy
) -> tuple[str, list[dict[str, Any]]]:
    """The flood list for the card.post rows `rows` (their leads, as they are now)."""
    lead_ids = [row.lead_id for row in rows if row.lead_id is not None]
    with db.read() as session:
        leads = session.scalars(select(Lead).where(Lead.id.in_(lead_ids)).order_by(Lead.id)).all()
    return _render(leads, policy)


def _render(leads: Sequence[Lead], policy: Policy) -> tuple[str, list[dict[str, Any]]]:
    """In the language of the channel: the one of its leads' routes (a flood list is
    one channel's, and routes sharing a channel share its language)."""
    locale = policy.channel_locale(leads[0].route if leads else None)
    lines = [FloodListLine.of(lead) for lead in leads]
    return render_flood_list(lines, locale, ZoneInfo(policy.timezone))


def refresh(ctx: Any, lead_id: int) -> list[dict[str, str]]:
    """Re-render every flood list that lists `lead_id`; return where they are.

    `ctx` is the sender's bot.delivery.registry.SendContext.
    """
    with ctx.db.read() as session:
        places = session.execute(
            select(SlackMessage.channel, SlackMessage.ts)
            .where(SlackMessage.lead_id == lead_id, SlackMessage.purpose == PURPOSE)
            .distinct()
        ).all()
    done = []
    for channel, ts in places:
        with ctx.db.read() as session:
            leads = session.scalars(
                select(Lead)
                .join(SlackMessage, SlackMessage.lead_id == Lead.id)
                .where(
                    SlackMessage.channel == channel,
                    SlackMessage.ts == ts,
                    SlackMessage.purpose == PURPOSE,
                )
                .order_by(Lead.id)
            ).all()
        text, blocks = _render(leads, ctx.policy)
        ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        done.append({"channel": channel, "ts": ts})
    return done
