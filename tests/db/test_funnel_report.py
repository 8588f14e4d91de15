"""The funnel report's numbers, on both databases, for a set of leads whose fate is known."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.leads.funnel_report import (
    FunnelReport,
    GroupBy,
    Period,
    funnel_report,
    period_named,
    period_of,
)
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.store.database import Database
from tests.support.clock import FakeClock

TOKYO = ZoneInfo("Asia/Tokyo")
AUTUMN = "秋ウェビナー"
EXPO = "Expo 2026"


def lead(service: LeadService, n: int, campaign: str | None, source: str = "web") -> int:
    data = LeadInput(source=source, name=f"Lead {n}", email=f"l{n}@example.com", campaign=campaign)
    return service.hand_off(data).lead.id


@pytest.fixture
def report_of(service: LeadService, db: Database, clock: FakeClock):  # type: ignore[no-untyped-def]
    """Eight leads in the last 30 days and two in the 30 before; their fates below."""
    start = clock()
    clock.set(start - timedelta(days=40))
    old = [lead(service, i, AUTUMN) for i in (1, 2)]
    service.claim(old[0], "U0REP1")
    service.set_outcome(old[0], "U0REP1", "opportunity")
    clock.set(start)
    autumn = [lead(service, i, AUTUMN) for i in range(10, 15)]
    expo = [lead(service, i, EXPO, source="expo") for i in range(20, 22)]
    lead(service, 30, None)
    clock.advance(minutes=10)  # claimed 10 minutes after hand-off: within the SLA
    for lead_id in autumn[:4]:
        service.claim(lead_id, "U0REP1")
    clock.advance(minutes=50)  # an hour after: late for every route in the policy
    service.claim(expo[0], "U0REP2")
    clock.advance(minutes=30)
    service.log_first_touch(autumn[0], "U0REP1")
    service.set_outcome(autumn[0], "U0REP1", "won", amount=Decimal("1200000"))
    service.set_outcome(autumn[1], "U0REP1", "opportunity")
    service.set_outcome(autumn[2], "U0REP1", "meeting_booked")
    service.set_outcome(autumn[3], "U0REP1", "disqualified", reason="no_budget")
    service.set_outcome(expo[0], "U0REP2", "lost", reason="price")
    clock.advance(days=1)

    def report(by: GroupBy = GroupBy.CAMPAIGN) -> FunnelReport:
        period = period_of("30d", clock(), TOKYO)
        with db.read() as session:
            return funnel_report(session, period, by, now=clock(), currency="JPY")

    return report


def test_by_campaign(report_of) -> None:  # type: ignore[no-untyped-def]
    report = report_of()
    autumn, expo, none = report.rows
    assert (autumn.group, expo.group, none.group) == (AUTUMN, EXPO, None)
    assert (autumn.handed_off, autumn.claim_met, autumn.claim_decided) == (5, 4, 5)
    assert autumn.claimed_in_sla_pct == 80
    assert (autumn.meetings, autumn.opportunities, autumn.won) == (3, 2, 1)
    assert autumn.opportunity_rate_pct == 40  # 商談化率: 2 of 5
    assert autumn.won_amount == Decimal("1200000")
    assert (autumn.disqualified, autumn.top_disqualify_reason, autumn.returned) == (
        1,
        "no_budget",
        0,
    )
    assert autumn.median_to_claim == timedelta(minutes=10)
    assert autumn.median_to_touch == timedelta(minutes=90)
    assert (expo.handed_off, expo.claim_met, expo.opportunities, expo.won) == (2, 0, 1, 0)
    assert expo.median_to_claim == timedelta(hours=1)
    assert report.total.handed_off == 8 and report.total.opportunities == 3


def test_the_period_before(report_of) -> None:  # type: ignore[no-untyped-def]
    report = report_of()
    before = report.before(report.rows[0])
    assert before is not None
    assert (before.handed_off, before.opportunities) == (2, 1)
    assert report.before(report.rows[1]) is None  # the Expo had no leads then
    assert report.previous_total is not None and report.previous_total.handed_off == 2


def test_by_source_and_rep(report_of) -> None:  # type: ignore[no-untyped-def]
    by_source = {row.group: row.handed_off for row in report_of(GroupBy.SOURCE).rows}
    assert by_source == {"web": 6, "expo": 2}
    by_rep = {row.group: row.won for row in report_of(GroupBy.REP).rows}
    assert by_rep == {"U0REP1": 1, "U0REP2": 0, None: 0}


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(
    service: LeadService, db: Database, clock: FakeClock
) -> None:
    ids = [lead(service, i, "x") for i in range(4)]
    for minutes, lead_id in zip((1, 2, 4, 30), ids, strict=True):
        clock.advance(minutes=minutes)
        service.claim(lead_id, "U0REP1")
    period = Period(clock() - timedelta(days=1), clock() + timedelta(seconds=1), "test")
    with db.read() as session:
        [row] = funnel_report(session, period, GroupBy.CAMPAIGN, now=clock(), currency="JPY").rows
    # claimed 1, 3, 7 and 37 minutes after the hand-off: (3 + 7) / 2
    assert row.median_to_claim == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("30d", "30d"),
        ("30日", "30d"),
        ("今月", "this-month"),
        ("LAST-MONTH", "last-month"),
        ("四半期", "quarter"),
        ("soon", None),
    ],
)
def test_period_words(word: str, name: str | None) -> None:
    assert period_named(word) == name


def test_months_and_quarters_follow_the_calendar(clock: FakeClock) -> None:
    now = clock()  # 2026-11-20 10:00 in Tokyo
    last = period_of("last-month", now, TOKYO)
    assert (last.start.isoformat(), last.end.isoformat()) == (
        "2026-10-01T00:00:00+09:00",
        "2026-11-01T00:00:00+09:00",
    )
    assert period_of("quarter", now, TOKYO).start.isoformat() == "2026-10-01T00:00:00+09:00"
    assert period_of("this-month", now, TOKYO).previous().start.isoformat().startswith("2026-10-1")
