"""Where leads stand: the questions /lead-status and App Home ask of the database.

Every query is bounded by an index (see the EXPLAIN checks in tests/db/test_reports.py):
counts by status use the (status, due) indexes, windows use created_at, lookups use
the primary key, email, company_key and (owner_id, status), campaigns use
(campaign, created_at). A company is also found by a part of its name: that one
condition no btree can serve, so it reads only the newest leads (see `by_company`).
The statements of the lists live in bot.leads.report_queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, extract, func, select
from sqlalchemy.orm import Session

from bot.core.clock import Now, utcnow
from bot.core.policy import Policy
from bot.leads.aggregates import sum_if
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
from bot.store.database import Database
from bot.store.models import OWNED_STATUSES, Lead, LeadEvent, LeadStatus, search_key

S = LeadStatus
WINDOW = timedelta(days=7)
# The window's statistics read at most this many of its newest leads, so the summary
# costs the same with a million leads in a week as with a thousand (the answer says so).
WINDOW_CAP = 20_000
LIST_LIMIT = 20
# A part of a company's name inside it (`%x%`) is looked for among this many of the
# newest leads only (the usage text says so): a few milliseconds with a million leads.
SUBSTRING_SCAN = 10_000
# At most this many distinct campaign names are compared with what was typed.
MAX_CAMPAIGNS = 10_000
TIMELINE_LIMIT = 25
TOP_REASONS = 3
_MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class ClockAttainment:
    met: int
    decided: int  # clocks whose deadline passed or which were met

    @property
    def percent(self) -> int | None:
        return None if not self.decided else round(100 * self.met / self.decided)


@dataclass(frozen=True)
class TeamSummary:
    now: datetime
    unclaimed: int
    awaiting_touch: int
    overdue: int
    handed_off_today: int
    window: timedelta
    newest_only: int | None  # the window held more leads: statistics of the newest n
    claim: ClockAttainment
    first_touch: ClockAttainment
    median_to_claim: timedelta | None
    median_to_touch: timedelta | None
    top_reasons: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class LeadHistory:
    lead: Lead
    events: list[LeadEvent]  # newest last
    more: int  # how many older events are not shown


@dataclass(frozen=True)
class OverdueLead:
    lead: Lead
    due: datetime
    late: timedelta


@dataclass(frozen=True)
class OverdueList:
    leads: list[OverdueLead]
    total: int


@dataclass(frozen=True)
class LeadList:
    leads: list[Lead]  # at most LIST_LIMIT, newest first
    total: int  # how many there are in all
    name: str | None = None  # the campaign's name as stored (the newest lead's spelling)


class Reports:
    def __init__(self, db: Database, policy: Policy, *, clock: Now = utcnow) -> None:
        self.db = db
        self.policy = policy
        self.now = clock

    # --- the team summary -------------------------------------------------------------

    def summary(self) -> TeamSummary:
        now = self.now()
        since = now - WINDOW
        tz = ZoneInfo(self.policy.timezone)
        today = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
        with self.db.read() as session:
            unclaimed = _count(session, Lead.status == S.UNCLAIMED)
            awaiting = _count(session, Lead.status == S.CLAIMED)
            overdue = _count(session, Lead.status == S.UNCLAIMED, Lead.claim_due_at < now) + _count(
                session, Lead.status == S.CLAIMED, Lead.first_touch_due_at < now
            )
            today_count = _count(session, Lead.created_at >= today)
            cap_start = session.scalar(
                select(Lead.created_at)
                .where(Lead.created_at >= since)
                .order_by(Lead.created_at.desc())
                .offset(WINDOW_CAP - 1)
                .limit(1)
            )
            if cap_start is not None:
                since = cap_start
            claim, touch = self._attainment(session, since, now)
            to_claim = self._median(
                session, Lead.claimed_at, Lead.created_at, Lead.created_at >= since
            )
            to_touch = self._median(
                session, Lead.first_touch_at, Lead.claimed_at, Lead.created_at >= since
            )
            reasons = session.execute(top_reasons_query(since, TOP_REASONS)).all()
        return TeamSummary(
            now=now,
            unclaimed=unclaimed,
            awaiting_touch=awaiting,
            overdue=overdue,
            handed_off_today=today_count,
            window=WINDOW,
            newest_only=WINDOW_CAP if cap_start is not None else None,
            claim=claim,
            first_touch=touch,
            median_to_claim=to_claim,
            median_to_touch=to_touch,
            top_reasons=[(reason or "other", int(n)) for reason, n in reasons],
        )

    def _attainment(
        self, session: Session, since: datetime, now: datetime
    ) -> tuple[ClockAttainment, ClockAttainment]:
        """Met and decided SLA clocks of the leads handed off since `since`."""
        claim_met = Lead.claimed_at.is_not(None) & (Lead.claimed_at <= Lead.claim_due_at)
        claim_decided = Lead.claimed_at.is_not(None) | (Lead.claim_due_at < now)
        touch_met = Lead.first_touch_at.is_not(None) & (
            Lead.first_touch_at <= Lead.first_touch_due_at
        )
        touch_decided = Lead.first_touch_due_at.is_not(None) & (
            Lead.first_touch_at.is_not(None) | (Lead.first_touch_due_at < now)
        )
        row = session.execute(
            select(
                sum_if(claim_met),
                sum_if(claim_decided),
                sum_if(touch_met),
                sum_if(touch_decided),
            ).where(Lead.created_at >= since)
        ).one()
        values = [int(v or 0) for v in row]
        return ClockAttainment(values[0], values[1]), ClockAttainment(values[2], values[3])

    def _median(
        self, session: Session, end: Any, start: Any, window: ColumnElement[bool]
    ) -> timedelta | None:
        """The median of `end - start` over the window's leads where both are set."""
        where = [window, end.is_not(None), start.is_not(None)]
        if self.db.dialect == "postgresql":
            epoch = extract("epoch", end - start)
            value = session.scalar(
                select(func.percentile_cont(0.5).within_group(epoch)).where(*where)
            )
            return None if value is None else timedelta(seconds=round(float(value)))
        # SQLite has no percentile function: sort the window's spans, read the middle.
        seconds = (func.julianday(end) - func.julianday(start)) * 86400.0
        n = session.scalar(select(func.count()).select_from(Lead).where(*where)) or 0
        if not n:
            return None
        middle = list(
            session.scalars(
                select(seconds)
                .where(*where)
                .order_by(seconds)
                .offset((n - 1) // 2)
                .limit(2 - n % 2)
            )
        )
        # julianday arithmetic is floating point: round to whole seconds
        return timedelta(seconds=round(sum(middle) / len(middle)))

    # --- one lead, and lists of leads ----------------------------------------------------

    def history(self, lead_id: int) -> LeadHistory | None:
        if not 0 < lead_id <= _MAX_ID:
            return None
        with self.db.read() as session:
            lead = session.get(Lead, lead_id)
            if lead is None:
                return None
            total = session.scalar(
                select(func.count()).select_from(LeadEvent).where(LeadEvent.lead_id == lead_id)
            )
            events = list(
                session.scalars(
                    select(LeadEvent)
                    .where(LeadEvent.lead_id == lead_id)
                    .order_by(LeadEvent.id.desc())
                    .limit(TIMELINE_LIMIT)
                )
            )
        events.reverse()
        return LeadHistory(lead, events, max(0, (total or 0) - len(events)))

    def by_email(self, email: str) -> list[Lead]:
        return self._leads(Lead.email == email.strip().lower())

    def by_company(self, company: str) -> list[Lead]:
        """Leads whose company's name holds `company` (compared as `search_key` makes
        both: width, case and spaces do not matter): those named exactly so first, newest
        first; then names that start with it; then names that hold it elsewhere.

        `%x%` cannot use a btree index, so the search goes from the cheapest stage to the
        dearest and stops as soon as the list is full:
        1. `company_key = key`: an equality on the company_key index.
        2. names starting with the key: a range of that index, read in its order (so at
           most LIST_LIMIT entries), not a `LIKE 'x%'`, which neither SQLite (its LIKE
           ignores ASCII case) nor PostgreSQL (unless the collation is "C") serves from
           an index.
        3. the key anywhere in the name: LIKE with the user's `%`, `_` and the escape
           character escaped, over the SUBSTRING_SCAN newest leads only, read through
           the created_at index: a bounded cost whatever the table's size. A part of the
           name of an older lead's company is not found; its full name or its start is.
        """
        key = search_key(company)
        if key is None:
            return []
        with self.db.read() as session:
            found = list(session.scalars(company_query(key, LIST_LIMIT)))
            if len(found) < LIST_LIMIT:
                found += session.scalars(company_prefix_query(key, LIST_LIMIT - len(found)))
            if len(found) < LIST_LIMIT:
                since = session.scalar(newest_leads_start(SUBSTRING_SCAN))
                found += session.scalars(
                    company_substring_query(
                        key, since, [lead.id for lead in found], LIST_LIMIT - len(found)
                    )
                )
        return found

    def by_campaign(self, campaign: str) -> LeadList:
        """The leads of a campaign, newest first. The name is compared as `search_key`
        makes it, which no column holds for campaigns: the distinct stored names are
        read with one index seek each (`campaign_names`), compared here, and the leads
        of each name that matches are read from the (campaign, created_at) index."""
        key = search_key(campaign)
        if key is None:
            return LeadList([], 0)
        with self.db.read() as session:
            names = [
                n for n in session.scalars(campaign_names(MAX_CAMPAIGNS)) if search_key(n) == key
            ]
            found: list[Lead] = []
            total = 0
            for name in names:
                found += session.scalars(campaign_query(name, LIST_LIMIT))
                total += _count(session, Lead.campaign == name)
        found.sort(key=lambda lead: (lead.created_at, lead.id), reverse=True)
        found = found[:LIST_LIMIT]
        return LeadList(found, total, found[0].campaign if found else None)

    def returned(self) -> LeadList:
        """Leads returned to marketing, the most recently returned first."""
        with self.db.read() as session:
            total = _count(session, Lead.status == S.RETURNED)
            leads = list(session.scalars(returned_query(LIST_LIMIT))) if total else []
        return LeadList(leads, total)

    def _leads(self, condition: ColumnElement[bool]) -> list[Lead]:
        with self.db.read() as session:
            return list(
                session.scalars(
                    select(Lead).where(condition).order_by(Lead.id.desc()).limit(LIST_LIMIT)
                )
            )

    def open_leads_of(self, user_id: str, limit: int = LIST_LIMIT) -> list[Lead]:
        """The user's open leads, the most urgent deadline first, then the newest."""
        with self.db.read() as session:
            return list(
                session.scalars(
                    select(Lead)
                    .where(Lead.owner_id == user_id, Lead.status.in_(sorted(OWNED_STATUSES)))
                    .order_by(
                        case((Lead.status == S.CLAIMED, 0), else_=1),
                        Lead.first_touch_due_at,
                        Lead.id.desc(),
                    )
                    .limit(limit)
                )
            )

    def overdue(self, limit: int = LIST_LIMIT) -> OverdueList:
        now = self.now()
        found: list[OverdueLead] = []
        total = 0
        with self.db.read() as session:
            for status, due in (
                (S.UNCLAIMED, Lead.claim_due_at),
                (S.CLAIMED, Lead.first_touch_due_at),
            ):
                where = (Lead.status == status, due < now)
                total += _count(session, *where)
                for lead in session.scalars(select(Lead).where(*where).order_by(due).limit(limit)):
                    at = next_deadline(lead)
                    assert at is not None
                    found.append(OverdueLead(lead, at, now - at))
        found.sort(key=lambda item: item.late, reverse=True)
        return OverdueList(found[:limit], total)


def next_deadline(lead: Lead) -> datetime | None:
    """The deadline the lead is running against now, if any."""
    if lead.status == S.UNCLAIMED:
        return lead.claim_due_at
    if lead.status == S.CLAIMED:
        return lead.first_touch_due_at
    return None


def _count(session: Session, *where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(Lead).where(*where)) or 0)
