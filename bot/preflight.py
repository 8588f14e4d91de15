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
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

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

    @property
    def problems(self) -> list[str]:
        return self.policy_problems + self.problems_beside_policy

    @property
    def ok(self) -> bool:
        return not self.problems


def preflight(command: str, settings: Settings, policy_file: str | None = None) -> Preflight:
    """What `baton COMMAND` would stumble on; its policy when the file is good."""
    policy: Policy | None = None
    policy_problems: list[str] = []
    try:
        policy = load_policy(policy_file or settings.baton_config)
    except PolicyError as exc:
        policy_problems = str(exc).splitlines()
    others = settings.problems_for(command) + database_problems(settings.database_url)
    return Preflight(policy, policy_problems, others)


def database_problems(url: str) -> list[str]:
    """Whether DATABASE_URL names a database Baton can use, creating nothing: a SQLite
    file's folder must exist and be writable (the file itself is made by the first
    start), and PostgreSQL must answer."""
    try:
        parsed = make_url(normalize_url(url))
    except ArgumentError:
        return [
            "DATABASE_URL is not a database URL (sqlite:///baton.db or "
            "postgresql+psycopg://user:password@host:5432/baton)"
        ]
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            return [
                "DATABASE_URL names an in-memory SQLite database, which keeps nothing: name a file"
            ]
        folder = Path(parsed.database).resolve().parent
        if not folder.is_dir():
            return [f"DATABASE_URL: the folder {folder} does not exist"]
        if not os.access(folder, os.W_OK):
            return [f"DATABASE_URL: the folder {folder} cannot be written to"]
        return []
    if backend != "postgresql":
        return [f"DATABASE_URL: Baton runs on SQLite or PostgreSQL, not {backend}"]
    engine = make_engine(
        parsed.render_as_string(hide_password=False),
        poolclass=NullPool,
        connect_args={"connect_timeout": CONNECT_SECONDS},
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return [f"DATABASE_URL: cannot reach PostgreSQL at {where} ({reason})"]
    finally:
        engine.dispose()
    return []
