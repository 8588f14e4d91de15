"""The funnel report by rep in Slack: a line of offers under each rep, in both languages,
only when the period had offers and only by rep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.leads.funnel_report import FunnelReport, FunnelRow, GroupBy, Period
from bot.slack.render.funnel_report import report_message

TOKYO = ZoneInfo("Asia/Tokyo")
END = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)
PERIOD = Period(END - timedelta(days=30), END, "30d")


def shown(report: FunnelReport, locale: str) -> str:
    message = report_message(report, locale=locale, tz=TOKYO)
    return "\n".join(b["text"]["text"] for b in message.blocks if b["type"] == "section")


def by_rep(*rows: FunnelRow, by: GroupBy = GroupBy.REP) -> FunnelReport:
    total = FunnelRow(
        None,
        handed_off=sum(r.handed_off for r in rows),
        offers=sum(r.offers for r in rows),
        accepted=sum(r.accepted for r in rows),
        passed=sum(r.passed for r in rows),
    )
    return FunnelReport(PERIOD, by, "JPY", list(rows), total)


REP1 = FunnelRow(
    "U0REP1",
    handed_off=2,
    offers=5,
    accepted=2,
    passed=3,
    top_pass_reason="busy",
    median_to_accept=timedelta(minutes=4),
)
REP3 = FunnelRow("U0REP3", offers=2, passed=2)


def test_each_rep_says_how_their_offers_went() -> None:
    text = shown(by_rep(REP1, REP3), "en")
    assert (
        "*<@U0REP1>*\nHanded off 2 · claimed within SLA — · median to claim — · to first touch —"
        in text
    )
    assert (
        "Offers 5 · accepted 2 (median time to accept 4 min) · passed 3 (mostly Too busy right now)"
        in text
    )
    assert "*<@U0REP3>*\nHanded off 0 ·" in text
    assert "Offers 2 · accepted 0 (median time to accept —) · passed 2" in text
    assert "*All leads*" in text and "Offers 7 · accepted 2 (median time to accept —)" in text


def test_in_japanese() -> None:
    text = shown(by_rep(REP1), "ja")
    assert (
        "打診5件・引き受け2件（引き受けまで4分、中央値）・見送り3件（主な理由：手が回らない）"
        in text
    )


def test_no_line_of_offers_when_nobody_was_offered_a_lead() -> None:
    text = shown(by_rep(FunnelRow("U0REP1", handed_off=2)), "en")
    assert "Offers" not in text


def test_no_line_of_offers_by_campaign() -> None:
    row = FunnelRow("秋ウェビナー", handed_off=2, offers=5)
    assert "Offers" not in shown(by_rep(row, by=GroupBy.CAMPAIGN), "en")


def test_a_reason_without_words_shows_as_stored() -> None:
    row = FunnelRow("U0REP1", offers=1, passed=1, top_pass_reason="vacation")
    assert "passed 1 (mostly vacation)" in shown(by_rep(row), "en")
