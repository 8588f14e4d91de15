"""What follows `/lead-status away` and `back`: a mention, a day in the forms a Tokyo
team types, and which year a day without one falls in."""

from __future__ import annotations

from datetime import date

import pytest

from bot.slack.status_query import QueryKind, StatusQuery, parse_status_query
from bot.slack.team_query import BAD_DAY, BAD_WORD, NO_DAY, Day, TeamAsk, read_away

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("away", StatusQuery(QueryKind.AWAY, "")),
        ("AWAY until 12/10", StatusQuery(QueryKind.AWAY, "until 12/10")),
        ("away <@U0REP2|sato>", StatusQuery(QueryKind.AWAY, "<@U0REP2|sato>")),
        ("不在", StatusQuery(QueryKind.AWAY, "")),
        ("不在 12月10日まで", StatusQuery(QueryKind.AWAY, "12月10日まで")),
        ("不在12月10日まで", StatusQuery(QueryKind.AWAY, "12月10日まで")),
        ("back", StatusQuery(QueryKind.BACK, "")),
        ("復帰 <@U0REP2>", StatusQuery(QueryKind.BACK, "<@U0REP2>")),
        ("pool enterprise", StatusQuery(QueryKind.POOL, "enterprise")),
        ("割り当て対象 inbound", StatusQuery(QueryKind.POOL, "inbound")),
        ("awayteam", StatusQuery(QueryKind.COMPANY, "awayteam")),  # a company, not a word
    ],
)
def test_the_team_words(text: str, expected: StatusQuery) -> None:
    assert parse_status_query(text) == expected


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("until 2026-12-10", date(2026, 12, 10)),
        ("2026/12/10", date(2026, 12, 10)),
        ("until 12/10", date(2026, 12, 10)),
        ("12-10", date(2026, 12, 10)),
        ("12月10日", date(2026, 12, 10)),
        ("12月10日まで", date(2026, 12, 10)),
        ("１２月１０日(木) まで", date(2026, 12, 10)),
        ("2027年1月5日", date(2027, 1, 5)),
        ("11/20", TODAY),  # through today
        ("11/19", date(2027, 11, 19)),  # no year: the next such day, next year's
        ("1/5", date(2027, 1, 5)),
    ],
)
def test_a_day_in_each_form(typed: str, meant: date) -> None:
    ask = read_away(typed)
    assert ask.problem is None and ask.day is not None
    assert ask.day.from_today(TODAY) == meant


@pytest.mark.parametrize("typed", ["2026-11-19", "2026-02-30", "13/40", "2/29"])
def test_a_day_passed_or_that_does_not_exist_is_none(typed: str) -> None:
    ask = read_away(typed)
    assert ask.day is not None and ask.day.from_today(TODAY) is None


def test_a_mention_escaped_or_not_names_the_rep() -> None:
    assert read_away("<@U0REP2|sato> until 12/10") == TeamAsk("U0REP2", Day("12/10", 12, 10, None))
    assert read_away("12月10日まで <@U0REP2>").target == "U0REP2"
    assert read_away("<@U0REP2>", with_day=False) == TeamAsk("U0REP2")


@pytest.mark.parametrize(
    ("typed", "problem", "given"),
    [
        ("tomorrowish", BAD_WORD, "tomorrowish"),
        ("until", NO_DAY, ""),
        ("12/10/2026", BAD_DAY, "12/10/2026"),
        ("12/10 12/11", BAD_WORD, "12/11"),
        ("<@U0REP2> <@U0REP3>", BAD_WORD, "<@U0REP3>"),
        ("@sato", BAD_WORD, "@sato"),
    ],
)
def test_what_is_not_understood(typed: str, problem: str, given: str) -> None:
    ask = read_away(typed)
    assert (ask.problem, ask.given) == (problem, given)


def test_back_takes_no_day() -> None:
    assert read_away("12/10", with_day=False).problem == BAD_WORD
