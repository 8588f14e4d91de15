"""Reports on both databases: the numbers, and that every query is served by an index."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.core.policy import Policy
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.leads.report_queries import (
    campaign_names,
    campaign_query,
    company_prefix_query,
    company_query,
    company_substring_query,
    newest_leads_start,
    returned_query,
    top_reasons_query,
)
from bot.leads.reports import LIST_LIMIT, MAX_CAMPAIGNS, SUBSTRING_SCAN, TOP_REASONS, Reports
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


def companies(reports: Reports, query: str) -> list[str | None]:
    return [x.company for x in reports.by_company(query)]


def test_a_part_of_a_company_name_finds_it(service: LeadService, reports: Reports) -> None:
    lead(service, 1, company="株式会社木村ソフト")
    lead(service, 2, company="キムラ商事")
    lead(service, 3, company="abc inc")
    lead(service, 4, company="Other KK")
    assert companies(reports, "木村") == ["株式会社木村ソフト"]
    assert companies(reports, "ｷﾑﾗ") == ["キムラ商事"]  # half-width kana
    assert companies(reports, "ＡＢＣ") == ["abc inc"]  # full-width letters, any case
    assert companies(reports, "INC") == ["abc inc"]
    assert companies(reports, "c   i") == ["abc inc"]  # spaces as one
    assert companies(reports, "zzz") == []
    assert companies(reports, "   ") == []


def test_an_exact_match_comes_first_then_starts_then_parts(
    service: LeadService, reports: Reports
) -> None:
    inside = lead(service, 1, company="株式会社木村")
    starts = lead(service, 2, company="木村ソフト")
    exact_old = lead(service, 3, company="木村")
    later = lead(service, 4, company="The 木村 Group")
    exact_new = lead(service, 5, company=" 木村 ")
    ids = [x.id for x in reports.by_company("木村")]
    assert ids[:3] == [exact_new, exact_old, starts]
    assert ids[3:] == [later, inside]  # the newest first


def test_wildcards_typed_are_matched_literally(service: LeadService, reports: Reports) -> None:
    lead(service, 1, company="100% Natural KK")
    lead(service, 2, company="1000 Natural KK")
    lead(service, 3, company="Super 50% Off")
    lead(service, 4, company="Super 500 Off")
    lead(service, 5, company="a_b Systems")
    lead(service, 6, company="axb Systems")
    lead(service, 7, company="Back/slash \\ Ltd")
    assert companies(reports, "100%") == ["100% Natural KK"]
    assert companies(reports, "50%") == ["Super 50% Off"]
    assert companies(reports, "%") == ["Super 50% Off", "100% Natural KK"]
    assert companies(reports, "a_b") == ["a_b Systems"]
    assert companies(reports, "_b sys") == ["a_b Systems"]
    assert companies(reports, "/") == ["Back/slash \\ Ltd"]
    assert companies(reports, "\\") == ["Back/slash \\ Ltd"]


def test_a_full_list_stops_before_the_dearer_stages(
    service: LeadService, reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.leads.reports.LIST_LIMIT", 3)
    for n in range(2):
        lead(service, n, company="Acme")
    for n in range(2, 5):
        lead(service, n, company=f"Acme {n}")
    lead(service, 9, company="Big Acme")
    found = companies(reports, "acme")
    assert found == ["Acme", "Acme", "Acme 2"]


def test_a_part_of_a_name_is_looked_for_among_the_newest_leads_only(
    service: LeadService, reports: Reports, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.leads.reports.SUBSTRING_SCAN", 2)
    old = lead(service, 1, company="Old Kimura KK")
    clock.advance(minutes=1)
    lead(service, 2, company="Other")
    clock.advance(minutes=1)
    new = lead(service, 3, company="New Kimura KK")
    assert [x.id for x in reports.by_company("kimura")] == [new]
    assert [x.id for x in reports.by_company("old kimura")] == [old]  # its start: any age


def test_a_campaign_by_its_name_in_any_width_or_case(
    service: LeadService, reports: Reports, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = lead(service, 1, campaign="秋のウェビナー ＡＢＣ")
    clock.advance(minutes=1)
    b = lead(service, 2, campaign="秋のウェビナー abc")
    clock.advance(minutes=1)
    lead(service, 3, campaign="秋のウェビナー abcd")
    lead(service, 4, campaign="Spring")
    lead(service, 5)
    found = reports.by_campaign("秋のウェビナー  Abc")
    assert [x.id for x in found.leads] == [b, a]
    assert (found.total, found.name) == (2, "秋のウェビナー abc")
    assert reports.by_campaign("ウェビナー").total == 0  # the whole name, not a part
    assert reports.by_campaign("spring").total == 1
    monkeypatch.setattr("bot.leads.reports.LIST_LIMIT", 1)
    found = reports.by_campaign("秋のウェビナー abc")
    assert [x.id for x in found.leads] == [b] and found.total == 2


def test_campaign_names_are_each_distinct_name_once(db: Database, service: LeadService) -> None:
    for n, name in enumerate(["b", "a", "b", None, "c", "a"]):
        lead(service, n, campaign=name)
    with db.read() as session:
        assert list(session.scalars(campaign_names(MAX_CAMPAIGNS))) == ["a", "b", "c"]


def test_returned_leads_with_the_most_recently_returned_first(
    service: LeadService, reports: Reports, clock: FakeClock
) -> None:
    assert reports.returned().total == 0
    ids = [lead(service, n) for n in range(3)]
    for i in ids:
        service.claim(i, "U0REP1")
    service.set_outcome(ids[1], "U0REP1", "returned", note="Not ready until April")
    clock.advance(minutes=1)
    service.set_outcome(ids[0], "U0REP1", "returned", note="Wrong contact")
    service.set_outcome(ids[2], "U0REP1", "disqualified", reason="no_need")
    found = reports.returned()
    assert [(x.id, x.outcome_note) for x in found.leads] == [
        (ids[0], "Wrong contact"),
        (ids[1], "Not ready until April"),
    ]
    assert found.total == 2


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


def plan_of(db: Database, statement: object) -> str:
    """The plan of a statement of bot.leads.reports, as the database would run it at scale."""
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
    with db.read() as session:
        if db.dialect == "postgresql":
            # An empty table's statistics make any plan look cheap: no full scans, and no
            # bitmap scans (which read a whole range and sort it), as with many leads.
            session.execute(text("SET LOCAL enable_seqscan = off"))
            session.execute(text("SET LOCAL enable_bitmapscan = off"))
            rows = session.execute(text(f"EXPLAIN {compiled}")).all()
        else:
            rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def test_top_reasons_read_only_the_window(db: Database, clock: FakeClock) -> None:
    """Not every lead ever disqualified: the window's created_at index bounds the query."""
    plan = plan_of(db, top_reasons_query(clock() - timedelta(days=7), TOP_REASONS))
    assert "ix_leads_created_at" in plan, plan


