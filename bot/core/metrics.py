"""Prometheus metrics, served at GET /metrics.

Counters and histograms live in the process (prometheus-client's default registry).
Lead lifecycle metrics are counted from the timeline events a transaction commits
(bot.leads.timeline calls `observe_event` after the commit), so every path that changes
a lead is counted once and only when it really happened. Outbox backlog, age and dead
letters are read from the database at scrape time (bot.store.gauges), so every process
reports the same truth.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prometheus_client import Counter, Histogram, disable_created_metrics

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
# One count a level (or nudge) that fell due and had its messages queued, however many
# people it notifies; delivery itself is baton_outbox_sent_total{kind="due_work"}.
ESCALATIONS_SENT = Counter(
    "baton_escalations_sent",
    "Escalation levels sent for missed deadlines, by route, clock and level (1, 2, ...).",
    ["route", "clock", "level"],
)
NUDGES_SENT = Counter(
    "baton_nudges_sent", "Reminders sent before a deadline, by route and clock.", ["route", "clock"]
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


def observe_event(
    kind: str,
    route: str,
    detail: dict[str, Any],
    *,
    created_at: datetime | None = None,
    claimed_at: datetime | None = None,
    first_touch_at: datetime | None = None,
) -> None:
    """Count a committed timeline event (bot.leads.timeline), with the lead's moments as
    they stood when it was written."""
    if kind == "handed_off":
        LEADS_HANDED_OFF.labels(route).inc()
    elif kind == "claimed":
        CLAIMS.labels(route).inc()
        if claimed_at and created_at:
            TIME_TO_CLAIM.labels(route).observe(_seconds(created_at, claimed_at))
        if detail.get("late"):
            SLA_BREACHES.labels(route, "claim").inc()
    elif kind == "escalated":
        clock = str(detail.get("clock", "unknown"))
        ESCALATIONS_SENT.labels(route, clock, str(detail.get("level", "unknown"))).inc()
    elif kind == "nudged":
        NUDGES_SENT.labels(route, str(detail.get("clock", "unknown"))).inc()
    elif kind == "first_touch":
        if first_touch_at and claimed_at:
            TIME_TO_FIRST_TOUCH.labels(route).observe(_seconds(claimed_at, first_touch_at))
        if detail.get("late"):
            SLA_BREACHES.labels(route, "first_touch").inc()


def _seconds(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds(), 0.0)
