"""Answers to /lead-status (ephemeral messages) and the team summary they share with App Home."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.i18n import t
from bot.leads.reports import ClockAttainment, LeadHistory, OverdueList, TeamSummary
from bot.slack.render import Message, to_dicts
from bot.slack.render.card import lead_blocks, lead_name, status_line
from bot.slack.render.text import SECTION_TEXT, duration, one_line, slack_date, units, who
from bot.slack.render.timeline import timeline_line
from bot.store.models import Lead

MAX_SECTIONS = 30


def sections(lines: Iterable[str], limit: int = SECTION_TEXT) -> list[Block]:
    """Lines packed into as few sections as Slack's 3,000-character limit allows."""
    blocks: list[Block] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if units(candidate) > limit and current:
            blocks.append(_section(current))
            current = line
        else:
            current = candidate
    if current:
        blocks.append(_section(current))
    return blocks[:MAX_SECTIONS]


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def lead_line(lead: Lead, *, locale: str, tz: ZoneInfo) -> str:
    """`#42 Name · Company — where it stands`, one row of a list."""
    name = one_line(lead_name(lead, locale), 120)
    company = ""
    if lead.company and lead.name:
        company = t("report.lead_company", locale, company=one_line(lead.company, 120))
    return f"*#{lead.id}* {name}{company} — {status_line(lead, locale=locale, tz=tz)}"


# --- the team summary ----------------------------------------------------------------


def summary_blocks(summary: TeamSummary, *, locale: str, tz: ZoneInfo) -> list[Block]:
    days = summary.window.days
    counts = [
        ("report.unclaimed", summary.unclaimed),
        ("report.awaiting_touch", summary.awaiting_touch),
        ("report.overdue", summary.overdue),
        ("report.today", summary.handed_off_today),
    ]
    fields = [MarkdownTextObject(text=f"*{t(key, locale)}*\n{n:,}") for key, n in counts]
    heading = t("report.window", locale, days=days)
    if summary.newest_only:
        heading = t("report.window_capped", locale, days=days, n=f"{summary.newest_only:,}")
    window = [
        f"*{heading}*",
        _attainment_line("report.claim_sla", summary.claim, locale),
        _attainment_line("report.touch_sla", summary.first_touch, locale),
        t(
            "report.medians",
            locale,
            claim=_span(summary.median_to_claim, locale),
            touch=_span(summary.median_to_touch, locale),
        ),
    ]
    if summary.top_reasons:
        reasons = [
            t("report.reason_row", locale, rank=i, reason=t(f"reason.{r}", locale), n=n)
            for i, (r, n) in enumerate(summary.top_reasons, start=1)
        ]
    else:
        reasons = [t("report.no_reasons", locale)]
    title = t(
        "report.summary_title",
        locale,
        at=slack_date(summary.now, tz, locale=locale, now=summary.now),
    )
    return [
        _section(f"*{title}*"),
        SectionBlock(fields=fields),
        _section("\n".join(window)),
        _section("\n".join([f"*{t('report.top_reasons', locale, days=days)}*", *reasons])),
    ]


def _attainment_line(key: str, clock: ClockAttainment, locale: str) -> str:
    if clock.percent is None:
        return t(f"{key}_none", locale)
    return t(key, locale, met=clock.met, decided=clock.decided, percent=clock.percent)


def _span(value: timedelta | None, locale: str) -> str:
    return duration(value, locale) if value is not None else "—"


def summary_message(summary: TeamSummary, *, locale: str, tz: ZoneInfo) -> Message:
    blocks = summary_blocks(summary, locale=locale, tz=tz)
    blocks.append(_hint(locale))
    return Message(text=t("report.summary_text", locale), blocks=to_dicts(blocks))


def _hint(locale: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=t("report.hint", locale))])


# --- one lead, lists, overdue, help ----------------------------------------------------


def history_message(history: LeadHistory, *, locale: str, tz: ZoneInfo) -> Message:
    lead = history.lead
    blocks = lead_blocks(lead, locale, tz, sent=True)
    blocks.append(DividerBlock())
    lines = [f"*{t('report.timeline', locale)}*"]
    if history.more:
        lines.append(t("report.earlier_events", locale, n=history.more))
    lines += [timeline_line(e, locale=locale, tz=tz) for e in history.events]
    blocks += sections(lines)[: 49 - len(blocks)]
    text = t(
        "report.lead_text", locale, lead_id=lead.id, name=one_line(lead_name(lead, locale), 200)
    )
    return Message(text=text, blocks=to_dicts(blocks))


def list_message(title: str, leads: list[Lead], *, locale: str, tz: ZoneInfo) -> Message:
    """A titled list of leads (title is already-safe mrkdwn)."""
    lines = [f"*{title}*", *(lead_line(lead, locale=locale, tz=tz) for lead in leads)]
    return Message(text=title, blocks=to_dicts([*sections(lines), _hint(locale)]))


def overdue_message(overdue: OverdueList, *, locale: str, tz: ZoneInfo) -> Message:
    title = t("report.overdue_title", locale, n=overdue.total)
    if not overdue.leads:
        return Message(text=title, blocks=to_dicts([_section(t("report.none_overdue", locale))]))
    lines = [f"*{title}*"]
    for item in overdue.leads:
        lead = item.lead
        clock = "claim" if lead.status == "unclaimed" else "first_touch"
        late = t(
            f"report.late_{clock}",
            locale,
            late=duration(item.late, locale),
            due=slack_date(item.due, tz, locale=locale),
            owner=who(lead.owner_id, locale) if lead.owner_id else "—",
        )
        lines.append(f"*#{lead.id}* {one_line(lead_name(lead, locale), 120)} — {late}")
    if overdue.total > len(overdue.leads):
        lines.append(t("report.more_overdue", locale, n=overdue.total - len(overdue.leads)))
    return Message(text=title, blocks=to_dicts(sections(lines)))


def help_message(*, locale: str, not_found: str | None = None) -> Message:
    lines = []
    if not_found is not None:
        lines.append(t("report.not_found", locale, query=one_line(not_found, 200)))
    lines.append(t("report.usage", locale))
    text = "\n\n".join(lines)
    return Message(text=text, blocks=to_dicts([_section(text)]))


def notice_message(*paragraphs: str) -> Message:
    """A plain answer of a few paragraphs (for `/lead-status lang`)."""
    text = "\n\n".join(paragraphs)
    return Message(text=text, blocks=to_dicts([_section(text)]))


def empty_message(key: str, *, locale: str, **params: object) -> Message:
    text = t(key, locale, **params)
    return Message(text=text, blocks=to_dicts([_section(text), _hint(locale)]))
