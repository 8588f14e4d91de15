"""`baton report` as an operator runs it: a real process over a real database file."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from bot.core.policy import parse_policy
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.store import schema
from bot.store.database import Database
from bot.store.engine import make_engine
from tests.e2e.test_cli import baton
from tests.support.policies import STANDARD


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A database with five leads handed off just now: three from the autumn webinar
    (one won for ¥1,200,000, one disqualified for no budget), two from the expo (one
    an opportunity)."""
    db, env = database(tmp_path, STANDARD)
    leads = LeadService(db, parse_policy(STANDARD))
    ids = [
        leads.hand_off(LeadInput(source=src, email=f"{n}@example.com", campaign=c)).lead.id
        for n, (src, c) in enumerate([("web", "秋ウェビナー")] * 3 + [("expo", "Expo 2026")] * 2)
    ]
    for lead_id in (ids[0], ids[1], ids[3]):
        leads.claim(lead_id, "U0REP1")
    leads.set_outcome(ids[0], "U0REP1", "won", amount=Decimal("1200000"))
    leads.set_outcome(ids[1], "U0REP1", "disqualified", reason="no_budget")
    leads.set_outcome(ids[3], "U0REP1", "opportunity")
    db.dispose()
    return env


def database(tmp_path: Path, policy: str) -> tuple[Database, dict[str, str]]:
    """A new database file and `policy` in `tmp_path`, and the environment naming them."""
    url = f"sqlite:///{tmp_path / 'baton.db'}"
    policy_file = tmp_path / "baton.yml"
    policy_file.write_text(policy, encoding="utf-8")
    engine = make_engine(url)
    schema.ensure_schema(engine)
    engine.dispose()
    return Database(url), {"DATABASE_URL": url, "BATON_CONFIG": str(policy_file)}


def test_csv_for_excel_has_the_right_numbers(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    result = baton("report", "--format", "csv", "--output", str(out), env=env)
    assert result.returncode == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel in Japan needs
    rows = {r["group"]: r for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}
    autumn, expo = rows["秋ウェビナー"], rows["Expo 2026"]
    assert (autumn["handed_off"], autumn["opportunities"], autumn["opportunity_rate_pct"]) == (
        "3",
        "1",
        "33",
    )
    assert (autumn["won"], autumn["won_amount"], autumn["currency"]) == ("1", "1200000", "JPY")
    assert (autumn["disqualified"], autumn["top_disqualify_reason"]) == ("1", "no_budget")
    assert autumn["claimed_in_sla_pct"] == "100"  # two claimed at once, one still in time
    assert (expo["handed_off"], expo["opportunities"], expo["opportunity_rate_pct"]) == (
        "2",
        "1",
        "50",
    )
    assert list(rows) == ["秋ウェビナー", "Expo 2026"]  # most handed off first


def test_json_by_source_and_a_chart(env: dict[str, str], tmp_path: Path) -> None:
    chart = tmp_path / "funnel.png"
    result = baton("report", "--by", "source", "--format", "json", "--chart", str(chart), env=env)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["by"] == "source"
    assert {r["group"]: r["handed_off"] for r in document["rows"]} == {"web": 3, "expo": 2}
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_a_table_for_the_terminal(env: dict[str, str]) -> None:
    result = baton("report", "--from", "2020-01-01", "--to", "2099-12-31", env=env)
    assert result.returncode == 0, result.stderr
    header, autumn, _expo = result.stdout.splitlines()
    assert header.split()[:3] == ["group", "handed", "off"]
    assert autumn.split()[:2] == ["秋ウェビナー", "3"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--since", "fortnight"), "'fortnight' is not a period"),
        (("--from", "2026-12-01"), "give both --from and --to"),
        (("--from", "2026-12-05", "--to", "2026-12-01"), "--to is before --from"),
        (("--from", "tomorrow", "--to", "2026-12-01"), "is not a date like 2026-12-03"),
        (("--by", "weekday"), "invalid choice: 'weekday'"),
    ],
)
def test_bad_arguments_say_what_to_do(
    env: dict[str, str], args: tuple[str, ...], says: str
) -> None:
    result = baton("report", *args, env=env)
    assert result.returncode == 2 and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


OFFERED = """
timezone: Asia/Tokyo
roles: {managers: [U0MANAGER1], reps: [U0REP1, U0REP2]}
routes:
  - name: inbound
    channel: C0SALES
    calendar: always
    claim_within: 30m
    first_touch_within: 2h
    escalate: [{after: 0m, notify: [managers]}]
    assign: {mode: offer, pool: [reps], strategy: strict, accept_within: 1d}
"""


def test_csv_by_rep_says_how_each_reps_offers_went(tmp_path: Path) -> None:
    """Two leads offered in turn: U0REP1 passes the first (too busy) and U0REP2 accepts
    it; U0REP2 passes the second (territory) and U0REP1 accepts it."""
    db, env = database(tmp_path, OFFERED)
    leads = LeadService(db, parse_policy(OFFERED))
    first, second = (
        leads.hand_off(LeadInput(source="web", email=f"{n}@example.com")).lead.id for n in (1, 2)
    )
    leads.pass_offer(first, "U0REP1", reason="busy")
    leads.accept_offer(first, "U0REP2")
    leads.pass_offer(second, "U0REP2", reason="territory")
    leads.accept_offer(second, "U0REP1")
    db.dispose()
    result = baton("report", "--by", "rep", "--format", "csv", env=env)
    assert result.returncode == 0, result.stderr
    rows = {r["group"]: r for r in csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff")))}
    assert set(rows) == {"U0REP1", "U0REP2"}
    offers = ("handed_off", "offers", "accepted", "passed", "top_pass_reason")
    assert [rows["U0REP1"][k] for k in offers] == ["1", "2", "1", "1", "busy"]
    assert [rows["U0REP2"][k] for k in offers] == ["1", "2", "1", "1", "territory"]
    for row in rows.values():  # accepted moments after the offer
        assert 0 <= int(row["median_accept_seconds"]) < 60
