"""The message catalog: every sentence a user reads, in English and Japanese.

Japanese uses 敬体 and the wording a Japanese sales team would use, not a literal
rendering of the English. Parameters are filled with str.format. Each area of
Baton keeps its messages in its own module here; `bot.core.i18n` joins them.
"""

from typing import Literal

Locale = Literal["en", "ja"]
LOCALES: tuple[Locale, ...] = ("en", "ja")
