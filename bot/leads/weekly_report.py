"""The weekly SLA report: when it is due, queueing it once, and what it reports.

Reported per route for the leads handed off in the week: how many, SLA attainment of
both clocks, median time to claim and to first touch (in open hours of the route's
calendar, the way the SLA counts them); and for the week as a whole: outcomes recorded,
top disqualification reasons and the slowest-handled leads.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.policy import Policy
from bot.core.policy_sections import WeeklyReportPolicy
from bot.store import job_runs, outbox
from bot.store.database import Database
from bot.store.models import Lead, LeadStatus
from bot.store.outbox import Intent

JOB = "weekly_digest"
SLOWEST = 5
TOP_REASONS = 3


# --- when -----------------------------------------------------------------------------


def last_occurrence(spec: WeeklyReportPolicy, timezone: str, now: datetime) -> datetime:
    """The latest scheduled time of the digest at or before `now` (UTC)."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    day = today - timedelta(days=(today.weekday() - spec.weekday) % 7)
    candidate = _local(day, spec, zone)
    if candidate > now:
        candidate = _local(day - timedelta(days=7), spec, zone)
    return candidate


def _local(day: date, spec: WeeklyReportPolicy, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, spec.at, tzinfo=zone).astimezone(UTC)


def queue_weekly_report(db: Database, policy: Policy, now: datetime, grace: timedelta) -> bool:
    """Queue the digest of the week that ended at its latest scheduled time, if that was
    at most `grace` ago and no process queued it yet. True if this call queued it."""
    spec = policy.digest
    if spec is None:
        return False
    timezone = policy.weekly_report_timezone()
    end = last_occurrence(spec, timezone, now)
    if now - end > grace:
        return False
    local_end = end.astimezone(ZoneInfo(timezone))
    start = _local(local_end.date() - timedelta(days=7), spec, ZoneInfo(timezone))
    with db.transaction() as session:
        if not job_runs.first_to_run(session, JOB, local_end.date().isoformat(), now):
            return False
        outbox.queue(
            session,
            outbox.message(Intent.WEEKLY_REPORT, now, start=start.isoformat(), end=end.isoformat()),
        )
    return True


# --- what ---------------------------------------------------------------------------------


@dataclass
class RouteStats:
    route: str
    handed_off: int = 0
    claim_on_time: int = 0
    claim_late: int = 0  # claimed late, or still unclaimed past the deadline
    touch_on_time: int = 0
    touch_late: int = 0
    to_claim: list[timedelta] = field(default_factory=list)
    to_touch: list[timedelta] = field(default_factory=list)

    @property
    def median_to_claim(self) -> timedelta | None:
        return _median(self.to_claim)

    @property
    def median_to_touch(self) -> timedelta | None:
        return _median(self.to_touch)


@dataclass(frozen=True)
class SlowLead:
    lead_id: int
    name: str | None
    route: str
    owner_id: str | None
    to_claim: timedelta  # so far, if not claimed
    to_touch: timedelta | None  # from claim to first touch (so far, if not touched)
    claimed: bool
    touched: bool

    @property
    def total(self) -> timedelta:
        return self.to_claim + (self.to_touch or timedelta(0))


@dataclass
class WeeklyReport:
    start: datetime
    end: datetime
    routes: list[RouteStats]
    outcomes: dict[str, int]
    top_reasons: list[tuple[str, int]]
    slowest: list[SlowLead]

    @property
    def handed_off(self) -> int:
        return sum(route.handed_off for route in self.routes)


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=statistics.median(v.total_seconds() for v in values))


def weekly_report(session: Session, policy: Policy, start: datetime, end: datetime) -> WeeklyReport:
    """The digest of [start, end): two indexed range queries, on created_at and outcome_at."""
    leads = session.execute(
        select(
            Lead.id,
            Lead.name,
            Lead.company,
            Lead.email,
            Lead.route,
            Lead.status,
            Lead.owner_id,
            Lead.created_at,
            Lead.claim_due_at,
            Lead.claimed_at,
            Lead.first_touch_due_at,
            Lead.first_touch_at,
            Lead.outcome_at,
        )
        .where(Lead.created_at >= start, Lead.created_at < end)
        .order_by(Lead.id)
    ).all()
    routes: dict[str, RouteStats] = {r.name: RouteStats(r.name) for r in policy.routes}
    slow: list[SlowLead] = []
    for lead in leads:
        stats = routes.setdefault(lead.route, RouteStats(lead.route))
        route = policy.route_of_lead(lead.route)
        calendar = policy.calendar_for(route) if route else policy.calendar_for(policy.routes[0])
        stats.handed_off += 1
        # What happened after the week ended belongs to next week's digest.
        claimed_at = _before(lead.claimed_at, end)
        touched_at = _before(lead.first_touch_at, end)
        on_time, late = _verdict(lead.claim_due_at, claimed_at, end)
        stats.claim_on_time += on_time
        stats.claim_late += late
        touch_due = lead.first_touch_due_at
        closed_at = _before(lead.outcome_at, end)
        if touched_at is None and closed_at is not None and touch_due and closed_at <= touch_due:
            touch_due = None  # closed in time without needing a first touch: no verdict
        on_time, late = _verdict(touch_due, touched_at, end)
        stats.touch_on_time += on_time
        stats.touch_late += late
        to_claim = calendar.elapsed(lead.created_at, claimed_at or end)
        to_touch = None
        if claimed_at is not None:
            stats.to_claim.append(to_claim)
            to_touch = calendar.elapsed(claimed_at, touched_at or end)
            if touched_at is not None:
                stats.to_touch.append(to_touch)
        if LeadStatus(lead.status).is_closed and touched_at is None:
            continue  # closed without a first touch (returned...): not slow, just done
        slow.append(
            SlowLead(
                lead_id=lead.id,
                name=lead.name or lead.company or lead.email,
                route=lead.route,
                owner_id=lead.owner_id,
                to_claim=to_claim,
                to_touch=to_touch,
                claimed=claimed_at is not None,
                touched=touched_at is not None,
            )
        )
    slow.sort(key=lambda s: (-s.total.total_seconds(), s.lead_id))
    in_week = (Lead.outcome_at >= start, Lead.outcome_at < end)
    outcomes = dict(
        session.execute(
            select(Lead.status, func.count()).where(*in_week).group_by(Lead.status)
        ).all()
    )
    reasons = session.execute(
        select(Lead.disqualify_reason, func.count().label("n"))
        .where(*in_week, Lead.status == LeadStatus.DISQUALIFIED)
        .group_by(Lead.disqualify_reason)
        .order_by(func.count().desc(), Lead.disqualify_reason)
        .limit(TOP_REASONS)
    ).all()
    return WeeklyReport(
        start=start,
        end=end,
        routes=[r for r in routes.values() if r.handed_off],
        outcomes={str(k): int(v) for k, v in outcomes.items()},
        top_reasons=[(str(reason or "other"), int(n)) for reason, n in reasons],
        slowest=slow[:SLOWEST],
    )


def _before(moment: datetime | None, end: datetime) -> datetime | None:
    return moment if moment is not None and moment < end else None


def _verdict(due: datetime | None, met: datetime | None, end: datetime) -> tuple[int, int]:
    """(on time, late) for one clock: late if met after its deadline or not met by a
    deadline that passed within the week; neither while it is still running."""
    if due is None:
        return 0, 0
    if met is not None:
        return (1, 0) if met <= due else (0, 1)
    return (0, 1) if due <= end else (0, 0)
