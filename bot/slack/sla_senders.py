"""Delivery senders for the SLA messages: nudges, escalation DMs, the new-owner DM and
the weekly report. Registered with `@sender`, called by bot.delivery, which is the one
place that talks to Slack.

Each renders from the database at send time, so a message sent late states the real
lateness and the newest owner, and a clock met in the meantime sends nothing.

Like every post, each goes through delivery's outbox client (bot.delivery.slack_client),
which tags it with its outbox row and, when a retry may find it already in Slack (the
process died between Slack's answer and the record of it), answers with that post
instead of making a second one.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery.people import guest_status, reader_locale
from bot.delivery.registry import SendContext, Sent, sender
from bot.delivery.slack_client import marked
from bot.leads import sla
from bot.leads.weekly_report import weekly_report
from bot.slack.contacts import lead_for
from bot.slack.render import Message
from bot.slack.render import escalation as render
from bot.slack.render import weekly_report as render_weekly_report
from bot.store import outbox
from bot.store.models import DueWork, Lead, OutboxMessage, SlackMessage
from bot.store.outbox import Intent

log = logging.getLogger(__name__)


def post(
    ctx: SendContext,
    message: Message,
    *,
    channel: str,
    thread_ts: str | None = None,
    marker: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Post `message` through the outbox client, which tags the post with its outbox row
    and, when an earlier attempt may have posted it, finds that post instead of posting
    again (in a DM, by the DM's channel id). `marker` says what the post is about."""
    answer = ctx.client.chat_postMessage(
        channel=channel,
        text=message.text,
        blocks=message.blocks,
        thread_ts=thread_ts,
        metadata=marked(**(marker or {})),
        unfurl_links=False,
        unfurl_media=False,
    )
    return {"channel": answer["channel"], "ts": answer["ts"]}


# --- nudges and escalations ------------------------------------------------------------


@sender(Intent.DUE_WORK)
def send_due_work(row: OutboxMessage, ctx: SendContext) -> Sent:
    with ctx.db.read() as session:
        work = session.get(DueWork, row.payload["due_work_id"])
        lead = session.get(Lead, work.lead_id) if work else None
        card = (
            session.scalar(
                select(SlackMessage)
                .where(SlackMessage.lead_id == lead.id, SlackMessage.purpose == "card")
                .order_by(SlackMessage.id)
                .limit(1)
            )
            if lead
            else None
        )
    if work is None or lead is None:
        return Sent({"skipped": "the lead is gone"})
    if not sla.clock_running(lead, work.clock, work.sla_round):
        return Sent({"skipped": "the clock was met or the lead closed before sending"})
    route = ctx.policy.route_of_lead(lead.route)
    if route is None:
        return Sent({"skipped": f"route {lead.route!r} is not in the policy"})
    tz = ZoneInfo(ctx.policy.timezone)
    kind = sla.kind_of(work.clock, work.level)
    deadline = sla.deadline_of(lead, work.clock)
    marker: dict[str, Any] = {"due_work_id": work.id, "lead_id": lead.id}
    if kind is not sla.Kind.ESCALATION and deadline is not None and ctx.now >= deadline:
        return Sent({"skipped": "the deadline passed before the nudge went out"})
    if kind is sla.Kind.CLAIM_NUDGE:
        locale = ctx.policy.channel_locale(lead.route)
        message = render.claim_nudge(lead, ctx.policy.remind_targets(route), locale, ctx.now, tz)
        channel = card.channel if card else route.channel
        thread_ts = card.ts if card else None
        return Sent(post(ctx, message, channel=channel, thread_ts=thread_ts, marker=marker))
    user = str(row.payload["user"])
    marker["user"] = user
    locale = reader_locale(ctx, user)
    lead = lead_for(lead, ctx.policy, user, guest_status(ctx, user))
    if kind is sla.Kind.TOUCH_NUDGE:
        message = render.touch_nudge(lead, locale, ctx.now, tz)
    else:
        late = sla.lateness(lead, work.clock, ctx.policy.calendar_for(route), ctx.now)
        message = render.escalation(
            lead,
            clock=work.clock,
            level=work.level,
            late=late,
            locale=locale,
            tz=tz,
            channel=card.channel if card else route.channel,
        )
    # Posted to the user's id, which lands in the bot's DM with them (Slack answers with
    # the DM's channel id): no conversations.open first, a rate-limited call that cost
    # each manager's first DM after a start a round trip.
    return Sent(post(ctx, message, channel=user, marker=marker))


@sender(Intent.ASSIGNED)
def send_assigned(row: OutboxMessage, ctx: SendContext) -> Sent:
    with ctx.db.read() as session:
        lead = session.get(Lead, row.lead_id) if row.lead_id else None
    user = str(row.payload["user"])
    if lead is None or lead.owner_id != user:
        return Sent({"skipped": "the lead has another owner by now"})
    locale = reader_locale(ctx, user)
    lead = lead_for(lead, ctx.policy, user, guest_status(ctx, user))
    message = render.assigned(lead, str(row.payload["by"]), locale, ZoneInfo(ctx.policy.timezone))
    return Sent(post(ctx, message, channel=user, marker={"lead_id": lead.id}))


# --- the weekly report -------------------------------------------------------------------


@sender(Intent.WEEKLY_REPORT)
def send_weekly_report(row: OutboxMessage, ctx: SendContext) -> Sent:
    spec = ctx.policy.digest
    if spec is None:
        return Sent({"skipped": "the policy has no digest any more"})
    start = datetime.fromisoformat(row.payload["start"])
    end = datetime.fromisoformat(row.payload["end"])
    with ctx.db.read() as session:
        report = weekly_report(session, ctx.policy, start, end)
    message = render_weekly_report.digest(
        report, ctx.policy.locale, ctx.policy.weekly_report_timezone()
    )
    posted = post(ctx, message, channel=spec.channel)
    now = ctx.now

    def record(session: Session) -> None:
        # The week's chart follows the report into the channel: leads and 商談化率 by
        # campaign, and the last 8 weeks' SLA attainment (bot/slack/report_senders.py).
        chart = outbox.message(
            Intent.CHART,
            now,
            to=spec.channel,
            start=row.payload["start"],
            end=row.payload["end"],
            period="week",
            weeks=True,
        )
        outbox.queue(session, chart)

    return Sent(posted, record=record)
