"""The funnel report sent later than the ack: a report too big to compute while Slack
waits (`Intent.REPORT`, as a DM), and its chart as a file (`Intent.CHART`), for whoever
asked `/lead-status report … chart` and under the weekly report.

A row of the outbox like every post (`Intent.CHART`), rendered when sent. Slack's
external upload takes three calls (files.getUploadURLExternal, the bytes to the URL it
gives, files.completeUploadExternal); slack_sdk's `files_upload_v2` makes them. A retry
after the last one succeeded but its answer was lost may share the chart twice: unlike
a message, a file carries no metadata Baton could look for first, and a second copy of
a chart is harmless.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.i18n import t
from bot.core.policy_values import is_slack_user
from bot.delivery.people import reader_locale
from bot.delivery.registry import SendContext, Sent, sender
from bot.leads.funnel_cache import ReportCache
from bot.leads.funnel_report import GroupBy, Period, funnel_report, period_of, weekly_attainment
from bot.slack.render.funnel_report import dates_text, period_text, report_message
from bot.store.models import OutboxMessage
from bot.store.outbox import Intent

FILENAME = "baton-funnel.png"


@sender(Intent.REPORT)
def send_report(row: OutboxMessage, ctx: SendContext) -> Sent:
    """Compute a report that was too big to compute in the ack, keep its snapshot, and
    send it to whoever asked."""
    to = str(row.payload["to"])
    tz = ZoneInfo(ctx.policy.timezone)
    period = period_of(str(row.payload.get("period") or "30d"), ctx.now, tz)
    by = GroupBy(row.payload.get("by", GroupBy.CAMPAIGN))
    report = ReportCache(ctx.db, ctx.policy, clock=lambda: ctx.now).prepare(period, by)
    message = report_message(report, locale=reader_locale(ctx, to), tz=tz)
    answer = ctx.post_message(channel=to, text=message.text, blocks=message.blocks)
    return Sent(result={"channel": answer["channel"], "ts": answer["ts"]})


@sender(Intent.CHART)
def send_chart(row: OutboxMessage, ctx: SendContext) -> Sent:
    # matplotlib takes about a second to import: only a process that draws pays for it.
    from bot.leads.funnel_chart import funnel_chart

    payload: dict[str, Any] = row.payload
    to = str(payload["to"])
    person = is_slack_user(to)
    locale = reader_locale(ctx, to) if person else ctx.policy.locale
    tz = ZoneInfo(ctx.policy.timezone)
    period = _period(payload, ctx.now, tz)
    by = GroupBy(payload.get("by", GroupBy.CAMPAIGN))
    with ctx.db.read() as session:
        report = funnel_report(session, period, by, now=ctx.now, currency=ctx.policy.currency)
        weeks = weekly_attainment(session, ctx.now, tz) if payload.get("weeks") else []
    png = funnel_chart(report, locale=locale, weeks=weeks)
    channel = to
    if person:  # a file is shared in a conversation, named by its id
        channel = str(ctx.client.conversations_open(users=to)["channel"]["id"])
    by_name = t(f"report.by.{by}", locale)
    title = t("report.funnel.title", locale, period=period_text(period, locale), by=by_name)
    answer = ctx.client.files_upload_v2(
        channel=channel,
        file=png,
        filename=FILENAME,
        title=title,
        alt_txt=t("chart.alt", locale, by=by_name),
        initial_comment=t(
            "report.funnel.chart_comment", locale, title=title, dates=dates_text(period, tz, locale)
        ),
    )
    return Sent(result={"channel": channel, "file": (answer.get("file") or {}).get("id")})


def _period(payload: dict[str, Any], now: datetime, tz: ZoneInfo) -> Period:
    if payload.get("start") and payload.get("end"):
        start = datetime.fromisoformat(payload["start"])
        end = datetime.fromisoformat(payload["end"])
        return Period(start, end, str(payload.get("period") or "week"))
    return period_of(str(payload.get("period") or "30d"), now, tz)
