"""The `baton` command (also `python -m bot`)."""

from __future__ import annotations

import argparse
import errno
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from bot.cli_common import (
    EXIT_NOT_READY,
    EXIT_USAGE,
    baton_version,
    database_unreachable,
    port_in_use,
    schema_problem,
)
from bot.core import logs
from bot.core.policy import Policy, PolicyError, load_policy
from bot.core.settings import Settings
from bot.delivery.slack_client import make_web_client
from bot.demo.run import DemoOptions, run_demo
from bot.forget_command import cmd_forget
from bot.intake.csv_import import ImportProblem, run_import
from bot.leads.funnel_report import GroupBy
from bot.leads.lifecycle import LeadService
from bot.preflight import preflight
from bot.report_command import cmd_report, parse_day
from bot.runtime import Runtime, build_runtime
from bot.server import run_worker, serve_http
from bot.slack_app import create_bolt_app
from bot.slack_check import check_slack
from bot.socket_mode import SocketModeRefused, run_socket_mode
from bot.store import schema
from bot.store.database import Database
from bot.store.engine import make_engine
from bot.web import create_web_app


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "settings"
            print(f"baton: {name}: {err['msg']}", file=sys.stderr)
        return EXIT_USAGE
    logs.configure(settings.baton_log_level, fmt=settings.baton_log_format)
    try:
        return int(args.run(args, settings))
    except PolicyError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="baton",
        description="Baton hands sales-qualified leads from marketing to sales in Slack.",
    )
    parser.add_argument("--version", action="version", version=f"baton {baton_version()}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve Slack events and lead intake over HTTP on $PORT")
    serve.add_argument(
        "--web-only", action="store_true", help="do not run the scheduler and Slack delivery here"
    )
    serve.set_defaults(run=cmd_serve)

    demo = sub.add_parser(
        "demo",
        help="try Baton on a local Slack in the browser (no workspace, no secrets)",
        description="Run Baton with a local stand-in for Slack and a page that shows it, "
        "on http://127.0.0.1:PORT/. Each start is a fresh demo in ./baton-demo/.",
    )
    demo.add_argument("--port", type=_port, default=3000, help="the page's port (default 3000)")
    demo.add_argument("--locale", choices=("en", "ja"), default="en", help="language (en, ja)")
    demo.add_argument(
        "--seed", type=_count, default=0, metavar="N", help="start with N leads of history"
    )
    demo.add_argument("--no-browser", action="store_true", help="do not open a browser")
    demo.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="try this policy instead of the demo's (with the demo's channel and user ids)",
    )
    demo.set_defaults(run=cmd_demo)

    worker = sub.add_parser("worker", help="run the scheduler and Slack delivery only")
    worker.set_defaults(run=cmd_worker)

    socket = sub.add_parser("socket", help="connect to Slack over Socket Mode (SLACK_APP_TOKEN)")
    socket.set_defaults(run=cmd_socket)

    migrate = sub.add_parser("migrate", help="upgrade the database to the newest schema")
    migrate.set_defaults(run=cmd_migrate)

    check = sub.add_parser("check", help="validate the settings and the policy file")
    check.add_argument("file", nargs="?", help="policy file (default: $BATON_CONFIG or baton.yml)")
    check.add_argument(
        "--slack",
        action="store_true",
        help="also ask Slack: the token, its scopes, and the channels and users the policy names",
    )
    check.set_defaults(run=cmd_check)

    forget = sub.add_parser(
        "forget",
        help="erase a person's data: every lead of an email address, or one lead #ID",
        description="Erase the personal data of a lead (name, email, phone, title, notes, "
        "fields, CRM links) in the database and redact it in Slack; what reports need "
        "stays, without the person. Asks first unless --yes.",
    )
    forget.add_argument("target", metavar="EMAIL|#ID")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    forget.set_defaults(run=cmd_forget)

    retry = sub.add_parser(
        "retry-failed", help="send again the messages Slack refused, once the cause is fixed"
    )
    retry.add_argument("--channel", help="only messages for this channel or user id")
    retry.add_argument("--error", help="only messages that failed with this Slack error")
    retry.add_argument(
        "--list", action="store_true", help="list the delivery problems; re-queue nothing"
    )
    retry.set_defaults(run=cmd_retry_failed)

    imp = sub.add_parser(
        "import",
        help="hand off the leads in a CSV export",
        description="Hand off every row of a CSV export. Exits 1 if any row was rejected.",
    )
    imp.add_argument("file", help="CSV file (UTF-8, UTF-8 with BOM, or Shift_JIS)")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="read COLUMN into FIELD (name, email, company, title, phone, score, segment, "
        "region, campaign, reason, external_id, source, first_name, last_name, fields.KEY; "
        "- skips the column); repeatable",
    )
    imp.add_argument("--dry-run", action="store_true", help="check every row; write nothing")
    imp.add_argument(
        "--source", default="csv", help="source of rows without a source column (default: csv)"
    )
    imp.add_argument("--encoding", help="read the file in this encoding instead of detecting it")
    imp.set_defaults(run=cmd_import)

    report = sub.add_parser(
        "report",
        help="the funnel report by campaign, source, route, segment or rep",
        description="What became of the leads handed off in a period: handed off, claimed "
        "within SLA, meetings, opportunities and their rate, won and amount, disqualified, "
        "returned; for spreadsheets (CSV is UTF-8 with a BOM, for Excel).",
    )
    report.add_argument(
        "--since",
        default="30d",
        help="a period ending now: 7d, 30d, 90d, this-month, "
        "last-month, quarter or any Nd (default: 30d)",
    )
    report.add_argument("--from", dest="start", type=parse_day, help="first day (YYYY-MM-DD)")
    report.add_argument("--to", dest="end", type=parse_day, help="last day, included (YYYY-MM-DD)")
    report.add_argument(
        "--by", choices=[g.value for g in GroupBy], default="campaign", help="one row per …"
    )
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")
    report.add_argument("--chart", type=Path, metavar="FILE.png", help="also draw a chart")
    report.add_argument("--output", "-o", type=Path, help="write to this file, not stdout")
    report.set_defaults(run=cmd_report)
    return parser


