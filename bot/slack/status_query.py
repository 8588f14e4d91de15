"""Reading what someone typed after `/lead-status`: English and Japanese words alike."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

from bot.leads.funnel_report import DEFAULT_PERIOD, GroupBy, period_named

_MAILTO = re.compile(r"^<mailto:([^|>]+)(?:\|[^>]*)?>$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_LEAD_ID = re.compile(r"^#?(\d{1,12})$")
MAX_QUERY = 300


class QueryKind(enum.StrEnum):
    SUMMARY = "summary"
    LEAD = "lead"
    EMAIL = "email"
    COMPANY = "company"
    MINE = "mine"
    OVERDUE = "overdue"
    RETURNED = "returned"  # returned to marketing
    CAMPAIGN = "campaign"  # value: the campaign's name as typed
    HELP = "help"
    LANGUAGE = "language"  # value: "en", "ja", AUTO, "" (show it) or what was not understood
    REPORT = "report"  # the funnel report: `report` holds what was asked
    # value: the words after the keyword as typed (bot.slack.team_query reads them)
    AWAY = "away"  # [@rep] [until DATE]
    BACK = "back"  # [@rep]
    POOL = "pool"  # ROUTE


# `/lead-status lang auto`: no choice of one's own, follow Slack's language again.
AUTO = "auto"

_WORDS = {
    QueryKind.HELP: ("help", "?", "ヘルプ", "使い方"),
    QueryKind.MINE: ("mine", "me", "my", "自分", "私", "わたし"),
    QueryKind.OVERDUE: ("overdue", "late", "遅延", "期限切れ", "期限超過"),
    QueryKind.RETURNED: ("returned", "差し戻し", "差戻し", "マーケティングへ差し戻し"),
    QueryKind.CAMPAIGN: ("campaign", "キャンペーン"),
    QueryKind.LANGUAGE: ("lang", "language", "言語", "表示言語"),
    QueryKind.REPORT: ("report", "レポート", "実績"),
    QueryKind.AWAY: ("away", "不在"),
    QueryKind.BACK: ("back", "復帰"),
    QueryKind.POOL: ("pool", "割り当て対象"),
}
_GROUPS = {
    GroupBy.CAMPAIGN: ("campaign", "キャンペーン"),
    GroupBy.SOURCE: ("source", "ソース", "流入元"),
    GroupBy.ROUTE: ("route", "ルート"),
    GroupBy.SEGMENT: ("segment", "セグメント"),
    GroupBy.REP: ("rep", "reps", "担当者", "営業"),
}
_CHART = ("chart", "グラフ")
_LANGUAGES = {
    "ja": ("ja", "japanese", "日本語", "にほんご"),
    "en": ("en", "english", "英語", "えいご"),
    AUTO: (AUTO, "slack", "自動"),
}


@dataclass(frozen=True)
class ReportQuery:
    """`/lead-status report [period] [by GROUP] [chart]`; `unknown`: a word not understood."""

    period: str = DEFAULT_PERIOD
    by: GroupBy = GroupBy.CAMPAIGN
    chart: bool = False
    unknown: str | None = None


@dataclass(frozen=True)
class StatusQuery:
    kind: QueryKind
    value: str | int | None = None
    report: ReportQuery | None = None


def parse_status_query(text: str | None) -> StatusQuery:
    """What `/lead-status <text>` asks for. Anything else is read as a company name."""
    words = " ".join((text or "").split())
    if not words:
        return StatusQuery(QueryKind.SUMMARY)
    if len(words) > MAX_QUERY:
        return StatusQuery(QueryKind.HELP)
    # NFKC: ｷｬﾝﾍﾟｰﾝ and ＭＩＮＥ are the words too
    folded = unicodedata.normalize("NFKC", words).casefold()
    for kind in (QueryKind.HELP, QueryKind.MINE, QueryKind.OVERDUE, QueryKind.RETURNED):
        if folded in _WORDS[kind]:
            return StatusQuery(kind)
    first, _, rest = folded.partition(" ")
    if first in _WORDS[QueryKind.REPORT]:
        return StatusQuery(QueryKind.REPORT, report=_report(rest.split()))
    if first in _WORDS[QueryKind.LANGUAGE]:
        return StatusQuery(QueryKind.LANGUAGE, _language(rest))
    for kind in (QueryKind.AWAY, QueryKind.BACK, QueryKind.POOL):
        after = _after_word(words, _WORDS[kind])
        if after is not None:
            return StatusQuery(kind, after)
    if first in _WORDS[QueryKind.CAMPAIGN]:
        name = words.partition(" ")[2]
        return StatusQuery(QueryKind.CAMPAIGN, name) if name else StatusQuery(QueryKind.HELP)
    if match := _LEAD_ID.match(words):
        return StatusQuery(QueryKind.LEAD, int(match.group(1)))
    if match := _MAILTO.match(words):
        words = match.group(1)
    if _EMAIL.match(words):
        return StatusQuery(QueryKind.EMAIL, words.lower())
    return StatusQuery(QueryKind.COMPANY, words)


def _after_word(words: str, names: tuple[str, ...]) -> str | None:
    """The text after a leading keyword, as typed; None if `words` does not start with one.
    A Japanese keyword needs no space after it (「不在12月10日まで」)."""
    first, _, rest = words.partition(" ")
    folded = unicodedata.normalize("NFKC", first).casefold()
    if folded in names:
        return rest
    for name in names:
        if not name.isascii() and folded.startswith(name):
            cuts = range(1, len(first) + 1)
            cut = next(
                (i for i in cuts if unicodedata.normalize("NFKC", first[:i]).casefold() == name),
                None,
            )
            if cut is not None:
                return f"{first[cut:]} {rest}".strip()
    return None


def _report(words: list[str]) -> ReportQuery:
    """The words after `report`, in any order: a period (30d, 今月…), `by GROUP` or
    「GROUP別」, `chart`/グラフ."""
    period, by, chart = DEFAULT_PERIOD, GroupBy.CAMPAIGN, False
    words = list(words)
    while words:
        word = words.pop(0)
        if word in ("by", "ごと", "別") and words:
            word = words.pop(0)
        word = word.removesuffix("別").removesuffix("ごと")
        if named := period_named(word):
            period = named
        elif group := next((g for g, names in _GROUPS.items() if word in names), None):
            by = group
        elif word in _CHART:
            chart = True
        else:
            return ReportQuery(period, by, chart, unknown=word[:40])
    return ReportQuery(period, by, chart)


def _language(word: str) -> str:
    """ "en", "ja" or AUTO for a word naming one; "" for none; else the word itself."""
    for language, names in _LANGUAGES.items():
        if word in names:
            return language
    return word[:40]
