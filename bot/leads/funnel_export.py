"""The funnel report for spreadsheets and programs: CSV, JSON, a plain-text table.

CSV is UTF-8 with a byte-order mark, which is how Excel in Japan recognises UTF-8 (without
it, it reads Shift_JIS and Japanese campaign names come out garbled). Numbers stay plain
(no thousands separators, no currency sign) so a spreadsheet can sum them.

By rep, each row also has the offers the rep received (`OFFER_COLUMNS`).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import timedelta
from typing import Any

from bot.leads.funnel_report import FunnelReport, FunnelRow, GroupBy

COLUMNS = (
    "group",
    "handed_off",
    "claimed_in_sla_pct",
    "median_minutes_to_claim",
    "median_minutes_to_first_touch",
    "meetings",
    "opportunities",
    "opportunity_rate_pct",
    "won",
    "won_amount",
    "currency",
    "disqualified",
    "top_disqualify_reason",
    "returned",
    "handed_off_before",
    "opportunity_rate_pct_before",
)
# By rep only: offers received, accepted, passed (the reason given most), and the median
# seconds from an offer to its acceptance.
OFFER_COLUMNS = ("offers", "accepted", "passed", "top_pass_reason", "median_accept_seconds")


def columns_of(report: FunnelReport) -> tuple[str, ...]:
    return COLUMNS + OFFER_COLUMNS if report.by is GroupBy.REP else COLUMNS


def row_values(report: FunnelReport, row: FunnelRow) -> dict[str, Any]:
    before = report.before(row)
    values: dict[str, Any] = {
        "group": row.group if row.group is not None else "",
        "handed_off": row.handed_off,
        "claimed_in_sla_pct": row.claimed_in_sla_pct,
        "median_minutes_to_claim": _minutes(row.median_to_claim),
        "median_minutes_to_first_touch": _minutes(row.median_to_touch),
        "meetings": row.meetings,
        "opportunities": row.opportunities,
        "opportunity_rate_pct": row.opportunity_rate_pct,
        "won": row.won,
        "won_amount": format(row.won_amount.normalize(), "f") if row.won_amount else "0",
        "currency": report.currency,
        "disqualified": row.disqualified,
        "top_disqualify_reason": row.top_disqualify_reason or "",
        "returned": row.returned,
        "handed_off_before": before.handed_off if before else None,
        "opportunity_rate_pct_before": before.opportunity_rate_pct if before else None,
    }
    if report.by is GroupBy.REP:
        span = row.median_to_accept
        values |= {
            "offers": row.offers,
            "accepted": row.accepted,
            "passed": row.passed,
            "top_pass_reason": row.top_pass_reason or "",
            "median_accept_seconds": None if span is None else round(span.total_seconds()),
        }
    return values


def _minutes(span: timedelta | None) -> float | None:
    return None if span is None else round(span.total_seconds() / 60, 1)


def to_csv(report: FunnelReport) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns_of(report), lineterminator="\r\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow({k: "" if v is None else v for k, v in row_values(report, row).items()})
    return out.getvalue().encode("utf-8-sig")


def to_json(report: FunnelReport) -> str:
    document = {
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "by": str(report.by),
        "currency": report.currency,
        "rows": [row_values(report, row) for row in report.rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def to_table(report: FunnelReport) -> str:
    """Columns aligned for a terminal (East Asian wide characters count as two)."""
    shown: tuple[str, ...] = (
        "group",
        "handed_off",
        "claimed_in_sla_pct",
        "opportunities",
        "opportunity_rate_pct",
        "won",
        "won_amount",
        "disqualified",
        "returned",
    )
    header = [
        "group",
        "handed off",
        "in SLA %",
        "opps",
        "opp rate %",
        "won",
        "amount",
        "disq.",
        "returned",
    ]
    if report.by is GroupBy.REP:
        shown += ("offers", "accepted", "passed")
        header += ["offers", "accepted", "passed"]
    lines = [header] + [
        ["" if (v := row_values(report, row)[c]) is None else str(v) for c in shown]
        for row in report.rows
    ]
    widths = [max(_width(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(_pad(cell, widths[i], left=i == 0) for i, cell in enumerate(line))
        for line in lines
    )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    space = " " * (width - _width(text))
    return text + space if left else space + text
