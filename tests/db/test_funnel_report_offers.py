"""The funnel report by rep: how the offers of the period's leads went for each rep
(received, accepted, passed with the reason given most, the median time to accept), on
both databases, for four leads whose offers are known; other groupings are unchanged."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from bot.leads.due_work import claim_due
from bot.leads.funnel_cache import decode, encode
from bot.leads.funnel_export import COLUMNS, to_csv, to_json
from bot.leads.funnel_report import FunnelReport, GroupBy, Period, funnel_report
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.store.database import Database
from tests.db.test_assignment import service_for
from tests.support.clock import FakeClock

OFFER = "{mode: offer, pool: [reps], strategy: strict, accept_within: 30m, max_offers: 3}"


def hand_off(service: LeadService, n: int) -> int:
    data = LeadInput(source="web", external_id=f"L{n}", name=f"Lead {n}", campaign="秋")
    return service.hand_off(data).lead.id


@pytest.fixture
def report_of(db: Database, clock: FakeClock):  # type: ignore[no-untyped-def]
    """Strict turns over U0REP1, U0REP2, U0REP3 (minutes from the start):

    - A: REP1 passes (busy) at 1, REP2 accepts at 5 (4 minutes after its offer);
    - B: REP3 passes (territory) at 6, REP1 accepts at 16 (10 minutes after);
    - C: REP2 lets it expire at 46, REP3 passes (territory), REP1 passes with no reason:
      after three offers it goes to the channel;
    - D: REP2 accepts at 50 (2 minutes after).
    """
    service = service_for(db, clock, OFFER)
    start = clock()
    a = hand_off(service, 1)
    clock.advance(minutes=1)
    service.pass_offer(a, "U0REP1", reason="busy")
    clock.advance(minutes=4)
    service.accept_offer(a, "U0REP2")
    b = hand_off(service, 2)
    clock.advance(minutes=1)
    service.pass_offer(b, "U0REP3", reason="territory")
    clock.advance(minutes=10)
    service.accept_offer(b, "U0REP1")
    c = hand_off(service, 3)
    clock.advance(minutes=30)
    claim_due(db, service.policy, clock())  # REP2's offer of C expires
    clock.advance(minutes=1)
    service.pass_offer(c, "U0REP3", reason="territory")
    clock.advance(minutes=1)
    service.pass_offer(c, "U0REP1")
    d = hand_off(service, 4)
    clock.advance(minutes=2)
    service.accept_offer(d, "U0REP2")
    assert service.get(c).owner_id is None and service.get(d).owner_id == "U0REP2"

    def report(by: GroupBy = GroupBy.REP) -> FunnelReport:
        period = Period(start - timedelta(hours=1), start + timedelta(hours=1), "test")
        with db.read() as session:
            return funnel_report(session, period, by, now=clock(), currency="JPY")

    return report


def test_by_rep_counts_each_reps_offers(report_of) -> None:  # type: ignore[no-untyped-def]
    report = report_of()
    rows = {row.group: row for row in report.rows}
    assert set(rows) == {"U0REP1", "U0REP2", "U0REP3", None}
    rep1, rep2, rep3 = rows["U0REP1"], rows["U0REP2"], rows["U0REP3"]
    assert (rep1.offers, rep1.accepted, rep1.passed) == (3, 1, 2)
    assert rep1.top_pass_reason == "busy"  # the pass without a reason names none
    assert rep1.median_to_accept == timedelta(minutes=10)
    assert (rep2.offers, rep2.accepted, rep2.passed, rep2.top_pass_reason) == (3, 2, 0, None)
    assert rep2.median_to_accept == timedelta(minutes=3)  # of 4 and 2 minutes
    # REP3 passed everything it was offered: no lead of its own, still a row
    assert (rep3.handed_off, rep3.offers, rep3.accepted, rep3.passed) == (0, 2, 0, 2)
    assert (rep3.top_pass_reason, rep3.median_to_accept) == ("territory", None)
    assert (rows[None].handed_off, rows[None].offers) == (1, 0)  # C, in the channel
    assert [row.group for row in report.rows] == ["U0REP2", None, "U0REP1", "U0REP3"]
    total = report.total
    assert (total.handed_off, total.offers, total.accepted, total.passed) == (4, 8, 3, 4)
    assert total.median_to_accept is None and total.top_pass_reason is None


def test_other_groupings_have_no_offer_figures(report_of) -> None:  # type: ignore[no-untyped-def]
    [row] = report_of(GroupBy.CAMPAIGN).rows
    assert (row.group, row.handed_off, row.offers, row.accepted, row.passed) == ("秋", 4, 0, 0, 0)
    rows = list(
        csv.DictReader(io.StringIO(to_csv(report_of(GroupBy.CAMPAIGN)).decode("utf-8-sig")))
    )
    assert tuple(rows[0]) == COLUMNS


def test_csv_and_json_by_rep_carry_the_offer_columns(report_of) -> None:  # type: ignore[no-untyped-def]
    report = report_of()
    rows = {r["group"]: r for r in csv.DictReader(io.StringIO(to_csv(report).decode("utf-8-sig")))}
    assert tuple(rows["U0REP1"])[-5:] == (
        "offers",
        "accepted",
        "passed",
        "top_pass_reason",
        "median_accept_seconds",
    )
    rep1, rep3 = rows["U0REP1"], rows["U0REP3"]
    assert [rep1[k] for k in ("offers", "accepted", "passed", "top_pass_reason")] == [
        "3",
        "1",
        "2",
        "busy",
    ]
    assert (rep1["median_accept_seconds"], rep3["median_accept_seconds"]) == ("600", "")
    document = json.loads(to_json(report))
    rep2 = next(r for r in document["rows"] if r["group"] == "U0REP2")
    assert (rep2["offers"], rep2["accepted"], rep2["median_accept_seconds"]) == (3, 2, 180)


def test_a_snapshot_keeps_the_offer_figures(report_of) -> None:  # type: ignore[no-untyped-def]
    report = report_of()
    assert decode(json.loads(json.dumps(encode(report)))) == report


def test_a_snapshot_stored_before_offers_reads_back_with_none(report_of) -> None:  # type: ignore[no-untyped-def]
    body = encode(report_of())
    for row in body["rows"]:
        for key in ("offers", "accepted", "passed", "top_pass_reason", "median_to_accept"):
            del row[key]
    rep1 = next(r for r in decode(body).rows if r.group == "U0REP1")
    assert (rep1.handed_off, rep1.offers, rep1.median_to_accept) == (1, 0, None)
