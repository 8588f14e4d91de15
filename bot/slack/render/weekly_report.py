"""The weekly SLA report as Block Kit (a pure function of `bot.leads.weekly_report.WeeklyReport`)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core.i18n import day_text, t
from bot.leads.weekly_report import RouteStats, SlowLead, WeeklyReport
from bot.slack.render import Message, to_dicts
from bot.slack.render.sla_text import NAME_LIMIT
from bot.slack.render.text import SECTION_TEXT, duration, fit, one_line

# Slack allows 50 blocks a message; the rest of the digest needs at most 9.
MAX_ROUTES = 40


def digest(report: WeeklyReport, locale: str, timezone: str) -> Message:
    zone = ZoneInfo(timezone)
    period = t(
        "sla.digest.period",
        locale,
        start=day_text(report.start, zone, locale, now=report.end),
        end=day_text(report.end - timedelta(seconds=1), zone, locale, now=report.end),
    )
    title = t("sla.digest.title", locale)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title)),
        ContextBlock(elements=[MarkdownTextObject(text=period)]),
    ]
    if not report.routes:
        blocks.append(_section(t("sla.digest.empty", locale)))
    else:
        blocks.append(_section(t("sla.digest.total", locale, count=report.handed_off)))
        for stats in report.routes[:MAX_ROUTES]:
            blocks.append(_section(_route(stats, locale)))
        hidden = len(report.routes) - MAX_ROUTES
        if hidden > 0:
            blocks.append(_section(t("sla.digest.more_routes", locale, count=hidden)))
    blocks.append(DividerBlock())
    blocks.append(_section(_outcomes(report, locale)))
    if report.top_reasons:
        lines = [t("sla.digest.reasons", locale)]
        lines += [
            t("sla.digest.outcome_line", locale, status=t(f"reason.{reason}", locale), count=n)
            for reason, n in report.top_reasons
        ]
        blocks.append(_section("\n".join(lines)))
    if report.slowest:
        lines = [t("sla.digest.slowest", locale)]
        lines += [f"• {_slow(lead, locale)}" for lead in report.slowest]
        blocks.append(_section("\n".join(lines)))
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=t("sla.digest.footnote", locale))])
    )
    return Message(t("sla.digest.text", locale, title=title, period=period), to_dicts(blocks))


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=fit(text, SECTION_TEXT, mrkdwn=False)))


def _rate(met: int, total: int) -> str:
    return f"{round(100 * met / total)}%"


def _route(stats: RouteStats, locale: str) -> str:
    lines = [
        t(
            "sla.digest.route",
            locale,
            route=one_line(stats.route, NAME_LIMIT),
            count=stats.handed_off,
        )
    ]
    claims = stats.claim_on_time + stats.claim_late
    if claims:
        lines.append(
            t(
                "sla.digest.claim_sla",
                locale,
                rate=_rate(stats.claim_on_time, claims),
                met=stats.claim_on_time,
                total=claims,
            )
        )
    touches = stats.touch_on_time + stats.touch_late
    if touches:
        lines.append(
            t(
                "sla.digest.touch_sla",
                locale,
                rate=_rate(stats.touch_on_time, touches),
                met=stats.touch_on_time,
                total=touches,
            )
        )
    no_data = t("sla.digest.no_data", locale)
    median_claim = stats.median_to_claim
    median_touch = stats.median_to_touch
    lines.append(
        t(
            "sla.digest.median_claim",
            locale,
            value=duration(median_claim, locale) if median_claim is not None else no_data,
        )
    )
    lines.append(
        t(
            "sla.digest.median_touch",
            locale,
            value=duration(median_touch, locale) if median_touch is not None else no_data,
        )
    )
    return "\n".join(lines)


def _outcomes(report: WeeklyReport, locale: str) -> str:
    lines = [t("sla.digest.outcomes", locale)]
    if not report.outcomes:
        lines.append(t("sla.digest.no_outcomes", locale))
    for status, count in sorted(report.outcomes.items()):
        lines.append(
            t("sla.digest.outcome_line", locale, status=t(f"status.{status}", locale), count=count)
        )
    return "\n".join(lines)


def _slow(lead: SlowLead, locale: str) -> str:
    common = {
        "lead_id": lead.lead_id,
        "name": one_line(lead.name, NAME_LIMIT) if lead.name else t("sla.lead.unnamed", locale),
        "route": one_line(lead.route, NAME_LIMIT),
        "to_claim": duration(lead.to_claim, locale),
    }
    if not lead.claimed:
        return t("sla.digest.slow.unclaimed", locale, **common)
    key = "sla.digest.slow.touched" if lead.touched else "sla.digest.slow.untouched"
    return t(
        key,
        locale,
        owner=lead.owner_id or "",
        to_touch=duration(lead.to_touch or timedelta(0), locale),
        **common,
    )
