"""What the `baton` subcommands share: exit codes, and the database check before work."""

from __future__ import annotations

import sys

from sqlalchemy.exc import OperationalError

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
        print(f"baton {command}: cannot reach the database: {exc.orig}", file=sys.stderr)
        return EXIT_NOT_READY
    finally:
        engine.dispose()
    return None
