"""What the `baton` subcommands share: exit codes, the database check before work, and
the one-line answers to an operator's usual problems."""

from __future__ import annotations

import sys
from importlib import metadata

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot.core.settings import Settings
from bot.store import schema
from bot.store.engine import make_engine

EXIT_USAGE = 2
EXIT_NOT_READY = 3


def schema_problem(command: str, settings: Settings) -> int | None:
    """None when the database is ready; else say why and return the exit code."""
    engine = make_engine(settings.database_url)
    try:
        schema.ensure_schema(engine)
    except schema.SchemaNotReady as exc:
        print(f"baton {command}: {exc}", file=sys.stderr)
        return EXIT_NOT_READY
    except OperationalError as exc:
        print(f"baton {command}: {database_unreachable(settings, exc)}", file=sys.stderr)
        return EXIT_NOT_READY
    finally:
        engine.dispose()
    return None


def database_unreachable(settings: Settings, error: OperationalError) -> str:
    """One line: which database did not answer, why, and what to do."""
    try:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
    except ArgumentError:
        where = "DATABASE_URL"
    said = str(error.orig or error).strip()
    reason = said.splitlines()[0] if said else "no answer"
    if where.startswith("sqlite"):
        todo = "check that DATABASE_URL names a file in a folder Baton may write to"
    else:
        todo = "start the database or correct DATABASE_URL (host, port, name, user, password)"
    return f"cannot reach the database {where} ({reason}): {todo}."


def port_in_use(port: int) -> str:
    return (
        f"port {port} is already in use (another `baton serve`?): stop that process or set "
        "PORT to a free port."
    )


def baton_version() -> str:
    try:
        return metadata.version("baton")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"
