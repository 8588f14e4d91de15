"""Test databases: a migrated SQLite file per test, or a private PostgreSQL schema.

`BATON_TEST_DATABASES` picks the backends (default `sqlite,postgresql`);
`BATON_TEST_POSTGRES_URL` points at the server (default: local `test` database).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from bot.store.engine import make_engine
from bot.store.models import Base
from bot.store.schema import upgrade

POSTGRES_URL = os.environ.get(
    "BATON_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def backends() -> list[str]:
    chosen = os.environ.get("BATON_TEST_DATABASES", "sqlite,postgresql")
    return [b.strip() for b in chosen.split(",") if b.strip()]


def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means: no server here
        return f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} is not reachable: {exc}"
    return None


def skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (under CI these tests must run, not skip)")
    pytest.skip(reason)


def with_search_path(url: str, schema: str) -> str:
    """The URL of `url` with every connection confined to `schema`."""
    return (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


class PostgresSchema:
    """A schema of its own, so concurrent test runs on one server never meet."""

    def __init__(self, prefix: str = "baton_test") -> None:
        self.name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.url = with_search_path(POSTGRES_URL, self.name)
        # pre-ping: the server may have restarted since (the database-restart fault test)
        self._admin = create_engine(POSTGRES_URL, pool_pre_ping=True)
        with self._admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))

    def drop(self) -> None:
        with self._admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        self._admin.dispose()


class MigratedTemplates:
    """Migrate once per session; hand each test a clean copy."""

    def __init__(self, tmp_root: Path) -> None:
        self.tmp_root = tmp_root
        self._sqlite_template: Path | None = None
        self._pg: PostgresSchema | None = None

    def sqlite_url(self, dest: Path) -> str:
        if self._sqlite_template is None:
            template = self.tmp_root / "template.db"
            engine = make_engine(f"sqlite:///{template}")
            upgrade(engine)
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            self._sqlite_template = template
        shutil.copyfile(self._sqlite_template, dest)
        return f"sqlite:///{dest}"

    def postgres_url(self) -> str:
        if self._pg is None:
            self._pg = PostgresSchema()
            engine = make_engine(self._pg.url)
            upgrade(engine)
            engine.dispose()
        else:
            engine = make_engine(self._pg.url)
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            with engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            engine.dispose()
        return self._pg.url

    def close(self) -> None:
        if self._pg is not None:
            self._pg.drop()


def count_inserts(engine: Engine, table: str, verb: str = "INSERT INTO") -> list[int]:
    """One entry per INSERT statement (or `verb`: "UPDATE") into `table` through `engine`
    from now on: how many parameter sets it ran with (an executemany is one statement)."""
    seen: list[int] = []

    def before(
        _conn: Any, _cursor: Any, statement: str, params: Any, _ctx: Any, many: bool
    ) -> None:
        if statement.lstrip().upper().startswith(f"{verb} {table.upper()} "):
            seen.append(len(params) if many else 1)

    event.listen(engine, "before_cursor_execute", before)
    return seen


def statements_with(engine: Engine, *fragments: str) -> list[str]:
    """Each statement run through `engine` from now on whose SQL holds every one of
    `fragments`."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if all(fragment in statement for fragment in fragments):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return seen
