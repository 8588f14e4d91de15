"""Looking up messages in the catalog (bot/core/catalog/) in the reader's language.

Two small mechanisms beside the lookup:

- **Plurals.** A placeholder written `{count:lead|leads}` shows the word before the
  bar when `count` is 1 and the word after it otherwise; the number itself is a
  separate `{count}`. English needs it ("1 lead", "2 leads"); Japanese does not
  ("1件", "2件") and simply leaves it out. One placeholder keeps a sentence with
  several counts ("2 rows: 1 created, 1 duplicate") in one message, where per-count
  keys would need a key for every combination.
- **Dates Baton writes itself** (`date_text`, `day_text`): the fallback of Slack's
  `<!date^…>` tokens, the weekly report's period, answers outside Slack's
  formatting. Japanese reads 「12月3日(木) 14:31」, the year only when it is not this
  year; English keeps the ISO form.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.catalog import (
    LOCALES,
    Locale,
    assignment,
    core,
    delivery,
    funnel,
    intake,
    lead_status,
    reporting,
    sla,
    slack,
    team,
)
from bot.core.clock import utcnow

CATALOG: dict[str, dict[Locale, str]] = {}
for _area in (core, slack, lead_status, funnel, reporting, intake, sla, delivery, assignment, team):
    _clash = CATALOG.keys() & _area.MESSAGES.keys()
    assert not _clash, f"message keys defined twice: {sorted(_clash)}"
    CATALOG.update(_area.MESSAGES)

__all__ = ["CATALOG", "LOCALES", "Locale", "date_text", "day_text", "join", "t"]

_JA_WEEKDAYS = "月火水木金土日"


class _Formatter(string.Formatter):
    """str.format, plus `{n:one|other}` for English plurals (see the module's docstring)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            one, other = format_spec.split("|", 1)
            return one if str(value) == "1" else other
        return str(super().format_field(value, format_spec))


_FORMATTER = _Formatter()


def t(key: str, locale: str = "en", **params: Any) -> str:
    """The message `key` in `locale` (English when the locale is unknown)."""
    entry = CATALOG[key]
    template = entry.get(locale, entry["en"])  # type: ignore[call-overload]
    return _FORMATTER.format(template, **params) if params else template


def join(items: Iterable[str], locale: str = "en") -> str:
    """Items as a list inside a sentence: "a, b, c" in English, 「a、b、c」 in Japanese."""
    return t("sep.list", locale).join(items)


def date_text(
    at: datetime, tz: ZoneInfo, locale: str = "en", *, now: datetime | None = None
) -> str:
    """A date and time as Baton writes it in `tz`: 「12月3日(木) 14:31」, "2026-12-03 14:31 JST".

    In Japanese the year is shown only when it is not the year of `now` (the current
    time when not given).
    """
    local = at.astimezone(tz)
    if locale != "ja":
        return local.strftime("%Y-%m-%d %H:%M %Z")
    return f"{day_text(at, tz, locale, now=now)} {local.hour}:{local.minute:02d}"


def day_text(at: datetime, tz: ZoneInfo, locale: str = "en", *, now: datetime | None = None) -> str:
    """The day alone: 「12月3日(木)」 (「2027年1月5日(火)」 in another year), "2026-12-03"."""
    local = at.astimezone(tz)
    if locale != "ja":
        return local.strftime("%Y-%m-%d")
    this_year = (now or utcnow()).astimezone(tz).year
    year = f"{local.year}年" if local.year != this_year else ""
    return f"{year}{local.month}月{local.day}日({_JA_WEEKDAYS[local.weekday()]})"