def lead_queries(clock: FakeClock) -> dict[str, tuple[object, str]]:
    """Each query of a company, campaign and returned list, and the index that bounds it."""
    return {
        "company": (company_query("株式会社木村", LIST_LIMIT), "ix_leads_company_key"),
        "company start": (company_prefix_query("木村", LIST_LIMIT), "ix_leads_company_key"),
        "newest leads": (newest_leads_start(SUBSTRING_SCAN), "ix_leads_created_at"),
        # the one condition no index serves: bounded by the newest leads instead
        "company part": (
            company_substring_query("50%_x", clock(), [1, 2], LIST_LIMIT),
            "ix_leads_created_at",
        ),
        "campaign names": (campaign_names(MAX_CAMPAIGNS), "ix_leads_campaign_created_at"),
        "campaign": (campaign_query("Autumn webinar", LIST_LIMIT), "ix_leads_campaign_created_at"),
        "returned": (returned_query(LIST_LIMIT), "ix_leads_"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "company",
        "company start",
        "newest leads",
        "company part",
        "campaign names",
        "campaign",
        "returned",
    ],
)
def test_lead_lists_are_bounded_by_an_index(db: Database, clock: FakeClock, name: str) -> None:
    statement, index = lead_queries(clock)[name]
    plan = plan_of(db, statement)
    assert index in plan, plan
    if db.dialect == "postgresql":
        assert "Seq Scan" not in plan, plan
    else:
        assert "SCAN leads\n" not in plan + "\n" and not plan.rstrip().endswith("SCAN leads"), plan
        assert "SCAN leads USING INDEX ix_leads_company_key" not in plan, plan
