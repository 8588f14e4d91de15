"""/lead-status at scale: the team summary and single-lead lookups with a million leads.

The leads are bulk-loaded (executemany on SQLite, COPY on PostgreSQL), spread over half
a year the way a busy team's history would be: most of them closed, the newest still
open, about 39,000 in the summary's 7-day window. Each question is a signed slash command
through the app's real request handling (Flask, Bolt, the listener, the reports, the
rendering); the answer is the acknowledgement itself.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.harness import Row, median, ms, percentile, scenario
from bench.support import migrated_database, scratch_dir
from bot.core.policy import parse_policy
from bot.core.settings import Settings
from bot.runtime import build_runtime
from bot.slack_app import create_bolt_app
from bot.slack_standin import requests as signing
from bot.store import people
from bot.store.engine import make_engine
from bot.web import create_web_app
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET

SUMMARY_P99_TARGET = 0.200
LOOKUP_P99_TARGET = 0.020
HISTORY = timedelta(days=180)
REASONS = ("no_budget", "no_need", "bad_timing", "competitor", "not_target", "other")
LEAD_COLUMNS = (
    "id",
    "source",
    "external_id",
    "name",
    "email",
    "company",
    "company_key",
    "title",
    "score",
    "segment",
    "extras",
    "route",
    "status",
    "owner_id",
    "handed_off_by",
    "created_at",
    "claim_due_at",
    "claimed_at",
    "first_touch_due_at",
    "first_touch_at",
    "sla_round",
    "outcome_at",
    "disqualify_reason",
)
EVENT_COLUMNS = ("id", "lead_id", "kind", "actor", "at", "detail")


def lead_rows(count: int, now: datetime, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    start = now - HISTORY
    step = HISTORY / count
    for i in range(1, count + 1):
        created = start + step * i
        age = now - created
        enterprise = i % 5 == 0
        claim_due = created + timedelta(minutes=15 if enterprise else 30)
        status, owner, claimed, touch_due, touched, outcome_at, reason = (
            "unclaimed",
            None,
            None,
            None,
            None,
            None,
            None,
        )
        roll = rng.random()
        if age > timedelta(days=2) or roll > 0.3:
            owner = f"U0REP{i % 40:02d}"
            claimed = created + timedelta(minutes=rng.randint(1, 50))
            touch_due = claimed + timedelta(hours=2 if enterprise else 24)
            status = "claimed"
            if age > timedelta(days=2) or roll > 0.6:
                touched = claimed + timedelta(minutes=rng.randint(5, 30 * 60))
                status = "contacted"
            if age > timedelta(days=7):
                status = rng.choice(
                    ("contacted", "meeting_booked", "opportunity", "disqualified", "disqualified")
                )
                if status != "contacted":
                    outcome_at = (touched or claimed) + timedelta(days=rng.randint(1, 5))
                if status == "disqualified":
                    reason = rng.choice(REASONS)
        company = f"Company {i % 50_000}"
        yield (
            i,
            "bench",
            f"crm-{i}",
            f"Lead {i}",
            f"lead{i}@example.com",
            company,
            company.casefold(),
            "Head of IT",
            float(i % 100),
            "enterprise" if enterprise else "smb",
            "{}",
            "enterprise" if enterprise else "default",
            status,
            owner,
            "intake",
            created,
            claim_due,
            claimed,
            touch_due,
            touched,
            1 if claimed is None else 2,
            outcome_at,
            reason,
        )


def event_rows(leads: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """A hand-off event for every lead and a claim event for every claimed one."""
    event_id = 0
    for lead in leads:
        lead_id, created, claimed, owner = lead[0], lead[15], lead[17], lead[13]
        event_id += 1
        yield (event_id, lead_id, "handed_off", "intake", created, '{"route": "default"}')
        if claimed is not None:
            event_id += 1
            yield (event_id, lead_id, "claimed", owner, claimed, "{}")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # what SQLAlchemy's DateTime stores on SQLite
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def load_sqlite(path: Path, count: int, now: datetime) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")  # a bulk load, not the app's own writes
        for table, columns, rows in (
            ("leads", LEAD_COLUMNS, lead_rows(count, now)),
            ("lead_events", EVENT_COLUMNS, event_rows(lead_rows(count, now))),
        ):
            marks = ", ".join("?" * len(columns))
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                (tuple(_sqlite_value(v) for v in row) for row in rows),
            )
            conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def load_postgres(url: str, count: int, now: datetime) -> None:
    engine = make_engine(url)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for table, columns, rows in (
                ("leads", LEAD_COLUMNS, lead_rows(count, now)),
                ("lead_events", EVENT_COLUMNS, event_rows(lead_rows(count, now))),
            ):
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
        with engine.begin() as conn:
            for table in ("leads", "lead_events"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # autovacuum would analyze tables this size soon after such a load
            conn.execute(text("ANALYZE leads"))
            conn.execute(text("ANALYZE lead_events"))
    finally:
        engine.dispose()


@scenario("lead_status", "/lead-status summary and lookups with 1,000,000 leads (quick: 20,000)")
def run(quick: bool) -> list[Row]:
    count = 20_000 if quick else 1_000_000
    asks = 60 if quick else 300
    rows = []
    for kind in ("sqlite", "postgresql"):
        with (
            scratch_dir() as workdir,
            SlackStandIn() as standin,
            migrated_database(kind, workdir) as url,
        ):
            now = datetime.now(UTC)
            began = time.perf_counter()
            if kind == "sqlite":
                database = make_url(url).database
                assert database is not None
                load_sqlite(Path(database), count, now)
            else:
                load_postgres(url, count, now)
            load_seconds = time.perf_counter() - began
            rows += _ask(url, standin, kind, count, asks, load_seconds)
    return rows


def _ask(
    url: str, standin: SlackStandIn, kind: str, count: int, asks: int, load_seconds: float
) -> list[Row]:
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.url,
        database_url=url,
    )
    runtime = build_runtime(settings, policy=parse_policy(STANDARD))
    with runtime.db.transaction() as session:
        # Slack has already said the marketer is a member (users.info, drained in the
        # background after their first request): under `contact_details: members` a
        # reader it has not yet confirmed sees no contacts, so a lookup by email finds none
        people.remember(session, "U0MKT1", None, runtime.clock(), guest=False)
    http = create_web_app(runtime, create_bolt_app(runtime)).test_client()
    rng = random.Random(11)

    def ask(query: str) -> tuple[float, str]:
        body = signing.slash_command_body("/lead-status", query, user="U0MKT1")
        headers = signing.signed_headers(SIGNING_SECRET, body)
        began = time.perf_counter()
        answer = http.post("/slack/events", data=body.encode(), headers=headers)
        seconds = time.perf_counter() - began
        if answer.status_code != 200:
            raise RuntimeError(f"/lead-status {query!r} answered {answer.status_code}")
        return seconds, answer.get_data(as_text=True)

    summary: list[float] = []
    lookup: list[float] = []
    try:
        for _ in range(3):  # warm the connection pool and the statement cache
            ask("")
            ask(f"#{rng.randint(1, count)}")
        for n in range(asks):
            seconds, _text = ask("")
            summary.append(seconds)
            lead_id = rng.randint(1, count)
            query = f"#{lead_id}" if n % 2 else f"lead{lead_id}@example.com"
            seconds, answer = ask(query)
            if f"Lead {lead_id}" not in answer:
                raise RuntimeError(f"/lead-status {query} did not show lead {lead_id}")
            lookup.append(seconds)
    finally:
        runtime.close()
    detail = {
        "leads": count,
        "database": kind,
        "load_seconds": round(load_seconds, 1),
        "summary_p50_ms": round(median(summary) * 1000, 3),
        "summary_p99_ms": round(percentile(summary, 99) * 1000, 3),
        "lookup_p50_ms": round(median(lookup) * 1000, 3),
        "lookup_p99_ms": round(percentile(lookup, 99) * 1000, 3),
        "asks": asks,
    }
    size = f"{count:,} leads"
    return [
        Row(
            f"/lead-status summary, {size}, {kind}",
            f"p99 {ms(percentile(summary, 99))}",
            "—",
            "—",
            "p99 ≤ 200 ms",
            percentile(summary, 99) <= SUMMARY_P99_TARGET,
            detail,
        ),
        Row(
            f"/lead-status lookup, {size}, {kind}",
            f"p99 {ms(percentile(lookup, 99))}",
            "—",
            "—",
            "p99 ≤ 20 ms",
            percentile(lookup, 99) <= LOOKUP_P99_TARGET,
            detail,
        ),
    ]
