"""The `baton` command as an operator runs it: a real process, a real database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.store.engine import make_engine
from bot.store.schema import downgrade
from tests.conftest import require_postgres
from tests.support import databases

REPO = Path(__file__).resolve().parents[2]
# Secrets that pass the preflight; Slack itself is out of reach (a closed local port).
SLACK_ENV = {
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "test-secret",
    "SLACK_API_URL": "http://127.0.0.1:9/api/",
}


def baton(
    *args: str, env: dict[str, str] | None = None, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    unset = ("SLACK_", "BATON_CONFIG", "DATABASE_URL")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
    full_env.update(env or {})
    full_env.update(this_checkout())
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
    )


def this_checkout() -> dict[str, str]:
    """PYTHONPATH for a `baton` started outside REPO to run this checkout's code (an
    installed or editable `baton` may be another)."""
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def test_help_lists_every_command() -> None:
    result = baton("--help")
    assert result.returncode == 0
    for command in ("serve", "worker", "socket", "migrate", "check", "import"):
        assert command in result.stdout


def test_check_accepts_the_example() -> None:
    result = baton("check", "baton.example.yml")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_check_rejects_a_broken_file_precisely(tmp_path: Path) -> None:
    broken = (
        (REPO / "baton.example.yml")
        .read_text()
        .replace("claim_within: 5m", 'claim_within: "15 minutes"')
    )
    (tmp_path / "baton.yml").write_text(broken)
    result = baton("check", env={"BATON_CONFIG": str(tmp_path / "baton.yml")})
    assert result.returncode == 2
    assert (
        f'{tmp_path / "baton.yml"}: routes[1].claim_within: "15 minutes" is not a duration like 15m'
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_migrate_creates_the_schema_on_an_empty_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = baton("migrate", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert "upgraded: empty →" in result.stdout
    assert "leads" in inspect(make_engine(url)).get_table_names()
    assert "up to date" in baton("migrate", env={"DATABASE_URL": url}).stdout


def test_default_database_is_baton_db_in_the_working_directory(tmp_path: Path) -> None:
    result = baton("migrate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "baton.db").exists()


@pytest.mark.skipif("postgresql" not in databases.backends(), reason="PostgreSQL not selected")
def test_migrate_on_postgres_and_serve_refuses_an_outdated_schema(tmp_path: Path) -> None:
    require_postgres()
    schema = databases.PostgresSchema("baton_cli")
    try:
        env = {
            "DATABASE_URL": schema.url,
            "BATON_CONFIG": str(REPO / "baton.example.yml"),
            **SLACK_ENV,
        }
        refused = baton("serve", env=env)
        assert refused.returncode == 3
        assert "Run `baton migrate` first" in refused.stderr
        assert baton("migrate", env=env).returncode == 0
        engine = make_engine(schema.url)
        assert "due_work" in inspect(engine).get_table_names()
        downgrade(engine, "base")
        engine.dispose()
        assert "Run `baton migrate` first" in baton("serve", env=env).stderr
    finally:
        schema.drop()


def test_serve_migrates_a_new_sqlite_file_itself(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with socket.socket() as taken:  # serve stops at the port, after migrating
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        env = {
            "DATABASE_URL": url,
            "BATON_CONFIG": str(REPO / "baton.example.yml"),
            "PORT": port,
            **SLACK_ENV,
        }
        result = baton("serve", env=env)
    assert result.returncode != 0
    assert "leads" in inspect(make_engine(url)).get_table_names()
