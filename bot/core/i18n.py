"""Looking up messages in the catalog (bot/core/catalog/) in the reader's language."""

from __future__ import annotations

from typing import Any

from bot.core.catalog import LOCALES, Locale, core, delivery, intake, sla, slack

CATALOG: dict[str, dict[Locale, str]] = {}
for _area in (core, slack, intake, sla, delivery):
    _clash = CATALOG.keys() & _area.MESSAGES.keys()
    assert not _clash, f"message keys defined twice: {sorted(_clash)}"
    CATALOG.update(_area.MESSAGES)

__all__ = ["CATALOG", "LOCALES", "Locale", "t"]


def t(key: str, locale: str = "en", **params: Any) -> str:
    """The message `key` in `locale` (English when the locale is unknown)."""
    entry = CATALOG[key]
    template = entry.get(locale, entry["en"])  # type: ignore[call-overload]
    return template.format(**params) if params else template
