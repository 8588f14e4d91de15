"""App Home: where a policy assigns leads, the offers waiting for the viewer and their
away state (bot/slack/render/team.py); the viewer's open leads with their next
deadline, the team summary, and for managers and marketers the funnel report of the
last 30 days by campaign."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core.i18n import t
from bot.leads.funnel_report import FunnelReport
from bot.leads.reports import TeamSummary
from bot.slack.render import VIEW_BLOCKS_MAX
from bot.slack.render.funnel_report import funnel_blocks
from bot.slack.render.status import lead_line, sections, summary_blocks
from bot.slack.render.team import HomeTeam, home_team_blocks
from bot.slack.render.text import slack_date
from bot.store.models import Lead

HOME_GROUPS = 5  # the Home tab shows the biggest campaigns; /lead-status report all 15


def home_view(
    leads: list[Lead],
    summary: TeamSummary,
    *,
    locale: str,
    tz: ZoneInfo,
    now: datetime,
    funnel: FunnelReport | None = None,
    team: HomeTeam | None = None,
) -> dict[str, Any]:
    blocks: list[Block] = [HeaderBlock(text=t("home.title", locale))]
    if team is not None:
        blocks += home_team_blocks(team, locale=locale, tz=tz, now=now)
        blocks.append(DividerBlock())
    if leads:
        lines = [f"*{t('home.your_leads', locale, n=len(leads))}*"]
        lines += [lead_line(lead, locale=locale, tz=tz) for lead in leads]
        blocks += sections(lines)
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=t("home.no_leads", locale))))
    blocks.append(DividerBlock())
    blocks += summary_blocks(summary, locale=locale, tz=tz)
    if funnel is not None:
        blocks.append(DividerBlock())
        blocks += funnel_blocks(funnel, locale=locale, tz=tz, limit=HOME_GROUPS)
    updated = t("home.updated", locale, at=slack_date(now, tz, locale=locale, now=now))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=updated)]))
    view = View(type="home", blocks=blocks[:VIEW_BLOCKS_MAX])
    return view.to_dict()
