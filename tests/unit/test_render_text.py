"""Escaping and fitting user data for Slack; dates and durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.render.text import ELLIPSIS, clean, duration, escape, fit, slack_date, units, who


def test_escape_only_the_three_reserved_characters() -> None:
    assert escape("<@U123> & <!channel> *bold*") == "&lt;@U123&gt; &amp; &lt;!channel&gt; *bold*"


def test_fit_cuts_between_characters_and_marks_the_cut() -> None:
    assert fit("a&b", 10) == "a&amp;b"
    assert fit("ab&cd", 6) == "ab" + ELLIPSIS  # "&amp;" would not fit whole: left out
    assert fit("日本語のテキスト", 5, mrkdwn=False) == "日本語の" + ELLIPSIS


def test_units_count_emoji_as_slack_may() -> None:
    assert units("😀") == 2 and len("😀") == 1
    assert units(fit("😀" * 100, 11)) <= 11


def test_clean_drops_control_characters_and_lone_surrogates() -> None:
    assert clean("a\x00b\x1bc\ud800d\r\ne\tf") == "abcd\ne\tf"
    assert clean(None) == ""


@given(st.text(), st.integers(min_value=2, max_value=3000))
def test_fit_never_exceeds_the_limit_nor_leaks_markup(text: str, limit: int) -> None:
    out = fit(text, limit)
    assert units(out) <= limit and len(out) <= limit
    assert "<" not in out and ">" not in out
    assert "&" not in out.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
    if units(escape(clean(text))) <= limit:
        assert out == escape(clean(text))


def test_slack_date_has_a_fallback_in_the_policy_time_zone() -> None:
    at = datetime(2026, 11, 20, 1, 15, tzinfo=UTC)
    assert (
        slack_date(at, ZoneInfo("Asia/Tokyo"))
        == "<!date^1795137300^{date_short_pretty} {time}|2026-11-20 10:15 JST>"
    )


@pytest.mark.parametrize(
    ("seconds", "en", "ja"),
    [
        (30, "under a minute", "1分未満"),
        (7 * 60, "7 min", "7分"),
        (3600, "1 h", "1時間"),
        (3600 + 5 * 60, "1 h 5 min", "1時間5分"),
        (2 * 86400, "2 d", "2日"),
        (2 * 86400 + 4 * 3600 + 59, "2 d 4 h", "2日4時間"),
    ],
)
def test_duration(seconds: int, en: str, ja: str) -> None:
    span = timedelta(seconds=seconds)
    assert (duration(span, "en"), duration(span, "ja")) == (en, ja)


def test_who_names_people_and_baton_itself() -> None:
    assert who("U0REP1", "en") == "<@U0REP1>"
    assert who("U0REP1", "ja") == "<@U0REP1> さん"
    assert who("intake", "ja") == "連携システム"
    assert who("<script>", "en") == "&lt;script&gt;"