def _not_built(name: str):  # type: ignore[no-untyped-def]
    def run(_args: argparse.Namespace, _settings: Settings) -> int:
        print(f"baton {name}: not built yet in this version of Baton.", file=sys.stderr)
        return EXIT_NOT_READY

    return run


def _prepared_runtime(command: str, settings: Settings) -> Runtime | int:
    """Check everything the command needs (every problem in one run, nothing created),
    then the database schema (a new SQLite file is migrated here), then build the
    runtime and ask Slack, in the background, whether it accepts the token."""
    checked = preflight(command, settings)
    if not checked.ok or checked.policy is None:
        for problem in checked.problems:
            print(f"baton {command}: {problem}", file=sys.stderr)
        return checked.exit_code
    not_ready = schema_problem(command, settings)
    if not_ready is not None:
        return not_ready
    runtime = build_runtime(settings, policy=checked.policy)
    threading.Thread(target=runtime.check_token, name="auth-test", daemon=True).start()
    return runtime


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    runtime = _prepared_runtime("serve", settings)
    if isinstance(runtime, int):
        return runtime
    bolt_app = create_bolt_app(runtime)
    try:
        serve_http(
            runtime,
            create_web_app(runtime, bolt_app),
            port=settings.port,
            background=not args.web_only,
        )
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        runtime.close()
        print(f"baton serve: {port_in_use(settings.port)}", file=sys.stderr)
        return EXIT_NOT_READY
    return 0


def cmd_socket(_args: argparse.Namespace, settings: Settings) -> int:
    runtime = _prepared_runtime("socket", settings)
    if isinstance(runtime, int):
        return runtime
    assert settings.slack_app_token is not None
    try:
        run_socket_mode(runtime, create_bolt_app(runtime), settings.slack_app_token)
    except SocketModeRefused as exc:
        print(f"baton socket: {exc}", file=sys.stderr)
        return EXIT_NOT_READY
    return 0


def cmd_demo(args: argparse.Namespace, _settings: Settings) -> int:
    options = DemoOptions(
        port=args.port,
        locale=args.locale,
        seed=args.seed,
        open_browser=not args.no_browser,
        policy=args.policy,
    )
    try:
        return run_demo(options)
    except OSError as exc:  # the port is taken, the folder cannot be written
        hint = f"; try another with --port {args.port + 1}" if exc.errno == errno.EADDRINUSE else ""
        print(f"baton demo: {exc.strerror or exc}{hint}", file=sys.stderr)
        return EXIT_NOT_READY


