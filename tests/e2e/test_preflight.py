"""Before `baton serve`, `worker` or `check` start anything: every problem in one run,
and no file created (bot/preflight.py). Real `baton` processes."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.e2e.test_cli import REPO, SLACK_ENV, baton


def test_serve_with_nothing_configured_names_every_missing_piece_and_creates_nothing(
    tmp_path: Path,
) -> None:
    result = baton("serve", cwd=tmp_path)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "baton serve: baton.yml: no such file. Copy baton.example.yml to baton.yml and edit "
        "it, or point BATON_CONFIG at your policy file.",
        "baton serve: SLACK_BOT_TOKEN is not set (OAuth & Permissions → Bot User OAuth Token, "
        "xoxb-…)",
        "baton serve: SLACK_SIGNING_SECRET is not set (Basic Information → Signing Secret)",
    ]
    assert list(tmp_path.iterdir()) == []  # no baton.db, nothing migrated


def test_a_worker_needs_no_signing_secret(tmp_path: Path) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "DATABASE_URL": f"sqlite:///{tmp_path}/gone/b.db"}
    result = baton("worker", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" not in result.stderr
    assert f"baton worker: DATABASE_URL: the folder {tmp_path}/gone does not exist" in result.stderr
    assert "baton.yml: no such file" in result.stderr


def test_an_unreachable_postgres_is_named_with_the_other_problems(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **SLACK_ENV,
        "BATON_CONFIG": str(REPO / "baton.example.yml"),
        "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{port}/baton",
        "SLACK_BOT_TOKEN": "not-a-token",
    }
    result = baton("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2  # a token to correct, not only a database to start
    assert "SLACK_BOT_TOKEN does not look like a bot token" in result.stderr
    reach = f"baton serve: cannot reach the database postgresql+psycopg://postgres@127.0.0.1:{port}"
    assert reach in result.stderr
    assert "Traceback" not in result.stderr


def test_check_fails_on_the_policy_and_notes_the_rest_in_one_run(tmp_path: Path) -> None:
    (tmp_path / "baton.yml").write_text("routes: []\n")
    result = baton("check", env={"DATABASE_URL": "mysql://db/baton"}, cwd=tmp_path)

    assert result.returncode == 2
    assert "baton.yml: routes: must not be empty" in result.stderr
    notes = result.stdout.splitlines()
    assert "note: SLACK_BOT_TOKEN is not set" in notes[0]
    assert "note: DATABASE_URL: Baton runs on SQLite or PostgreSQL, not mysql" in result.stdout
