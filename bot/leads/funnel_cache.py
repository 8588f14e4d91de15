"""Funnel reports kept ready: what `/lead-status report` answers from, so the answer
costs the same with a million leads as with a hundred.

A report aggregates every lead handed off in two periods (the one asked for and the one
before it), medians included: with a million leads that is seconds of database work,
and Slack wants a slash command answered within three. So each report asked for is
kept in `report_snapshots` with the time it was computed, and the scheduler recomputes
those asked for in the last day every few minutes (`refresh_asked`). An answer from a
snapshot says how old it is ("as of 14:05").

Small teams never notice: while the leads of the two periods number a few thousand,
a report is computed on the spot (`INLINE_LEADS`), so it is always current.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.clock import Now
from bot.core.policy import Policy
from bot.leads.funnel_report import FunnelReport, FunnelRow, GroupBy, Period, funnel_report
from bot.store.database import Database, upsert
from bot.store.models import REPORT_SNAPSHOTS_TABLE, Lead, ReportSnapshot

log = logging.getLogger(__name__)

# Below this many leads in the two periods a report is computed on the spot (tens of
# milliseconds); above it, it is read from its snapshot.
INLINE_LEADS = 5_000
# A snapshot this young is served as it is; the scheduler refreshes them this often.
FRESH_FOR = timedelta(minutes=5)
# Reports nobody asked for in this long are no longer refreshed.
KEEP_ASKED = timedelta(days=1)
MAX_REFRESHED = 30  # snapshots recomputed per refresh at most (the most recently asked)


@dataclass(frozen=True)
class Answer:
    report: FunnelReport
    as_of: datetime | None  # None: computed just now


def key_of(period_name: str, by: GroupBy, currency: str) -> str:
    return f"{period_name}|{by}|{currency}"


class ReportCache:
    def __init__(
        self, db: Database, policy: Policy, clock: Now, *, inline_leads: int | None = None
    ) -> None:
        self.db = db
        self.policy = policy
        self.now = clock
        self.inline_leads = INLINE_LEADS if inline_leads is None else inline_leads

    def report(self, period: Period, by: GroupBy) -> Answer | None:
        """The report, computed now when that is cheap, else from its snapshot if there
        is one (marked as asked, so the scheduler keeps it fresh); None when it has to be
        prepared first (`prepare`)."""
        now = self.now()
        key = key_of(period.name, by, self.policy.currency)
        with self.db.read() as session:
            # Counted no further than the limit: the count itself stays cheap.
            window = (
                select(Lead.id)
                .where(Lead.created_at >= period.previous().start, Lead.created_at < period.end)
                .limit(self.inline_leads + 1)
                .subquery()
            )
            leads = session.scalar(select(func.count()).select_from(window))
            if (leads or 0) <= self.inline_leads:
                return Answer(self._compute(session, period, by, now), None)
            snapshot = session.get(ReportSnapshot, key)
        if snapshot is not None:
            self._asked(key, now)
            return Answer(decode(snapshot.body), snapshot.computed_at)
        return None

    def prepare(self, period: Period, by: GroupBy) -> FunnelReport:
        """Compute the report and keep it as its snapshot (off the acknowledgement path)."""
        now = self.now()
        with self.db.read() as session:
            report = self._compute(session, period, by, now)
        self._store(key_of(period.name, by, self.policy.currency), report, now, asked=True)
        return report

    def refresh_asked(self, periods: dict[str, Period]) -> int:
        """Recompute the snapshots asked for lately whose period is in `periods` (by name,
        each ending now); return how many."""
        now = self.now()
        with self.db.read() as session:
            asked = session.scalars(
                select(ReportSnapshot.key)
                .where(ReportSnapshot.asked_at >= now - KEEP_ASKED)
                .order_by(ReportSnapshot.asked_at.desc())
                .limit(MAX_REFRESHED)
            ).all()
        done = 0
        for key in asked:
            name, by, currency = key.split("|")
            period = periods.get(name)
            if period is None or currency != self.policy.currency:
                continue
            with self.db.read() as session:
                report = self._compute(session, period, GroupBy(by), now)
            self._store(key, report, now, asked=False)
            done += 1
        return done

    def _compute(
        self, session: Session, period: Period, by: GroupBy, now: datetime
    ) -> FunnelReport:
        return funnel_report(session, period, by, now=now, currency=self.policy.currency)

    def _store(self, key: str, report: FunnelReport, now: datetime, *, asked: bool) -> None:
        values: dict[str, Any] = {"key": key, "computed_at": now, "body": encode(report)}
        if asked:
            values["asked_at"] = now
        with self.db.transaction() as session:
            upsert(session, REPORT_SNAPSHOTS_TABLE, values, key="key")

    def _asked(self, key: str, now: datetime) -> None:
        with self.db.transaction() as session:
            snapshot = session.get(ReportSnapshot, key)
            if snapshot is not None:
                snapshot.asked_at = now


# --- a report as JSON --------------------------------------------------------------------


def encode(report: FunnelReport) -> dict[str, Any]:
    return {
        "period": [
            report.period.start.isoformat(),
            report.period.end.isoformat(),
            report.period.name,
        ],
        "by": str(report.by),
        "currency": report.currency,
        "rows": [_row(r) for r in report.rows],
        "total": _row(report.total),
        "previous": [_row(r) for r in report.previous.values()],
        "previous_total": _row(report.previous_total) if report.previous_total else None,
    }


def decode(body: dict[str, Any]) -> FunnelReport:
    start, end, name = body["period"]
    previous = [_unrow(r) for r in body["previous"]]
    return FunnelReport(
        period=Period(datetime.fromisoformat(start), datetime.fromisoformat(end), name),
        by=GroupBy(body["by"]),
        currency=body["currency"],
        rows=[_unrow(r) for r in body["rows"]],
        total=_unrow(body["total"]),
        previous={r.group: r for r in previous},
        previous_total=_unrow(body["previous_total"]) if body["previous_total"] else None,
    )


# A row's spans, stored as seconds.
_SPANS = ("median_to_claim", "median_to_touch", "median_to_accept")


def _row(row: FunnelRow) -> dict[str, Any]:
    data = asdict(row)
    for span in _SPANS:
        value = data[span]
        data[span] = None if value is None else value.total_seconds()
    data["won_amount"] = str(row.won_amount)
    return data


def _unrow(data: dict[str, Any]) -> FunnelRow:
    """A stored row; one stored before a field existed gets the field's default."""
    data = dict(data)
    for span in _SPANS:
        if data.get(span) is not None:
            data[span] = timedelta(seconds=data[span])
    data["won_amount"] = Decimal(data["won_amount"])
    return FunnelRow(**data)
