"""Gauges read from the database when /metrics is scraped: outbox backlog, its oldest
message's age, dead letters, and leads past a deadline now. Read at scrape time, not
kept in the process, so every process reports the same truth."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.store.database import Database
from bot.store.models import Lead, LeadStatus, OutboxMessage


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
