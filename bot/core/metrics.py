"""Prometheus metrics, served at GET /metrics.

Counters and histograms live in the process (prometheus-client's default registry).
Lead lifecycle metrics are taken from the timeline events a transaction commits, so
every path that changes a lead (Slack, intake, CLI) is counted once and only when it
really happened. Outbox backlog, age and dead letters are read from the database at
scrape time, so every process reports the same truth.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from bot.store.database import Database
from bot.store.models import Lead, LeadEvent, LeadStatus, OutboxMessage

disable_created_metrics()  # the *_created series only add noise to every scrape
_MINUTES = (30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800)

LEADS_HANDED_OFF = Counter("baton_leads_handed_off", "Leads handed off to sales.", ["route"])
CLAIMS = Counter("baton_claims", "Leads claimed by a rep.", ["route"])
TIME_TO_CLAIM = Histogram(
    "baton_time_to_claim_seconds", "From hand-off to claim.", ["route"], buckets=_MINUTES
)
TIME_TO_FIRST_TOUCH = Histogram(
    "baton_time_to_first_touch_seconds",
    "From claim to the first touch logged.",
    ["route"],
    buckets=_MINUTES,
)
SLA_BREACHES = Counter(
    "baton_sla_breaches", "SLA clocks met after their deadline.", ["route", "clock"]
)
ESCALATIONS_SENT = Counter(
    "baton_escalations_sent", "Escalation levels (and nudges, level 0) delivered.", ["level"]
)
ACK_LATENCY = Histogram(
    "baton_ack_latency_seconds",
    "Time to answer a request from Slack.",
    ["kind"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
)
SLACK_CALLS = Counter(
    "baton_slack_calls", "Slack Web API calls by method and result.", ["method", "result"]
)
SLACK_CALL_SECONDS = Histogram(
    "baton_slack_call_seconds",
    "Slack Web API call duration.",
    ["method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
OUTBOX_SENT = Counter("baton_outbox_sent", "Outbox messages delivered.", ["kind", "via"])
OUTBOX_RETRIES = Counter(
    "baton_outbox_retries", "Outbox sends put off to retry later.", ["kind", "reason"]
)
OUTBOX_DEAD = Counter(
    "baton_outbox_dead_letters", "Outbox messages that became dead letters.", ["kind", "error"]
)
HTTP_REQUESTS = Counter("baton_http_requests", "HTTP requests answered.", ["path", "status"])


# --- lead lifecycle, from committed timeline events ---------------------------------

_PENDING = "baton.metrics.events"
_installed = threading.Lock()
_installed_flag = {"done": False}


def install() -> None:
    """Count lifecycle metrics from every session's commits (once per process)."""
    with _installed:
        if _installed_flag["done"]:
            return
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "after_commit", _emit)
        event.listen(Session, "after_rollback", _forget)
        _installed_flag["done"] = True


def _collect(session: Session, _context: Any) -> None:
    new = [obj for obj in session.new if isinstance(obj, LeadEvent)]
    if new:
        session.info.setdefault(_PENDING, []).extend(new)


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _emit(session: Session) -> None:
    for ev in session.info.pop(_PENDING, []):
        lead = session.identity_map.get(identity_key(Lead, ev.lead_id))
        route = lead.route if lead is not None else "unknown"
        observe_event(ev.kind, route, ev.detail or {}, lead)


def observe_event(kind: str, route: str, detail: dict[str, Any], lead: Lead | None) -> None:
    if kind == "handed_off":
        LEADS_HANDED_OFF.labels(route).inc()
    elif kind == "claimed":
        CLAIMS.labels(route).inc()
        if lead is not None and lead.claimed_at and lead.created_at:
            TIME_TO_CLAIM.labels(route).observe(_seconds(lead.created_at, lead.claimed_at))
        if detail.get("late"):
            SLA_BREACHES.labels(route, "claim").inc()
    elif kind == "first_touch":
        if lead is not None and lead.first_touch_at and lead.claimed_at:
            TIME_TO_FIRST_TOUCH.labels(route).observe(
                _seconds(lead.claimed_at, lead.first_touch_at)
            )
        if detail.get("late"):
            SLA_BREACHES.labels(route, "first_touch").inc()


def _seconds(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds(), 0.0)


# --- read from the database at scrape time ---------------------------------------------


class DatabaseCollector(Collector):
    """Outbox backlog, age and dead letters, and overdue leads, queried when scraped."""

    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        self.db = db
        self.now = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self.now()
        backlog = GaugeMetricFamily(
            "baton_outbox_backlog", "Outbox messages waiting to be delivered.", labels=["kind"]
        )
        age = GaugeMetricFamily(
            "baton_outbox_oldest_age_seconds", "Age of the oldest undelivered outbox message."
        )
        dead = GaugeMetricFamily(
            "baton_outbox_dead", "Dead letters waiting for `baton retry-failed`.", labels=["kind"]
        )
        overdue = GaugeMetricFamily(
            "baton_leads_overdue", "Open leads past an SLA deadline now.", labels=["clock"]
        )
        up = GaugeMetricFamily("baton_database_up", "Whether the database answered the scrape.")
        try:
            with self.db.read() as session:
                pending = (OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
                for kind, count in session.execute(
                    select(OutboxMessage.kind, func.count()).where(*pending).group_by("kind")
                ):
                    backlog.add_metric([kind], count)
                oldest = session.scalar(select(func.min(OutboxMessage.created_at)).where(*pending))
                for kind, count in session.execute(
                    select(OutboxMessage.kind, func.count())
                    .where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_not(None))
                    .group_by("kind")
                ):
                    dead.add_metric([kind], count)
                unclaimed = session.scalar(
                    select(func.count()).where(
                        Lead.status == LeadStatus.UNCLAIMED, Lead.claim_due_at < now
                    )
                )
                untouched = session.scalar(
                    select(func.count()).where(
                        Lead.status == LeadStatus.CLAIMED, Lead.first_touch_due_at < now
                    )
                )
        except Exception:  # a scrape during a database outage still answers
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        age.add_metric([], _age(oldest, now))
        overdue.add_metric(["claim"], unclaimed or 0)
        overdue.add_metric(["first_touch"], untouched or 0)
        yield from (backlog, age, dead, overdue, up)


def _age(oldest: datetime | None, now: datetime) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # an aggregate over UTCDateTime may come back raw on SQLite
        oldest = oldest.replace(tzinfo=UTC)
    return max((now - oldest).total_seconds(), 0.0)


def exposition(db: Database, now: Callable[[], datetime]) -> bytes:
    """The text the /metrics endpoint serves: process metrics, then database gauges."""
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(DatabaseCollector(db, now))
    return generate_latest(REGISTRY) + generate_latest(scraped)
