"""Before `baton serve`, `worker`, `socket` or `check` start anything: every problem at
once, and nothing created.

Each used to stop at its first problem, some after creating `baton.db` and migrating it:
a new operator met them one run at a time. Here the policy file, the secrets the command
really needs (bot.core.settings.Settings.problems_for) and the database URL are checked
together, and all that is wrong is told in one run, before any file or schema exists.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import NullPool

from bot.cli_common import EXIT_NOT_READY, EXIT_USAGE, database_unreachable
from bot.core.policy import Policy, PolicyError, load_policy
from bot.core.settings import Settings
from bot.store.engine import make_engine, normalize_url

# How long `check` waits for PostgreSQL to answer before saying it cannot be reached.
CONNECT_SECONDS = 5


@dataclass
class Preflight:
    policy: Policy | None
    policy_problems: list[str] = field(default_factory=list)
    problems_beside_policy: list[str] = field(default_factory=list)
    database_down: bool = False  # PostgreSQL did not answer (and may yet: not a typo)

    @property
    def problems(self) -> list[str]:
        return self.policy_problems + self.problems_beside_policy

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        """3 when all that is wrong is a database that did not answer, else 2."""
        only_down = self.database_down and len(self.problems) == 1
        return EXIT_NOT_READY if only_down else EXIT_USAGE


def preflight(command: str, settings: Settings, policy_file: str | None = None) -> Preflight:
    """What `baton COMMAND` would stumble on; its policy when the file is good."""
    policy: Policy | None = None
    policy_problems: list[str] = []
    try:
        policy = load_policy(policy_file or settings.baton_config)
    except PolicyError as exc:
        policy_problems = str(exc).splitlines()
    database = database_problems(settings)
    others = settings.problems_for(command) + database.problems
    return Preflight(policy, policy_problems, others, database_down=database.down)


@dataclass(frozen=True)
class DatabaseCheck:
    problems: list[str]
    down: bool = False


def database_problems(settings: Settings) -> DatabaseCheck:
    """Whether DATABASE_URL names a database Baton can use, creating nothing: a SQLite
    file's folder must exist and be writable (the file itself is made by the first
    start), and PostgreSQL must answer."""
    try:
        parsed = make_url(normalize_url(settings.database_url))
    except ArgumentError:
        return DatabaseCheck(
            [
                "DATABASE_URL is not a database URL (sqlite:///baton.db or "
                "postgresql+psycopg://user:password@host:5432/baton)"
            ]
        )
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return DatabaseCheck(_sqlite_problems(parsed.database))
    if backend != "postgresql":
        return DatabaseCheck([f"DATABASE_URL: Baton runs on SQLite or PostgreSQL, not {backend}"])
    engine = make_engine(
        parsed.render_as_string(hide_password=False),
        poolclass=NullPool,
        connect_args={"connect_timeout": CONNECT_SECONDS},
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        return DatabaseCheck([database_unreachable(settings, exc)], down=True)
    finally:
        engine.dispose()
    return DatabaseCheck([])


def _sqlite_problems(database: str | None) -> list[str]:
    if database in (None, "", ":memory:"):
        return ["DATABASE_URL names an in-memory SQLite database, which keeps nothing: name a file"]
    folder = Path(database).resolve().parent
    if not folder.is_dir():
        return [f"DATABASE_URL: the folder {folder} does not exist"]
    if not os.access(folder, os.W_OK):
        return [f"DATABASE_URL: the folder {folder} cannot be written to"]
    return []
