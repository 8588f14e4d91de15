"""/lead-status answers that list leads of one kind: a campaign's, and those returned to
marketing (each with the note its rep wrote). Built on the list rows of `status`."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from bot.core.i18n import t
from bot.leads.reports import LeadList
from bot.slack.render import Message, to_dicts
from bot.slack.render.status import empty_message, lead_line, list_message, sections
from bot.slack.render.text import one_line

NOTE_LIMIT = 300  # characters of a rep's note shown under its lead


def campaign_message(found: LeadList, typed: str, *, locale: str, tz: ZoneInfo) -> Message:
    """A campaign's leads, newest first; `typed` is the name as the user wrote it."""
    if not found.leads:
        return empty_message(
            "report.campaign_not_found", locale=locale, campaign=one_line(typed, 200)
        )
    title = _title("report.campaign_title", found, locale, campaign=one_line(found.name, 200))
    return list_message(title, found.leads, locale=locale, tz=tz)


def returned_message(found: LeadList, *, locale: str, tz: ZoneInfo) -> Message:
    """Leads returned to marketing, each with its rep's note quoted under it."""
    if not found.leads:
        return empty_message("report.returned_empty", locale=locale)
    title = _title("report.returned_title", found, locale)
    lines = [f"*{title}*"]
    for lead in found.leads:
        lines.append(lead_line(lead, locale=locale, tz=tz))
        if lead.outcome_note and lead.outcome_note.strip():
            lines.append(f">{one_line(lead.outcome_note, NOTE_LIMIT)}")
    hint = ContextBlock(elements=[MarkdownTextObject(text=t("report.hint", locale))])
    return Message(text=title, blocks=to_dicts([*sections(lines), hint]))


def _title(key: str, found: LeadList, locale: str, **params: object) -> str:
    if found.total > len(found.leads):
        return t(f"{key}_more", locale, n=found.total, shown=len(found.leads), **params)
    return t(key, locale, n=found.total, **params)
