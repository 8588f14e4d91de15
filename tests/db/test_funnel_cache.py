"""Funnel reports kept ready: computed on the spot while small, from a snapshot when big."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.policy import Policy
from bot.leads.funnel_cache import ReportCache, decode, encode
from bot.leads.funnel_report import PERIOD_WORDS, GroupBy, funnel_report, period_of
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.store.database import Database
from tests.support.clock import FakeClock

TOKYO = ZoneInfo("Asia/Tokyo")


def hand_off(service: LeadService, n: int) -> int:
    data = LeadInput(source="web", email=f"{n}@example.com", campaign="秋ウェビナー")
    return service.hand_off(data).lead.id


def test_small_reports_are_computed_on_the_spot(
    service: LeadService, db: Database, policy: Policy, clock: FakeClock
) -> None:
    hand_off(service, 1)
    clock.advance(minutes=1)
    cache = ReportCache(db, policy, clock, inline_leads=5)
    answer = cache.report(period_of("30d", clock(), TOKYO), GroupBy.CAMPAIGN)
    assert answer is not None and answer.as_of is None
    assert answer.report.total.handed_off == 1


def test_big_reports_come_from_their_snapshot_refreshed_by_the_scheduler(
    service: LeadService, db: Database, policy: Policy, clock: FakeClock
) -> None:
    first = [hand_off(service, n) for n in range(3)]
    service.claim(first[0], "U0REP1")
    service.set_outcome(first[0], "U0REP1", "won", amount=Decimal("500000"))
    clock.advance(minutes=1)
    cache = ReportCache(db, policy, clock, inline_leads=2)
    period = period_of("30d", clock(), TOKYO)
    assert cache.report(period, GroupBy.CAMPAIGN) is None  # nothing ready: prepare it
    prepared_at = clock()
    cache.prepare(period, GroupBy.CAMPAIGN)
    clock.advance(minutes=2)
    hand_off(service, 9)  # after the snapshot
    answer = cache.report(period_of("30d", clock(), TOKYO), GroupBy.CAMPAIGN)
    assert answer is not None and answer.as_of == prepared_at
    assert answer.report.total.handed_off == 3 and answer.report.total.won == 1
    clock.advance(minutes=5)
    periods = {name: period_of(name, clock(), TOKYO) for name in PERIOD_WORDS}
    assert cache.refresh_asked(periods) == 1
    answer = cache.report(period_of("30d", clock(), TOKYO), GroupBy.CAMPAIGN)
    assert answer is not None and answer.as_of == clock()
    assert answer.report.total.handed_off == 4


def test_reports_nobody_asks_for_are_left_alone(
    service: LeadService, db: Database, policy: Policy, clock: FakeClock
) -> None:
    for n in range(3):
        hand_off(service, n)
    cache = ReportCache(db, policy, clock, inline_leads=2)
    cache.prepare(period_of("7d", clock(), TOKYO), GroupBy.SOURCE)
    clock.advance(days=2)
    periods = {name: period_of(name, clock(), TOKYO) for name in PERIOD_WORDS}
    assert cache.refresh_asked(periods) == 0


def test_a_snapshot_reads_back_as_the_report_it_was(
    service: LeadService, db: Database, clock: FakeClock
) -> None:
    lead_id = hand_off(service, 1)
    clock.advance(minutes=3)
    service.claim(lead_id, "U0REP1")
    service.set_outcome(lead_id, "U0REP1", "disqualified", reason="no_budget")
    clock.advance(minutes=1)
    with db.read() as session:
        report = funnel_report(
            session, period_of("30d", clock(), TOKYO), GroupBy.CAMPAIGN, now=clock(), currency="JPY"
        )
    assert report.rows[0].median_to_claim == timedelta(minutes=3)
    assert decode(encode(report)) == report
