"""Two real `baton serve` processes on one database, handing off at once into one round
robin pool: every lead has exactly one owner (or, past the caps, none and waits in the
channel for Claim), the reps' counts stay within one of each other, and `max_per_day`
holds exactly. On PostgreSQL and on SQLite (two processes on one file).

The hand-offs are signed `POST /leads` from client threads split between the two
processes; each answer comes after its commit, so once every request is answered the
database holds the outcome and nothing is waited for but the answers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store.assignment_models import Assignment
from bot.store.database import Database
from bot.store.models import Lead
from tests.support.intake import INTAKE_SECRET, signed
from tests.support.processes import Baton, request
from tests.support.slack_api import SlackStandIn

REPS = ["U0REP1", "U0REP2", "U0REP3"]
PER_DAY = 6  # each rep's cap: 18 leads a day for the pool
CLIENTS = 8  # client threads, half of them on each process


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is about noon now, so a day's count (`max_per_day`)
    cannot straddle midnight while the test runs."""
    offset = 12 - now.hour  # -11 … 12 hours from UTC
    return f"Etc/GMT{-offset:+d}"  # the Etc zones' sign is the other way round


def policy(strategy: str) -> str:
    return f"""
timezone: {midday_zone(datetime.now(UTC))}
roles: {{managers: [U0MANAGER1], reps: [{", ".join(REPS)}]}}
routes:
  - name: inbound
    channel: C0SALES
    calendar: always
    claim_within: 30m
    first_touch_within: 1d
    escalate: [{{after: 0m, notify: [managers]}}]
    assign: {{mode: round_robin, pool: [reps], strategy: {strategy}, max_per_day: {PER_DAY}}}
"""


@pytest.fixture(params=["balanced", "strict"])
def strategy(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def servers(
    database_url: str, slack_api: SlackStandIn, tmp_path: Path, strategy: str
) -> Iterator[list[Baton]]:
    (tmp_path / "baton.yml").write_text(policy(strategy), encoding="utf-8")
    started = [
        Baton(
            "serve",
            database_url=database_url,
            slack_api=slack_api,
            workdir=tmp_path,
            BATON_INTAKE_SECRET=INTAKE_SECRET,
        )
        for _ in range(2)
    ]
    try:
        for baton in started:
            baton.start()
        yield started
        for baton in started:
            assert "Traceback" not in baton.log(), baton.log()[-3000:]
    finally:
        for baton in started:
            baton.stop()


def hand_off_at_once(servers: list[Baton], numbers: range) -> list[int]:
    """Hand off one lead per number, from CLIENTS threads split between the servers; the
    new leads' ids."""

    def post(n: int) -> tuple[int, dict[str, object]]:
        body = json.dumps({"source": "web", "external_id": f"L{n}", "name": f"Lead {n}"}).encode()
        headers = {"Content-Type": "application/json"} | signed(body)
        status, raw = request(f"{servers[n % 2].url}/leads", data=body, headers=headers, timeout=60)
        return status, json.loads(raw)

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(post, numbers))
    assert [status for status, _ in answers] == [201] * len(answers), answers
    return [int(str(body["id"])) for _, body in answers]


def owners_and_assignments(database_url: str) -> tuple[dict[int, str | None], list[Assignment]]:
    db = Database(database_url)
    try:
        with db.read() as session:
            owners = {
                lead: owner for lead, owner in session.execute(select(Lead.id, Lead.owner_id))
            }
            assigned = list(session.scalars(select(Assignment).order_by(Assignment.id)))
    finally:
        db.dispose()
    return owners, assigned


def check_one_owner_each(owners: dict[int, str | None], assigned: list[Assignment]) -> None:
    """Each owned lead has exactly one assignment, to its owner; an unowned one none."""
    by_lead = Counter(a.lead_id for a in assigned)
    assert all(n == 1 for n in by_lead.values()), by_lead
    assert {a.lead_id: a.user_id for a in assigned} == {
        lead: owner for lead, owner in owners.items() if owner is not None
    }
    assert {a.kind for a in assigned} <= {"assigned"}


def test_two_processes_share_one_pool_fairly_and_hold_the_cap(
    servers: list[Baton], database_url: str, strategy: str
) -> None:
    below_cap = 3 * PER_DAY - 4  # 14: nobody reaches the cap yet
    first = hand_off_at_once(servers, range(below_cap))
    owners, assigned = owners_and_assignments(database_url)
    assert sorted(owners) == sorted(first)
    check_one_owner_each(owners, assigned)
    counts = Counter(owners.values())
    assert set(counts) == set(REPS), counts  # owned from the hand-off, by the pool
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    if strategy == "strict":  # in the pool's order, no turn skipped or taken twice
        assert [a.user_id for a in assigned] == [REPS[i % 3] for i in range(below_cap)]

    second = hand_off_at_once(servers, range(below_cap, below_cap + 10))  # 6 past the cap
    owners, assigned = owners_and_assignments(database_url)
    assert sorted(owners) == sorted(first + second)
    check_one_owner_each(owners, assigned)
    counts = Counter(owners.values())
    assert counts == {**dict.fromkeys(REPS, PER_DAY), None: below_cap + 10 - 3 * PER_DAY}
    if strategy == "strict":
        assert [a.user_id for a in assigned] == [REPS[i % 3] for i in range(3 * PER_DAY)]
