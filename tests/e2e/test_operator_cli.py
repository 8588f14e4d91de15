"""The `baton` command as an operator meets it on a terminal: readable log lines, quiet
libraries, `--version`, `.env`, and one line saying what to do when the port is taken or
the database refuses connections."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from tests.e2e.test_cli import REPO, baton, this_checkout
from tests.support.processes import free_port
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET

TEXT_LINE = re.compile(r"^\d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR) +\S")
SLACK = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}


def on_a_terminal(*args: str, env: dict[str, str], timeout: float = 120.0) -> tuple[int, str]:
    """Run `baton` with stdout and stderr on a pseudo-terminal; its exit status and output."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BATON_"))}
    keep.pop("DATABASE_URL", None)
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        env={**keep, **env, **this_checkout()},
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=secondary,
    )
    os.close(secondary)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 1.0)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                data = os.read(primary, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        status = process.wait(timeout=max(deadline - time.monotonic(), 1.0))
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
    return status, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def migrate_env(tmp_path: Path, name: str, **env: str) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / name}", "BATON_LOG_LEVEL": "DEBUG", **env}


def test_version() -> None:
    result = baton("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"baton {metadata.version('baton')}\n"


def test_log_lines_are_text_on_a_terminal_and_json_on_a_pipe(tmp_path: Path) -> None:
    # At DEBUG the migrations' lines show, which gives both runs something to log.
    status, output = on_a_terminal("migrate", env=migrate_env(tmp_path, "tty.db"))
    assert status == 0, output
    upgrades = [line for line in output.splitlines() if "Running upgrade" in line]
    assert upgrades and all(TEXT_LINE.match(line) for line in upgrades), output
    assert not any(line.startswith("{") for line in output.splitlines()), output

    piped = baton("migrate", env=migrate_env(tmp_path, "pipe.db"))
    assert piped.returncode == 0, piped.stderr
    lines = [json.loads(line) for line in piped.stderr.splitlines() if "Running upgrade" in line]
    assert lines and all(line["logger"].startswith("alembic") for line in lines)


def test_baton_log_format_overrides_the_guess(tmp_path: Path) -> None:
    env = migrate_env(tmp_path, "tty.db", BATON_LOG_FORMAT="json")
    status, output = on_a_terminal("migrate", env=env)
    assert status == 0, output
    upgrades = [line for line in output.splitlines() if "Running upgrade" in line]
    assert upgrades and all(json.loads(line)["level"] == "info" for line in upgrades)

    piped = baton("migrate", env=migrate_env(tmp_path, "pipe.db", BATON_LOG_FORMAT="Text"))
    upgrades = [line for line in piped.stderr.splitlines() if "Running upgrade" in line]
    assert upgrades and all(TEXT_LINE.match(line) for line in upgrades), piped.stderr

    wrong = baton("migrate", env=migrate_env(tmp_path, "x.db", BATON_LOG_FORMAT="xml"))
    assert wrong.returncode == 2 and "BATON_LOG_FORMAT" in wrong.stderr


def test_a_taken_port_is_one_line_and_libraries_are_quiet_unless_debug(tmp_path: Path) -> None:
    with socket.create_server(("0.0.0.0", 0)) as taken:
        port = taken.getsockname()[1]
        env = {
            **SLACK,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",  # migrated by serve
            "BATON_CONFIG": str(REPO / "baton.example.yml"),
            "PORT": str(port),
        }
        result = baton("serve", env=env)
        assert result.returncode == 3, result.stderr
        assert result.stderr.splitlines() == [
            f"baton serve: port {port} is already in use (another `baton serve`?): stop that "
            "process or set PORT to a free port."
        ]
        # At DEBUG the migrations and Bolt say what they have to say.
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh-debug.db'}"
        debug = baton("serve", env={**env, "BATON_LOG_LEVEL": "DEBUG"})
    assert debug.returncode == 3, debug.stderr
    assert "Running upgrade" in debug.stderr
    assert "As you gave `client` as well, `token` will be unused." in debug.stderr


def test_a_database_refusing_connections_is_one_line(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg://baton:s3cret-pw@127.0.0.1:{port}/baton"
    env = {**SLACK, "DATABASE_URL": url, "BATON_CONFIG": str(REPO / "baton.example.yml")}
    for command in ("serve", "worker", "migrate"):
        result = baton(command, env=env)
        assert result.returncode == 3, result.stderr
        [line] = result.stderr.splitlines()
        assert line.startswith(
            f"baton {command}: cannot reach the database "
            f"postgresql+psycopg://baton:***@127.0.0.1:{port}/baton ("
        ), line
        assert "Connection refused" in line
        assert line.endswith(
            "start the database or correct DATABASE_URL (host, port, name, user, password)."
        )
        assert "s3cret-pw" not in result.stderr


def test_settings_are_read_from_a_dot_env_file_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "# settings for this folder\nDATABASE_URL=sqlite:///from-dotenv.db\n", encoding="utf-8"
    )
    result = baton("migrate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-dotenv.db").exists()
    assert not (tmp_path / "baton.db").exists()

    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'from-environment.db'}"}
    result = baton("migrate", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-environment.db").exists()
