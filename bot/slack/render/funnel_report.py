"""The funnel report (bot.leads.funnel_report) as Slack shows it: a title, the total,
then one section per group, most handed off first, each number with its change. By rep,
when any lead of the period was offered, each rep's section also says how the offers
went."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.i18n import CATALOG, day_text, t
from bot.leads.funnel_report import FunnelReport, FunnelRow, GroupBy, Period
from bot.slack.render import Message, to_dicts
from bot.slack.render.text import HEADER_TEXT, duration, money, one_line

# Room for the title, the total and the closing note within Slack's 50 blocks.
MAX_GROUPS = 15


def period_text(period: Period, locale: str) -> str:
    """ "the last 30 days", 「先月」; a range given by dates as its dates."""
    name = period.name
    if name.endswith("d") and name[:-1].isdigit():
        return t("report.period.days", locale, days=int(name[:-1]))
    if name in ("this-month", "last-month", "quarter", "week"):
        return t(f"report.period.{name}", locale)
    return name


def dates_text(period: Period, tz: ZoneInfo, locale: str) -> str:
    last_day = period.end - timedelta(microseconds=1)
    start, end = day_text(period.start, tz, locale), day_text(last_day, tz, locale)
    return t("report.period.range", locale, start=start, end=end)


def report_message(
    report: FunnelReport, *, locale: str, tz: ZoneInfo, note: str | None = None
) -> Message:
    """The report; `note`, a line said at the end (the chart on its way)."""
    blocks = funnel_blocks(report, locale=locale, tz=tz, limit=MAX_GROUPS)
    if note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return Message(text=title_of(report, locale), blocks=to_dicts(blocks))


def title_of(report: FunnelReport, locale: str) -> str:
    by = t(f"report.by.{report.by}", locale)
    return t("report.funnel.title", locale, period=period_text(report.period, locale), by=by)


def funnel_blocks(report: FunnelReport, *, locale: str, tz: ZoneInfo, limit: int) -> list[Block]:
    """The title, the period's dates, the total and the `limit` biggest groups."""
    title = title_of(report, locale)
    blocks: list[Block] = [
        HeaderBlock(text=one_line(title, HEADER_TEXT, mrkdwn=False)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=t(
                        "report.funnel.dates", locale, dates=dates_text(report.period, tz, locale)
                    )
                )
            ]
        ),
    ]
    if not report.rows:
        blocks.append(_section(t("report.funnel.empty", locale)))
        return blocks
    total = t("report.funnel.total", locale)
    blocks.append(_section(group_text(total, report.total, report.previous_total, report, locale)))
    blocks.append(DividerBlock())
    for row in report.rows[:limit]:
        name = group_name(row, report.by, locale)
        blocks.append(_section(group_text(name, row, report.before(row), report, locale)))
    hidden = len(report.rows) - limit
    if hidden > 0:
        more = t("report.funnel.more", locale, n=hidden)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return blocks


def group_name(row: FunnelRow, by: GroupBy, locale: str) -> str:
    if row.group is None:
        return t("report.funnel.no_rep" if by is GroupBy.REP else "report.funnel.no_group", locale)
    if by is GroupBy.REP:
        return f"<@{one_line(row.group, 40)}>"
    return one_line(row.group, 200)


def group_text(
    name: str, row: FunnelRow, before: FunnelRow | None, report: FunnelReport, locale: str
) -> str:
    def count(value: int, previous: int | None) -> str:
        return t("report.funnel.count", locale, n=value) + _change(value, previous, locale, "")

    def pct(value: int | None, previous: int | None) -> str:
        if value is None:
            return t("report.funnel.none", locale)
        shown = f"{value}%"
        return shown + _change(value, previous, locale, t("report.funnel.pt", locale))

    def span(value: timedelta | None) -> str:
        return duration(value, locale) if value is not None else t("report.funnel.none", locale)

    def mostly(value: int, previous: int | None, reason: str | None) -> str:
        """A count, or with the reason given most when there is one (no change shown)."""
        if reason is None:
            return count(value, previous)
        return t("report.funnel.with_reason", locale, n=value, reason=reason)

    won = count(row.won, before.won if before else None)
    if row.won_amount:
        amount = money(Decimal(row.won_amount), report.currency, locale)
        won = t("report.funnel.won_amount", locale, n=row.won, amount=amount)
    disqualify_reason = row.top_disqualify_reason
    disqualified = mostly(
        row.disqualified,
        before.disqualified if before else None,
        t(f"reason.{disqualify_reason}", locale) if disqualify_reason else None,
    )
    volume = t(
        "report.funnel.volume",
        locale,
        handed_off=count(row.handed_off, before.handed_off if before else None),
        sla=pct(row.claimed_in_sla_pct, before.claimed_in_sla_pct if before else None),
        to_claim=span(row.median_to_claim),
        to_touch=span(row.median_to_touch),
    )
    outcomes = t(
        "report.funnel.outcomes",
        locale,
        meetings=count(row.meetings, before.meetings if before else None),
        opportunities=count(row.opportunities, before.opportunities if before else None),
        rate=pct(row.opportunity_rate_pct, before.opportunity_rate_pct if before else None),
        won=won,
        disqualified=disqualified,
        returned=count(row.returned, before.returned if before else None),
    )
    text = f"*{name}*\n{volume}\n{outcomes}"
    if report.by is GroupBy.REP and _any_offers(report):
        pass_reason = row.top_pass_reason
        passed = mostly(
            row.passed,
            before.passed if before else None,
            pass_reason_text(pass_reason, locale) if pass_reason else None,
        )
        offers = t(
            "report.funnel.offers",
            locale,
            offers=count(row.offers, before.offers if before else None),
            accepted=count(row.accepted, before.accepted if before else None),
            to_accept=span(row.median_to_accept),
            passed=passed,
        )
        text += f"\n{offers}"
    return text


def _any_offers(report: FunnelReport) -> bool:
    """Whether the period, or the one before, had offers (a team that never offers leads
    is not shown a line of zeros)."""
    return bool(report.total.offers or (report.previous_total and report.previous_total.offers))


def pass_reason_text(reason: str, locale: str) -> str:
    """Why reps passed, in words; a reason Baton has no words for as it was stored."""
    key = f"pass_reason.{reason}"
    return t(key, locale) if key in CATALOG else one_line(reason, 50)


def _change(value: int, previous: int | None, locale: str, unit: str) -> str:
    """ " ▲3" against the period before; nothing when there is nothing to compare."""
    if previous is None:
        return ""
    # The marks are the same in both languages: symbols, not words.
    if value > previous:
        mark = f"▲{value - previous}{unit}"
    elif value < previous:
        mark = f"▼{previous - value}{unit}"
    else:
        mark = t("report.funnel.same", locale)
    return f" {mark}" if locale != "ja" else f"（{mark}）"


def _section(text: str) -> SectionBlock:
    """Already mrkdwn (group names escaped in group_name), three lines: within 3,000."""
    return SectionBlock(text=MarkdownTextObject(text=text))
