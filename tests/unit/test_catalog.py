"""Every message exists in English and Japanese, with the same placeholders."""

import string

import pytest

from bot.core.i18n import CATALOG, LOCALES, t


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_message_has_every_locale_with_the_same_placeholders(key: str) -> None:
    entry = CATALOG[key]
    assert set(entry) == set(LOCALES)
    assert placeholders(entry["ja"]) == placeholders(entry["en"])
    assert entry["ja"] != entry["en"] or not any(c.isalpha() for c in entry["en"])


def test_unknown_locale_falls_back_to_english() -> None:
    assert t("status.claimed", "fr") == "claimed"
