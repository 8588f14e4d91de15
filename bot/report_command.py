"""`baton report`: the funnel report (bot.leads.funnel_report) for a terminal, a
spreadsheet or a program, with a chart if asked."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from zoneinfo import ZoneInfo

from bot.cli_common import EXIT_USAGE, schema_problem
from bot.core.clock import utcnow
from bot.core.policy import load_policy
from bot.core.settings import Settings
from bot.leads.funnel_export import to_csv, to_json, to_table
from bot.leads.funnel_report import GroupBy, between, funnel_report, period_named, period_of
from bot.store.database import Database


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-03") from None


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    policy = load_policy(settings.baton_config)
    tz = ZoneInfo(policy.timezone)
    now = utcnow()
    if (args.start is None) != (args.end is None):
        print("baton report: give both --from and --to, or neither.", file=sys.stderr)
        return EXIT_USAGE
    if args.start is not None:
        if args.end < args.start:
            print("baton report: --to is before --from.", file=sys.stderr)
            return EXIT_USAGE
        period = between(args.start, args.end, tz)
    else:
        try:
            period = period_of(period_named(args.since) or args.since.strip(), now, tz)
        except (ValueError, OverflowError):
            print(
                f"baton report: --since {args.since!r} is not a period: use 7d, 30d, 90d, "
                "this-month, last-month or quarter.",
                file=sys.stderr,
            )
            return EXIT_USAGE
    problem = schema_problem("report", settings)
    if problem is not None:
        return problem
    database = Database(settings.database_url)
    try:
        with database.read() as session:
            report = funnel_report(
                session, period, GroupBy(args.by), now=now, currency=policy.currency
            )
    finally:
        database.dispose()
    if args.format == "csv":
        data = to_csv(report)
    elif args.format == "json":
        data = (to_json(report) + "\n").encode()
    else:
        data = (to_table(report) + "\n").encode()
    if args.output is not None:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    if args.chart is not None:
        # matplotlib takes a second to import: only `--chart` pays for it, not every
        # `baton` command (this module is imported by bot.cli).
        from bot.leads.funnel_chart import funnel_chart

        args.chart.write_bytes(funnel_chart(report, locale=policy.locale))
        print(f"baton report: chart written to {args.chart}", file=sys.stderr)
    return 0
