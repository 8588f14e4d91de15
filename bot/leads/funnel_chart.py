"""Pictures of the funnel report (matplotlib): leads handed off and 商談化率 by group,
and, for the weekly report, SLA attainment week by week.

Rendered off screen (the Agg backend) to PNG bytes. matplotlib-fontja registers a
Japanese font that ships with the package, so a Japanese campaign name draws as text on
a server with no Japanese fonts installed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede pyplot

import matplotlib_fontja  # noqa: F401  (registers IPAex Gothic as the font)
from matplotlib.figure import Figure

from bot.core.i18n import t
from bot.leads.funnel_report import FunnelReport, GroupBy, WeekAttainment

MAX_BARS = 12  # more would not be legible; the table lists them all
_VOLUME = "#457b9d"
_RATE = "#e63946"


def funnel_chart(
    report: FunnelReport,
    *,
    locale: str,
    weeks: Sequence[WeekAttainment] = (),
) -> bytes:
    """A PNG: volume bars and the opportunity rate per group; below, if `weeks` are
    given, the share of leads claimed within the SLA per week."""
    rows = report.rows[:MAX_BARS]
    panels = 2 if weeks else 1
    figure = Figure(figsize=(10, 4.2 * panels), dpi=100, layout="constrained")
    axes = figure.subplots(panels, 1, squeeze=False)[:, 0]
    volume = axes[0]
    names = [_name(row.group, report.by, locale) for row in rows]
    positions = list(range(len(rows)))
    volume.bar(positions, [row.handed_off for row in rows], color=_VOLUME)
    volume.set_xticks(positions, names, rotation=30, ha="right")
    volume.set_ylabel(t("chart.handed_off", locale), color=_VOLUME)
    by = t(f"report.by.{report.by}", locale)
    volume.set_title(t("chart.funnel_title", locale, by=by))
    rate = volume.twinx()
    rate.plot(
        positions,
        [row.opportunity_rate_pct or 0 for row in rows],
        color=_RATE,
        marker="o",
    )
    rate.set_ylim(0, 100)
    rate.set_ylabel(t("chart.opportunity_rate", locale), color=_RATE)
    if weeks:
        sla = axes[1]
        labels = [f"{w.week_of.month}/{w.week_of.day}" for w in weeks]
        sla.plot(labels, [w.claimed_in_sla_pct or 0 for w in weeks], color=_VOLUME, marker="o")
        sla.set_ylim(0, 100)
        sla.set_title(t("chart.sla_title", locale))
        sla.set_ylabel(t("chart.sla_pct", locale))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _name(group: str | None, by: GroupBy, locale: str) -> str:
    if group is None:
        return t("report.funnel.no_rep" if by is GroupBy.REP else "report.funnel.no_group", locale)
    return group if len(group) <= 24 else group[:23] + "…"
