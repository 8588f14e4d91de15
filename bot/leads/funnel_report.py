"""The funnel report: what became of the leads handed off in a period, by group.

One row per campaign (or source, route, segment, rep): handed off, claimed within the
SLA, the median time to claim and to first touch, and how far the leads got —
meetings, opportunities and 商談化率 (opportunity or later ÷ handed off), won and the
amount won, disqualified with the top reason, returned. Each row also has the same
numbers for the period of the same length just before, so a change can be shown.

The leads are a cohort: those handed off in the period, as they stand now. So a lead
handed off last month and won this week counts as won in last month's report, which
is what a marketer asks of a campaign ("what came of the leads it brought?").

By rep, each rep's row also says how the offers of those leads went
(bot/leads/offers.py): offers the rep received, accepted and passed, the reason they
gave most often for a pass, and the median time from an offer to its acceptance. A rep
who was offered leads but owns none of them still has a row.

Every number is one aggregate query over `created_at` in the period (the
`ix_leads_campaign_created_at`/`ix_leads_source_created_at` indexes, or created_at's
own), grouped in the database: no lead is loaded into Python. (Offers: the period's
leads joined to their `assignments` by `lead_id`.)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session, join

from bot.leads.aggregates import medians, sum_if, top
from bot.store.assignment_models import Answer, AssignKind, Assignment
from bot.store.models import Lead, LeadStatus

S = LeadStatus
_REACHED_MEETING = (S.MEETING_BOOKED, S.OPPORTUNITY, S.WON, S.LOST)
_REACHED_OPPORTUNITY = (S.OPPORTUNITY, S.WON, S.LOST)


class GroupBy(enum.StrEnum):
    CAMPAIGN = "campaign"
    SOURCE = "source"
    ROUTE = "route"
    SEGMENT = "segment"
    REP = "rep"


_COLUMN = {
    GroupBy.CAMPAIGN: Lead.campaign,
    GroupBy.SOURCE: Lead.source,
    GroupBy.ROUTE: Lead.route,
    GroupBy.SEGMENT: Lead.segment,
    GroupBy.REP: Lead.owner_id,
}


@dataclass(frozen=True)
class Period:
    """[start, end): instants; `name` is how it was asked for (for the answer's title)."""

    start: datetime
    end: datetime
    name: str

    def previous(self) -> Period:
        length = self.end - self.start
        return Period(self.start - length, self.start, f"before {self.name}")


# Words for a period, English and Japanese, by the period they name.
PERIOD_WORDS = {
    "7d": ("7d", "7days", "7日", "7日間", "1週間"),
    "30d": ("30d", "30days", "30日", "30日間"),
    "90d": ("90d", "90days", "90日", "90日間"),
    "this-month": ("this-month", "thismonth", "month", "今月"),
    "last-month": ("last-month", "lastmonth", "先月", "前月"),
    "quarter": ("quarter", "this-quarter", "四半期", "今四半期"),
}
DEFAULT_PERIOD = "30d"


def period_named(word: str) -> str | None:
    """The period a word names ("30日" → "30d"), or None."""
    folded = word.strip().casefold()
    return next((name for name, words in PERIOD_WORDS.items() if folded in words), None)


def period_of(name: str, now: datetime, tz: ZoneInfo) -> Period:
    """The period `name` (a key of PERIOD_WORDS, or like "45d") ending now, in `tz`'s
    calendar for months and quarters."""
    today = now.astimezone(tz).date()
    if name.endswith("d") and name[:-1].isdigit():
        return Period(now - timedelta(days=int(name[:-1])), now, name)
    if name == "this-month":
        return Period(_midnight(today.replace(day=1), tz), now, name)
    if name == "last-month":
        first = today.replace(day=1)
        start = (first - timedelta(days=1)).replace(day=1)
        return Period(_midnight(start, tz), _midnight(first, tz), name)
    if name == "quarter":
        month = 3 * ((today.month - 1) // 3) + 1
        return Period(_midnight(today.replace(month=month, day=1), tz), now, name)
    raise ValueError(f"unknown period {name!r}")


def between(start: date, end: date, tz: ZoneInfo) -> Period:
    """From the start of `start` to the end of `end`, both days included."""
    return Period(_midnight(start, tz), _midnight(end + timedelta(days=1), tz), f"{start}..{end}")


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


@dataclass(frozen=True)
class FunnelRow:
    group: str | None  # None: leads without a campaign (source, segment, owner…)
    handed_off: int = 0
    claim_met: int = 0
    claim_decided: int = 0
    median_to_claim: timedelta | None = None
    median_to_touch: timedelta | None = None
    meetings: int = 0  # reached a meeting or further
    opportunities: int = 0  # reached an opportunity or further (won and lost included)
    won: int = 0
    won_amount: Decimal = Decimal(0)
    disqualified: int = 0
    top_disqualify_reason: str | None = None
    returned: int = 0
    # By rep only: the offers of the period's leads made to the rep, and their answers.
    offers: int = 0
    accepted: int = 0
    passed: int = 0
    top_pass_reason: str | None = None  # of the passes that gave one
    median_to_accept: timedelta | None = None  # from the offer to its acceptance

    @property
    def claimed_in_sla_pct(self) -> int | None:
        return _pct(self.claim_met, self.claim_decided)

    @property
    def opportunity_rate_pct(self) -> int | None:
        """商談化率: leads that reached an opportunity or further ÷ leads handed off."""
        return _pct(self.opportunities, self.handed_off)


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class FunnelReport:
    period: Period
    by: GroupBy
    currency: str  # of `won_amount`: amounts in another currency are left out
    rows: list[FunnelRow]  # most handed off first
    total: FunnelRow
    previous: dict[str | None, FunnelRow] = field(default_factory=dict)
    previous_total: FunnelRow | None = None  # None: no lead was handed off before

    def before(self, row: FunnelRow) -> FunnelRow | None:
        return self.previous.get(row.group)


def funnel_report(
    session: Session, period: Period, by: GroupBy, *, now: datetime, currency: str
) -> FunnelReport:
    rows = _rows(session, period, by, now, currency)
    previous = _rows(session, period.previous(), by, now, currency)
    return FunnelReport(
        period=period,
        by=by,
        currency=currency,
        rows=sorted(rows, key=lambda r: (-r.handed_off, r.group or "")),
        total=_total(rows),
        previous={row.group: row for row in previous},
        previous_total=_total(previous) if previous else None,
    )


def _rows(
    session: Session, period: Period, by: GroupBy, now: datetime, currency: str
) -> list[FunnelRow]:
    group = _COLUMN[by]
    window = and_(Lead.created_at >= period.start, Lead.created_at < period.end)
    claim_met = Lead.claimed_at.is_not(None) & (Lead.claimed_at <= Lead.claim_due_at)
    claim_decided = Lead.claimed_at.is_not(None) | (Lead.claim_due_at < now)
    won_here = (Lead.status == S.WON) & (Lead.currency.is_(None) | (Lead.currency == currency))
    counts = session.execute(
        select(
            group,
            func.count(),
            sum_if(claim_met),
            sum_if(claim_decided),
            sum_if(Lead.status.in_(_REACHED_MEETING)),
            sum_if(Lead.status.in_(_REACHED_OPPORTUNITY)),
            sum_if(Lead.status == S.WON),
            func.sum(case((won_here, Lead.amount), else_=None)),
            sum_if(Lead.status == S.DISQUALIFIED),
            sum_if(Lead.status == S.RETURNED),
        )
        .where(window)
        .group_by(group)
    ).all()
    to_claim = medians(session, group, Lead.created_at, Lead.claimed_at, [window])
    to_touch = medians(session, group, Lead.created_at, Lead.first_touch_at, [window])
    reasons = top(session, group, Lead.disqualify_reason, [window, Lead.status == S.DISQUALIFIED])
    rows = []
    for key, n, met, decided, meetings, opps, won, amount, disq, returned in counts:
        rows.append(
            FunnelRow(
                group=key,
                handed_off=int(n),
                claim_met=int(met or 0),
                claim_decided=int(decided or 0),
                median_to_claim=to_claim.get(key),
                median_to_touch=to_touch.get(key),
                meetings=int(meetings or 0),
                opportunities=int(opps or 0),
                won=int(won or 0),
                won_amount=Decimal(amount or 0),
                disqualified=int(disq or 0),
                top_disqualify_reason=reasons.get(key),
                returned=int(returned or 0),
            )
        )
    if by is GroupBy.REP:
        rows = _with_offers(session, rows, window)
    return rows


def _with_offers(
    session: Session, rows: list[FunnelRow], window: ColumnElement[bool]
) -> list[FunnelRow]:
    """`rows` (by rep) with the offers of the window's leads each rep received, plus a row
    for each rep who was offered leads but owns none of them."""

    offers = join(Assignment, Lead, Lead.id == Assignment.lead_id)
    offered = [window, Assignment.kind == AssignKind.OFFERED]
    rep = Assignment.user_id
    counts = session.execute(
        select(
            rep,
            func.count(),
            sum_if(Assignment.answer == Answer.ACCEPTED),
            sum_if(Assignment.answer == Answer.PASSED),
        )
        .select_from(offers)
        .where(*offered)
        .group_by(rep)
    ).all()
    if not counts:
        return rows
    accepted = [*offered, Assignment.answer == Answer.ACCEPTED]
    to_accept = medians(session, rep, Assignment.at, Assignment.answered_at, accepted, offers)
    passed = [*offered, Assignment.answer == Answer.PASSED, Assignment.reason.is_not(None)]
    reasons = top(session, rep, Assignment.reason, passed, offers)
    by_rep = {row.group: row for row in rows}
    for user, n, took, gave_up in counts:
        by_rep[user] = replace(
            by_rep.get(user) or FunnelRow(group=user),
            offers=int(n),
            accepted=int(took or 0),
            passed=int(gave_up or 0),
            top_pass_reason=reasons.get(user),
            median_to_accept=to_accept.get(user),
        )
    return list(by_rep.values())


@dataclass(frozen=True)
class WeekAttainment:
    """Of the leads handed off in the week starting `week_of` (a Monday), the share
    claimed within the SLA (of those whose claim clock is decided)."""

    week_of: date
    claimed_in_sla_pct: int | None


def weekly_attainment(
    session: Session, now: datetime, tz: ZoneInfo, weeks: int = 8
) -> list[WeekAttainment]:
    """The last `weeks` weeks, oldest first, the current one included (one query per week,
    each on the created_at index)."""
    monday = now.astimezone(tz).date() - timedelta(days=now.astimezone(tz).weekday())
    found = []
    for back in range(weeks - 1, -1, -1):
        start = monday - timedelta(weeks=back)
        window = and_(
            Lead.created_at >= _midnight(start, tz),
            Lead.created_at < _midnight(start + timedelta(weeks=1), tz),
        )
        met, decided = session.execute(
            select(
                sum_if(Lead.claimed_at.is_not(None) & (Lead.claimed_at <= Lead.claim_due_at)),
                sum_if(Lead.claimed_at.is_not(None) | (Lead.claim_due_at < now)),
            ).where(window)
        ).one()
        found.append(WeekAttainment(start, _pct(int(met or 0), int(decided or 0))))
    return found


def _total(rows: Iterable[FunnelRow]) -> FunnelRow:
    """All groups together. Medians and top reasons do not add up: the total has none."""
    rows = list(rows)
    return FunnelRow(
        group=None,
        handed_off=sum(r.handed_off for r in rows),
        claim_met=sum(r.claim_met for r in rows),
        claim_decided=sum(r.claim_decided for r in rows),
        meetings=sum(r.meetings for r in rows),
        opportunities=sum(r.opportunities for r in rows),
        won=sum(r.won for r in rows),
        won_amount=sum((r.won_amount for r in rows), Decimal(0)),
        disqualified=sum(r.disqualified for r in rows),
        returned=sum(r.returned for r in rows),
        offers=sum(r.offers for r in rows),
        accepted=sum(r.accepted for r in rows),
        passed=sum(r.passed for r in rows),
    )
