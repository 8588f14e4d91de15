"""Assignment: choosing the next rep of a big pool, and round robin hand-offs from two
processes at once.

- A choice (a `Turn` of bot/leads/turn.py, as an offer makes it) for a balanced pool of
  500 reps with `max_open` and `max_per_day`, over a few thousand earlier assignments,
  each in a transaction of its own, on SQLite and PostgreSQL. Floor: the same transaction doing only the lock of the
  route's turn row, which any choice must take first (it is what serializes choices
  across processes). The two take turns in blocks.
- 200 hand-offs at once into a balanced round robin pool of 5 available reps, through
  two `baton serve --web-only` processes on PostgreSQL (half of the connections on
  each), against the same burst into a route left to Claim on the same servers. Every
  burst must give each rep a count within one of the others' (the run fails loudly
  otherwise); the pool's rate must stay within 20 % of the claim route's. The CPU each
  costs a lead (the two servers', PostgreSQL's, from /proc) is in the row's detail, with
  the claim route's share of the pool's (`cpu_share`): where the bursts keep the
  machine's cores busy, the rates' ratio follows it. So is each round's ratio of its two
  back-to-back bursts (`round_shares`), which shows how far a run's ratio moved with
  the shared machine's speed.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from bench.harness import Row, median, ms, percentile, scenario
from bench.support import (
    INTAKE_SECRET,
    Answer,
    Connection,
    Request,
    baton_serve,
    cpu_spent,
    migrated_database,
    postgres_cpu_seconds,
    scratch_dir,
)
from bot.core.clock import utcnow
from bot.core.policy import parse_policy
from bot.intake.auth import signed_headers
from bot.leads.turn import Turn, lock_turn
from bot.store.assignment_models import ASSIGNMENTS_TABLE, Assignment
from bot.store.database import Database
from bot.store.models import LEADS_TABLE, Lead
from tests.support.policies import pooled_and_claimed
from tests.support.slack_api import SlackStandIn

CHOOSE_P99_TARGET = 0.005
RATE_SHARE_TARGET = 0.8  # the pool's hand-off rate, of the claim route's
BLOCK = 25
POOL_SIZE = 500
MAX_OPEN = 20
MAX_PER_DAY = 8
BURST = 200
BURST_REPS = [f"U0POOL{i}" for i in range(5)]


def pool_policy(reps: list[str], assign: str) -> str:
    """A route `pooled` whose leads are assigned, and a route `claimed` left to Claim."""
    return pooled_and_claimed(assign, roles=f"managers: [U0MANAGER1], reps: [{', '.join(reps)}]")


@scenario("assignment", "choosing a rep of 500, and round robin hand-offs from two processes")
def run(quick: bool) -> list[Row]:
    rows = [_choose_row(kind, quick) for kind in ("sqlite", "postgresql")]
    rows.append(_burst_row(quick))
    return rows


# --- choosing the next rep of 500 ---------------------------------------------------------


def _choose_row(kind: str, quick: bool) -> Row:
    samples, warmup, history = (300, 50, 3000) if quick else (2000, 100, 5000)
    reps = [f"U0R{i:03d}" for i in range(POOL_SIZE)]
    assign = (
        "{mode: round_robin, pool: [reps], strategy: balanced, window: 7d, "
        f"max_open: {MAX_OPEN}, max_per_day: {MAX_PER_DAY}}}"
    )
    policy = parse_policy(pool_policy(reps, assign))
    route = policy.route_named("pooled")
    assert route is not None
    with scratch_dir() as workdir, migrated_database(kind, workdir) as url:
        db = Database(url)
        try:
            capped = _load_history(db, kind, reps, history, utcnow())

            # Each timed inside its transaction: the choice a hand-off makes, not the
            # transaction's begin and commit, which the hand-off pays anyway (its
            # connection is checked out and its BEGIN sent before the clock starts).
            picked: list[str | None] = []

            def chosen() -> float:
                with db.transaction() as session:
                    session.connection()
                    began = time.perf_counter()
                    turn = Turn(session, policy, route, utcnow())  # as an offer chooses
                    picked.append(turn.next().user)
                    turn.save()
                    return time.perf_counter() - began

            def turn_only() -> float:
                with db.transaction() as session:
                    session.connection()
                    began = time.perf_counter()
                    lock_turn(session, "pooled", utcnow())
                    return time.perf_counter() - began

            chosen()
            if picked[0] is None or picked[0] in capped:
                raise RuntimeError(f"choose gave {picked[0]!r}: none, or a rep at a cap")
            ours: list[float] = []
            floor: list[float] = []
            for block, start in enumerate(range(0, samples + warmup, BLOCK)):
                pair = [(chosen, ours), (turn_only, floor)]
                for work, into in pair if block % 2 == 0 else pair[::-1]:
                    for i in range(start, min(start + BLOCK, samples + warmup)):
                        took = work()
                        if i >= warmup:
                            into.append(took)
            with db.read() as session:
                stored = session.scalar(select(func.count()).select_from(Assignment))
        finally:
            db.dispose()
    p99, floor_p99 = percentile(ours, 99), percentile(floor, 99)
    return Row(
        f"choose the next rep of {POOL_SIZE} (balanced, caps), {kind} (p99)",
        ms(p99),
        f"{ms(floor_p99)} turn row locked alone",
        f"{p99 / floor_p99:.1f}×",
        "p99 ≤ 5 ms",
        p99 <= CHOOSE_P99_TARGET,
        {
            "database": kind,
            "samples": len(ours),
            "reps": POOL_SIZE,
            "assignments": stored,
            "reps_at_a_cap": len(capped),
            "p50_ms": round(median(ours) * 1000, 3),
            "p99_ms": round(p99 * 1000, 3),
            "floor_p50_ms": round(median(floor) * 1000, 3),
            "floor_p99_ms": round(floor_p99 * 1000, 3),
        },
    )


def _load_history(db: Database, kind: str, reps: list[str], count: int, now: datetime) -> set[str]:
    """`count` leads of the pooled route given to random reps over the last 7 days (the
    last day's still open), then 20 reps at `max_open` and 20 at `max_per_day`; the
    capped reps."""
    rng = random.Random(18)
    given: list[tuple[str, datetime, str]] = []
    for _ in range(count):
        at = now - timedelta(seconds=rng.uniform(60, 7 * 86400))
        status = "claimed" if now - at < timedelta(days=1) else rng.choice(["won", "disqualified"])
        given.append((rng.choice(reps), at, status))
    at_max_open, at_max_per_day = reps[:20], reps[20:40]
    # Open for weeks (outside the window, before today): counts only against max_open.
    given += [(u, now - timedelta(days=8), "claimed") for u in at_max_open for _ in range(MAX_OPEN)]
    given += [
        (u, now - timedelta(minutes=1 + n), "won")
        for u in at_max_per_day
        for n in range(MAX_PER_DAY)
    ]
    leads = [
        {
            "id": i + 1,
            "source": "bench",
            "external_id": f"H{i}",
            "name": f"Lead {i}",
            "route": "pooled",
            "status": status,
            "owner_id": user,
            "handed_off_by": "bench",
            "created_at": at,
            "claimed_at": at,
            "sla_round": 0,
            "extras": {},
        }
        for i, (user, at, status) in enumerate(given)
    ]
    assignments = [
        {
            "lead_id": i + 1,
            "route": "pooled",
            "user_id": user,
            "kind": "assigned",
            "number": 1,
            "at": at,
        }
        for i, (user, at, _status) in enumerate(given)
    ]
    with db.transaction() as session:
        session.execute(insert(LEADS_TABLE), leads)
        session.execute(insert(ASSIGNMENTS_TABLE), assignments)
    if kind == "postgresql":  # statistics, as autovacuum would gather after such a load
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    return set(at_max_open + at_max_per_day)


# --- 200 hand-offs at once, two processes ---------------------------------------------------


def _lead(n: int, segment: str, run: str) -> bytes:
    body = json.dumps(
        {
            "source": "bench",
            "external_id": f"{run}-{segment}-{n}",
            "name": f"Lead {n}",
            "email": f"lead{n}@example.co.jp",
            "segment": segment,
        }
    ).encode()
    headers = {"Content-Type": "application/json", "Connection": "close"}
    headers |= signed_headers(INTAKE_SECRET, body, int(time.time()))
    return Request("POST", "/leads", body, headers).encode()


async def _burst(ports: list[int], raws: list[bytes]) -> tuple[list[Answer], float]:
    """One connection per request, alternating between the servers; every request
    written at once. The answers, and the time from the first write to the last answer.

    Each connection closes once answered, as separate senders' would: waitress accepts
    about 100 connections a server, and one held open after its answer would keep a
    later one of the burst waiting in the backlog for waitress's idle timeout."""
    conns = [await Connection.open(ports[i % len(ports)]) for i in range(len(raws))]

    async def one(conn: Connection, raw: bytes) -> Answer:
        began = time.perf_counter()
        conn.writer.write(raw)
        try:
            return await conn.read(began)
        finally:
            await conn.close()

    began = time.perf_counter()
    answers = await asyncio.gather(*(one(c, r) for c, r in zip(conns, raws, strict=True)))
    return list(answers), time.perf_counter() - began


def _burst_row(quick: bool) -> Row:
    rounds = 1 if quick else 5
    policy = pool_policy(BURST_REPS, f"{{mode: round_robin, pool: [{', '.join(BURST_REPS)}]}}")
    run_id = f"bench{int(time.time())}"
    walls: dict[str, list[float]] = {"pooled": [], "claimed": []}
    seconds: dict[str, list[float]] = {"pooled": [], "claimed": []}
    # CPU seconds each burst cost the two servers and PostgreSQL: on a machine the bursts
    # keep busy, the rates' ratio follows the ratio of CPU spent a lead
    cpu: dict[str, list[tuple[float, float]]] = {"pooled": [], "claimed": []}
    numbers = iter(range(10**9))
    with (
        scratch_dir() as workdir,
        SlackStandIn() as standin,
        migrated_database("postgresql", workdir) as url,
        baton_serve(url, standin, workdir, args=["--web-only"], policy=policy) as one,
        baton_serve(url, standin, workdir, args=["--web-only"], policy=policy) as two,
    ):
        ports = [one.port, two.port]
        db = Database(url)
        try:
            for segment in ("pooled", "claimed"):  # warm both servers' pools and paths
                _checked_burst(ports, [_lead(next(numbers), segment, run_id) for _ in range(40)])
            counts = _check_balanced(db)
            for n in range(rounds):
                order = ("pooled", "claimed") if n % 2 == 0 else ("claimed", "pooled")
                for segment in order:
                    raws = [_lead(next(numbers), segment, run_id) for _ in range(BURST)]
                    servers, database = (
                        one.cpu_seconds() + two.cpu_seconds(),
                        postgres_cpu_seconds(),
                    )
                    answers, wall = _checked_burst(ports, raws)
                    cpu[segment].append(
                        (
                            one.cpu_seconds() + two.cpu_seconds() - servers,
                            cpu_spent(database, postgres_cpu_seconds()),
                        )
                    )
                    walls[segment].append(wall)
                    seconds[segment] += [a.seconds for a in answers]
                    if segment == "pooled":
                        counts = _check_balanced(db)
        finally:
            db.dispose()
    rate = {k: BURST * len(v) / sum(v) for k, v in walls.items()}
    share = rate["pooled"] / rate["claimed"]
    # Each round's two bursts ran back to back: their ratio shows how much of a run's
    # result is the machine's speed drifting between rounds rather than the routes.
    round_shares = [c / p for p, c in zip(walls["pooled"], walls["claimed"], strict=True)]
    per_lead = {  # ms of CPU a lead: the servers', PostgreSQL's
        k: [round(sum(part) / (BURST * len(v)) * 1000, 3) for part in zip(*v, strict=True)]
        for k, v in cpu.items()
    }
    return Row(
        f"{BURST} hand-offs at once into a round robin pool of 5, 2 processes, postgresql",
        f"{rate['pooled']:.0f} leads/s, p99 {ms(percentile(seconds['pooled'], 99))}; "
        f"spread {min(counts.values())}–{max(counts.values())}",
        f"{rate['claimed']:.0f} leads/s, p99 {ms(percentile(seconds['claimed'], 99))} claim route",
        f"{share:.2f} of claim",
        "counts within 1; ≥ 0.8 of the claim route's rate",
        share >= RATE_SHARE_TARGET,
        {
            "database": "postgresql",
            "processes": 2,
            "burst": BURST,
            "rounds": rounds,
            "counts": dict(counts),
            "pooled_per_s": round(rate["pooled"], 1),
            "claimed_per_s": round(rate["claimed"], 1),
            "pooled_p50_ms": round(median(seconds["pooled"]) * 1000, 3),
            "pooled_p99_ms": round(percentile(seconds["pooled"], 99) * 1000, 3),
            "claimed_p50_ms": round(median(seconds["claimed"]) * 1000, 3),
            "claimed_p99_ms": round(percentile(seconds["claimed"], 99) * 1000, 3),
            "pooled_cpu_ms_a_lead": per_lead["pooled"],  # [servers, postgresql]
            "claimed_cpu_ms_a_lead": per_lead["claimed"],
            "cpu_share": round(sum(per_lead["claimed"]) / sum(per_lead["pooled"]), 2),
            "round_shares": [round(r, 2) for r in round_shares],
            "round_share_median": round(median(round_shares), 2),
        },
    )


def _checked_burst(ports: list[int], raws: list[bytes]) -> tuple[list[Answer], float]:
    answers, wall = asyncio.run(_burst(ports, raws))
    refused = Counter(a.status for a in answers if a.status != 201)
    if refused:
        raise RuntimeError(f"hand-offs not answered 201: {dict(refused)}")
    return answers, wall


def _check_balanced(db: Database) -> Counter[str]:
    """Each pooled lead owned, by one assignment, and every rep within one of the others."""
    with db.read() as session:
        owners = Counter(session.scalars(select(Lead.owner_id).where(Lead.route == "pooled")).all())
        per_lead = session.execute(
            select(Assignment.lead_id, func.count()).group_by(Assignment.lead_id)
        ).all()
    if None in owners or any(n != 1 for _lead_id, n in per_lead):
        raise RuntimeError(f"a pooled lead has no owner or several assignments: {owners}")
    counts: Counter[str] = Counter({rep: owners.get(rep, 0) for rep in BURST_REPS})
    if max(counts.values()) - min(counts.values()) > 1:
        raise RuntimeError(f"UNBALANCED: the pool's counts differ by more than one: {counts}")
    return counts
