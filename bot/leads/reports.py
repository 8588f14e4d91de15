"""Where leads stand: the questions /lead-status and App Home ask of the database.

Every query is bounded by an index (see the EXPLAIN checks in tests/db/test_reports.py):
counts by status use the (status, due) indexes, windows use created_at, lookups use
the primary key, email, company_key and (owner_id, status), campaigns use
(campaign, created_at). A company is also found by a part of its name: that one
condition no btree can serve, so it reads only the newest leads (see `by_company`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, extract, func, select
from sqlalchemy.orm import Session

from bot.core.clock import Now, utcnow
from bot.core.policy import Policy
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
            reasons = session.execute(top_reasons_query(since)).all()
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
                _sum_if(claim_met),
                _sum_if(claim_decided),
                _sum_if(touch_met),
                _sum_if(touch_decided),
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
            found = list(session.scalars(company_query(key)))
            if len(found) < LIST_LIMIT:
                found += session.scalars(company_prefix_query(key, LIST_LIMIT - len(found)))
            if len(found) < LIST_LIMIT:
                since = session.scalar(newest_leads_start())
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
            names = [n for n in session.scalars(campaign_names()) if search_key(n) == key]
            found: list[Lead] = []
            total = 0
            for name in names:
                found += session.scalars(campaign_query(name))
                total += _count(session, Lead.campaign == name)
        found.sort(key=lambda lead: (lead.created_at, lead.id), reverse=True)
        found = found[:LIST_LIMIT]
        return LeadList(found, total, found[0].campaign if found else None)

    def returned(self) -> LeadList:
        """Leads returned to marketing, the most recently returned first."""
        with self.db.read() as session:
            total = _count(session, Lead.status == S.RETURNED)
            leads = list(session.scalars(returned_query())) if total else []
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


def top_reasons_query(since: datetime) -> Select[str | None, int]:
    """The commonest disqualification reasons among the leads handed off since `since`.

    The status test sits inside the count, not in the WHERE clause: an equality on status
    would send SQLite's planner to a status index, which holds every lead ever
    disqualified (0.4 s with a million leads), instead of the window's created_at range,
    which the summary caps at WINDOW_CAP leads.
    """
    disqualified = _sum_if(Lead.status == S.DISQUALIFIED)
    return (
        select(Lead.disqualify_reason, disqualified)
        .where(Lead.created_at >= since)
        .group_by(Lead.disqualify_reason)
        .having(disqualified > 0)
        .order_by(disqualified.desc(), Lead.disqualify_reason)
        .limit(TOP_REASONS)
    )


def company_query(key: str) -> Select[Lead]:
    """Leads of the company named exactly `key` (a search_key), newest first."""
    return select(Lead).where(Lead.company_key == key).order_by(Lead.id.desc()).limit(LIST_LIMIT)


def company_prefix_query(key: str, limit: int = LIST_LIMIT) -> Select[Lead]:
    """Leads whose company's name starts with `key` and is longer, by name.

    A range of the company_key index: every string that starts with `key` sorts after it
    and before `key` with its last character's successor, in code point order (SQLite's
    BINARY, PostgreSQL's "C" and "C.UTF-8"). The LIKE keeps the answer right should a
    database sort otherwise (a linguistic collation), where the range may then miss
    some names; stage 3 of `by_company` still finds those among the newest leads.
    """
    where = [Lead.company_key > key, Lead.company_key.startswith(key, autoescape=True)]
    upper = _successor(key)
    if upper is not None:
        where.append(Lead.company_key < upper)
    return select(Lead).where(*where).order_by(Lead.company_key, Lead.id.desc()).limit(limit)


def newest_leads_start() -> Select[datetime]:
    """When the SUBSTRING_SCAN-th newest lead was handed off (none: fewer leads)."""
    return (
        select(Lead.created_at).order_by(Lead.created_at.desc()).offset(SUBSTRING_SCAN - 1).limit(1)
    )


def company_substring_query(
    key: str, since: datetime | None, skip: list[int], limit: int = LIST_LIMIT
) -> Select[Lead]:
    """Leads handed off since `since` whose company's name holds `key`, newest first,
    but those in `skip` (found already)."""
    where = [Lead.company_key.contains(key, autoescape=True)]
    if since is not None:
        where.append(Lead.created_at >= since)
    if skip:
        where.append(Lead.id.not_in(skip))
    return select(Lead).where(*where).order_by(Lead.created_at.desc(), Lead.id.desc()).limit(limit)


def campaign_names() -> Select[str]:
    """The distinct campaign names, in order: a loose index scan of the (campaign,
    created_at) index, one seek per name, however many leads each campaign has."""
    first = select(Lead.campaign).where(Lead.campaign.is_not(None))
    names = select(first.order_by(Lead.campaign).limit(1).scalar_subquery().label("name")).cte(
        "campaign_names", recursive=True
    )
    after = (
        select(Lead.campaign)
        .where(Lead.campaign > names.c.name)
        .order_by(Lead.campaign)
        .limit(1)
        .scalar_subquery()
    )
    names = names.union_all(select(after).where(names.c.name.is_not(None)))
    return select(names.c.name).where(names.c.name.is_not(None)).limit(MAX_CAMPAIGNS)


def campaign_query(name: str) -> Select[Lead]:
    """The newest leads of the campaign stored as `name`."""
    return (
        select(Lead)
        .where(Lead.campaign == name)
        .order_by(Lead.created_at.desc(), Lead.id.desc())
        .limit(LIST_LIMIT)
    )


def returned_query() -> Select[Lead]:
    """The leads returned to marketing, the most recently returned first.

    Bounded by the status index (every lead returned, then sorted) or by the outcome_at
    index read from the newest (until LIST_LIMIT returned leads are found), as the
    planner judges; the IS NOT NULL keeps PostgreSQL's descending scan off the leads
    without an outcome, which it would read first.
    """
    return (
        select(Lead)
        .where(Lead.status == S.RETURNED, Lead.outcome_at.is_not(None))
        .order_by(Lead.outcome_at.desc(), Lead.id.desc())
        .limit(LIST_LIMIT)
    )


def _successor(key: str) -> str | None:
    """The least string after every string that starts with `key` (code point order);
    None if there is none."""
    for i in range(len(key) - 1, -1, -1):
        point = ord(key[i]) + 1
        if 0xD800 <= point <= 0xDFFF:  # surrogates are not text
            point = 0xE000
        if point <= 0x10FFFF:
            return key[:i] + chr(point)
    return None


def next_deadline(lead: Lead) -> datetime | None:
    """The deadline the lead is running against now, if any."""
    if lead.status == S.UNCLAIMED:
        return lead.claim_due_at
    if lead.status == S.CLAIMED:
        return lead.first_touch_due_at
    return None


def _count(session: Session, *where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(Lead).where(*where)) or 0)


def _sum_if(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))
