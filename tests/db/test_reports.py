"""Reports on both databases: the numbers, and that every query is served by an index."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.core.policy import Policy
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.leads.reports import Reports, top_reasons_query
from bot.store.database import Database
from tests.support.clock import FakeClock


@pytest.fixture
def reports(db: Database, policy: Policy, clock: FakeClock) -> Reports:
    return Reports(db, policy, clock=clock)


def lead(service: LeadService, n: int, **fields: object) -> int:
    data = LeadInput(source="web", name=f"Lead {n}", email=f"l{n}@example.com", **fields)  # type: ignore[arg-type]
    return service.hand_off(data).lead.id


def test_summary_counts_attainment_and_medians(
    service: LeadService, reports: Reports, clock: FakeClock
) -> None:
    ids = [lead(service, n, company="ACME") for n in range(5)]
    clock.advance(minutes=4)
    service.claim(ids[0], "U0REP1")  # 4 min
    clock.advance(minutes=4)
    service.claim(ids[1], "U0REP2")  # 8 min
    service.set_outcome(ids[1], "U0REP2", "disqualified", reason="no_need")
    clock.advance(minutes=30)
    service.claim(ids[2], "U0REP1")  # 38 min: 8 min after its 30 min deadline
    service.log_first_touch(ids[0], "U0REP1")  # 34 min after its claim
    summary = reports.summary()
    assert (summary.unclaimed, summary.awaiting_touch, summary.overdue) == (2, 1, 2)
    assert summary.handed_off_today == 5
    assert (summary.claim.met, summary.claim.decided, summary.claim.percent) == (2, 5, 40)
    assert (summary.first_touch.met, summary.first_touch.decided) == (1, 1)
    assert summary.median_to_claim == timedelta(minutes=8)
    assert summary.median_to_touch == timedelta(minutes=34)
    assert summary.top_reasons == [("no_need", 1)]


def test_an_even_number_of_spans_has_the_mean_of_the_middle_two(
    service: LeadService, reports: Reports, clock: FakeClock
) -> None:
    ids = [lead(service, n) for n in range(2)]
    clock.advance(minutes=2)
    service.claim(ids[0], "U0REP1")
    clock.advance(minutes=4)
    service.claim(ids[1], "U0REP1")
    assert reports.summary().median_to_claim == timedelta(minutes=4)


def test_lookups_and_lists(service: LeadService, reports: Reports, clock: FakeClock) -> None:
    a = lead(service, 1, company="Acme KK")
    b = lead(service, 2, company="  acme kk ")
    service.claim(a, "U0REP1")
    assert [x.id for x in reports.by_company("ACME kk")] == [b, a]
    assert [x.id for x in reports.by_email("L1@EXAMPLE.COM")] == [a]
    assert [x.id for x in reports.open_leads_of("U0REP1")] == [a]
    history = reports.history(a)
    assert history is not None and [e.kind for e in history.events] == ["handed_off", "claimed"]
    assert reports.history(10**15) is None
    clock.advance(hours=1)
    overdue = reports.overdue()
    assert overdue.total == 1 and overdue.leads[0].lead.id == b
    assert overdue.leads[0].late == timedelta(minutes=30)


def test_a_crowded_window_reads_only_its_newest_leads(
    service: LeadService, reports: Reports, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.leads.reports.WINDOW_CAP", 3)
    ids = []
    for n in range(5):
        ids.append(lead(service, n))
        clock.advance(minutes=1)
    clock.advance(hours=1)  # every claim deadline has passed, none was met
    summary = reports.summary()
    assert summary.newest_only == 3
    assert (summary.claim.met, summary.claim.decided) == (0, 3)
    assert summary.handed_off_today == 5 and summary.unclaimed == 5


# --- every query is served by an index ------------------------------------------------

QUERIES = {
    "unclaimed count": "SELECT count(*) FROM leads WHERE status = 'unclaimed'",
    "overdue claims": (
        "SELECT id FROM leads WHERE status = 'unclaimed' AND claim_due_at < :now "
        "ORDER BY claim_due_at LIMIT 20"
    ),
    "overdue touches": (
        "SELECT count(*) FROM leads WHERE status = 'claimed' AND first_touch_due_at < :now"
    ),
    "window": "SELECT count(*) FROM leads WHERE created_at >= :now",
    "window cap": (
        "SELECT created_at FROM leads WHERE created_at >= :now "
        "ORDER BY created_at DESC LIMIT 1 OFFSET 19999"
    ),
    "email": "SELECT id FROM leads WHERE email = 'a@example.com' ORDER BY id DESC LIMIT 20",
    "company": "SELECT id FROM leads WHERE company_key = 'acme' ORDER BY id DESC LIMIT 20",
    "mine": "SELECT id FROM leads WHERE owner_id = 'U0REP1' AND status IN ('claimed', 'contacted')",
    "timeline": "SELECT id FROM lead_events WHERE lead_id = 1 ORDER BY id DESC LIMIT 25",
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_query_plan_uses_an_index(db: Database, clock: FakeClock, name: str) -> None:
    with db.read() as session:
        if db.dialect == "postgresql":
            # On a near-empty table the planner prefers a scan; ask what it would do at scale.
            session.execute(text("SET LOCAL enable_seqscan = off"))
            explain = "EXPLAIN "
        else:
            explain = "EXPLAIN QUERY PLAN "
        rows = session.execute(text(explain + QUERIES[name]), {"now": clock()}).all()
    plan = "\n".join(" ".join(str(c) for c in row) for row in rows)
    if db.dialect == "postgresql":
        assert "Seq Scan" not in plan, plan
        assert "Index" in plan, plan
    else:
        assert "USING" in plan and "INDEX" in plan, plan
        assert "SCAN leads\n" not in plan + "\n" and not plan.rstrip().endswith("SCAN leads"), plan


def test_top_reasons_read_only_the_window(db: Database, clock: FakeClock) -> None:
    """Not every lead ever disqualified: the window's created_at index bounds the query."""
    statement = top_reasons_query(clock() - timedelta(days=7))
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    with db.read() as session:
        if db.dialect == "postgresql":
            session.execute(text("SET LOCAL enable_seqscan = off"))
            rows = session.execute(text(f"EXPLAIN {compiled}")).all()
        else:
            rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    plan = "\n".join(" ".join(str(c) for c in row) for row in rows)
    assert "ix_leads_created_at" in plan, plan