def _port(text: str) -> int:
    port = _count(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port (1-65535)")
    return port


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text} is not a whole number")
    return int(text)


def cmd_worker(_args: argparse.Namespace, settings: Settings) -> int:
    runtime = _prepared_runtime("worker", settings)
    if isinstance(runtime, int):
        return runtime
    run_worker(runtime)
    return 0


def cmd_retry_failed(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.clock import utcnow
    from bot.delivery.dead_letters import problems, retry_failed

    database = Database(settings.database_url)
    try:
        found = problems(database)
        for problem in found:
            print(f"- {problem.message('en')}")
        if args.list:
            if not found:
                print("No delivery problems: every message reached Slack or is on its way.")
            return 0
        count = retry_failed(database, utcnow(), channel=args.channel, error=args.error)
    except OperationalError as exc:
        print(f"baton retry-failed: {database_unreachable(settings, exc)}", file=sys.stderr)
        return EXIT_NOT_READY
    finally:
        database.dispose()
    if count:
        print(
            f"Re-queued {count} {'message' if count == 1 else 'messages'}; a running "
            "`baton serve` or `baton worker` sends them now."
        )
    elif args.channel or args.error:
        print("Nothing to retry: no dead letter matches that channel or error.")
    else:
        print("Nothing to retry: no message is waiting in dead letters.")
    return 0


def cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        before = schema.schema_status(engine)
        if before.state is schema.SchemaState.UNKNOWN:
            print(
                f"baton migrate: the database is at revision {before.current}, which this "
                "version of Baton does not know. Upgrade Baton instead.",
                file=sys.stderr,
            )
            return EXIT_NOT_READY
        schema.upgrade(engine)
        after = schema.schema_status(engine)
    except OperationalError as exc:
        print(f"baton migrate: {database_unreachable(settings, exc)}", file=sys.stderr)
        return EXIT_NOT_READY
    finally:
        engine.dispose()
    if before.current == after.current:
        print(f"Database schema is up to date (revision {after.current}).")
    else:
        print(f"Database schema upgraded: {before.current or 'empty'} → {after.current}.")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """The policy file (its problems fail the check), and what `baton serve` would lack
    besides (notes: a policy can be checked where Baton does not run), in one run."""
    path = args.file or settings.baton_config
    checked = preflight("serve", settings, path)
    policy = checked.policy
    notes = checked.problems if policy is not None else checked.problems_beside_policy
    if policy is None:
        for problem in checked.policy_problems:
            print(problem, file=sys.stderr)
    else:
        routes = ", ".join(route.name for route in policy.routes)
        count = len(policy.routes)
        print(
            f"{path}: OK — {count} {'route' if count == 1 else 'routes'}: {routes}; "
            f"locale {policy.locale}."
        )
    for problem in notes:
        print(f"note: {problem} — needed by `baton serve`.")
    if policy is None:
        return EXIT_USAGE
    return _check_slack(settings, policy) if args.slack else 0


def _check_slack(settings: Settings, policy: Policy) -> int:
    if not settings.slack_bot_token:
        print("baton check --slack: SLACK_BOT_TOKEN is not set", file=sys.stderr)
        return EXIT_USAGE
    done = check_slack(make_web_client(settings), policy)
    for line in done.found:
        print(f"Slack: {line}.")
    for line in done.notes:
        print(f"note: {line}.")
    for line in done.problems:
        print(f"baton check --slack: {line}", file=sys.stderr)
    return EXIT_NOT_READY if done.problems else 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    policy = load_policy(settings.baton_config)
    database: Database | None = None
    leads: LeadService | None = None
    if not args.dry_run:
        problem = schema_problem("import", settings)
        if problem is not None:
            return problem
        database = Database(settings.database_url)
        leads = LeadService(database, policy, dedupe_window=policy.intake.dedupe_window)
    try:
        return run_import(
            Path(args.file),
            policy=policy,
            leads=leads,
            overrides=args.map,
            default_source=args.source,
            encoding=args.encoding,
        )
    except ImportProblem as exc:
        print(f"baton import: {exc.message(policy.locale)}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if database is not None:
            database.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
