"""The statements /lead-status's lists and summary read leads with (bot.leads.reports),
each bounded by an index: tests/db/test_reports.py checks each one's plan on both
databases. How many rows each returns is the caller's to say.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from bot.leads.aggregates import sum_if
from bot.store.models import Lead, LeadStatus


def top_reasons_query(since: datetime, top: int) -> Select[str | None, int]:
    """The `top` commonest disqualification reasons among the leads handed off since `since`.

    The status test sits inside the count, not in the WHERE clause: an equality on status
    would send SQLite's planner to a status index, which holds every lead ever
    disqualified (0.4 s with a million leads), instead of the window's created_at range,
    which the summary caps (bot.leads.reports.WINDOW_CAP).
    """
    disqualified = sum_if(Lead.status == LeadStatus.DISQUALIFIED)
    return (
        select(Lead.disqualify_reason, disqualified)
        .where(Lead.created_at >= since)
        .group_by(Lead.disqualify_reason)
        .having(disqualified > 0)
        .order_by(disqualified.desc(), Lead.disqualify_reason)
        .limit(top)
    )


def company_query(key: str, limit: int) -> Select[Lead]:
    """Leads of the company named exactly `key` (a search_key), newest first."""
    return select(Lead).where(Lead.company_key == key).order_by(Lead.id.desc()).limit(limit)


def company_prefix_query(key: str, limit: int) -> Select[Lead]:
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


def newest_leads_start(scan: int) -> Select[datetime]:
    """When the `scan`-th newest lead was handed off (none: fewer leads)."""
    return select(Lead.created_at).order_by(Lead.created_at.desc()).offset(scan - 1).limit(1)


def company_substring_query(
    key: str, since: datetime | None, skip: list[int], limit: int
) -> Select[Lead]:
    """Leads handed off since `since` whose company's name holds `key`, newest first,
    but those in `skip` (found already)."""
    where = [Lead.company_key.contains(key, autoescape=True)]
    if since is not None:
        where.append(Lead.created_at >= since)
    if skip:
        where.append(Lead.id.not_in(skip))
    return select(Lead).where(*where).order_by(Lead.created_at.desc(), Lead.id.desc()).limit(limit)


def campaign_names(most: int) -> Select[str]:
    """At most `most` distinct campaign names, in order: a loose index scan of the (campaign,
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
    return select(names.c.name).where(names.c.name.is_not(None)).limit(most)


def campaign_query(name: str, limit: int) -> Select[Lead]:
    """The `limit` newest leads of the campaign stored as `name`."""
    return (
        select(Lead)
        .where(Lead.campaign == name)
        .order_by(Lead.created_at.desc(), Lead.id.desc())
        .limit(limit)
    )


def returned_query(limit: int) -> Select[Lead]:
    """The `limit` leads returned to marketing most recently, the latest first.

    Bounded by the status index (every lead returned, then sorted) or by the outcome_at
    index read from the newest (until `limit` returned leads are found), as the
    planner judges; the IS NOT NULL keeps PostgreSQL's descending scan off the leads
    without an outcome, which it would read first.
    """
    return (
        select(Lead)
        .where(Lead.status == LeadStatus.RETURNED, Lead.outcome_at.is_not(None))
        .order_by(Lead.outcome_at.desc(), Lead.id.desc())
        .limit(limit)
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
