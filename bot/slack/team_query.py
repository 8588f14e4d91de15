"""Reading the words after `/lead-status away` and `back`: whom (a mention) and through
which day, in English and Japanese alike (`away @rep until 12/10`, `不在 12月10日まで`).

Slack writes a mention in a slash command's text as `<@U123|name>` (with "Escape
channels, users, and links" on) or `<@U123>`; both name the user U123. A day is read
as typed (2026-12-10, 2026/12/10, 12/10, 12-10, 12月10日, 2026年12月10日(木)); which
year a day without one falls in depends on "today" where the person is, so
`Day.from_today` settles it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$")
_FULL = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/](\d{1,2})$")
_JAPANESE = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日?(?:\([月火水木金土日]\))?$")
_UNTIL = ("until", "till", "through", "thru", "まで")
MAX_TYPED = 40


@dataclass(frozen=True)
class Day:
    """A day as typed; `year` None when it was left out."""

    typed: str
    month: int
    day: int
    year: int | None = None

    def from_today(self, today: date) -> date | None:
        """The day meant, seen from `today`: with no year, the next such day (this year's
        if it is today or later, else next year's). None for a day that does not exist
        or has passed."""
        years = [self.year] if self.year is not None else [today.year, today.year + 1]
        for year in years:
            try:
                meant = date(year, self.month, self.day)
            except ValueError:  # 2/30, or 2/29 outside a leap year
                continue
            if meant >= today:
                return meant
        return None


BAD_WORD = "team.away.bad_word"
BAD_DAY = "team.away.bad_day"
NO_DAY = "team.away.no_day"


@dataclass(frozen=True)
class TeamAsk:
    """What `away …` or `back …` asked: for whom (None: the asker) and through which day
    (None: until back); or, as a catalog key, what was not understood (`given`: the word)."""

    target: str | None = None
    day: Day | None = None
    problem: str | None = None
    given: str = ""


def read_day(word: str) -> Day | None:
    """A day in one of the forms above, or None (its numbers are not checked here)."""
    if match := _FULL.match(word):
        year, month, day = (int(g) for g in match.groups())
        return Day(word, month, day, year)
    if match := _MONTH_DAY.match(word):
        month, day = (int(g) for g in match.groups())
        return Day(word, month, day)
    if match := _JAPANESE.match(word):
        year_text, month_text, day_text = match.groups()
        given_year = int(year_text) if year_text else None
        return Day(word, int(month_text), int(day_text), given_year)
    return None


def read_away(text: str, *, with_day: bool = True) -> TeamAsk:
    """The words after `away` (`with_day`) or `back` (a mention only)."""
    target: str | None = None
    day: Day | None = None
    until = False
    # NFKC: full-width digits and slashes (１２／１０) read as ASCII; mentions are ASCII.
    for word in unicodedata.normalize("NFKC", text).split():
        mention = _MENTION.match(word)
        if mention and target is None:
            target = mention.group(1)
            continue
        folded = word.casefold()
        if with_day and folded in _UNTIL:
            until = True
            continue
        if with_day and folded.endswith("まで"):
            folded, until = folded.removesuffix("まで"), True
        read = read_day(folded) if with_day else None
        if read is not None and day is None:
            day = read
        elif with_day and day is None and _looks_like_a_day(folded):
            return TeamAsk(target, problem=BAD_DAY, given=word[:MAX_TYPED])
        else:
            return TeamAsk(target, problem=BAD_WORD, given=word[:MAX_TYPED])
    if until and day is None:
        return TeamAsk(target, problem=NO_DAY)
    return TeamAsk(target, day)


def _looks_like_a_day(word: str) -> bool:
    """A word meant as a day but not one of the forms read (`12/10/2026`, `12月`)."""
    return bool(word) and word[0].isdigit()
