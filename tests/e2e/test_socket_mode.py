"""`baton socket`: the same app over Socket Mode, with delivery in the same process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_cli import baton
from tests.support.policies import STANDARD
from tests.support.processes import free_port, wait_until
from tests.support.slack_api import SlackStandIn, spec_path
from tests.support.slack_app import BOT_TOKEN
from tests.support.socket_mode import SocketModeServer

REPO = Path(__file__).resolve().parents[2]
APP_TOKEN = "xapp-1-test"


@pytest.fixture
def socket_standin(tmp_path: Path) -> Iterator[SlackStandIn]:
    """The stand-in, with apps.connections.open added to Slack's 2020 description
    (Socket Mode came later); it still checks every other call against the spec."""
    spec = json.loads(spec_path().read_text(encoding="utf-8"))
    spec["paths"]["/apps.connections.open"] = {
        "post": {"parameters": [{"name": "token", "in": "header", "required": True}]}
    }
    extended = tmp_path / "spec.json"
    extended.write_text(json.dumps(spec), encoding="utf-8")
    with SlackStandIn(spec=extended) as standin:
        yield standin
        standin.assert_no_violations()


def socket_env(database_url: str, standin: SlackStandIn, tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "baton.yml"
    config.write_text(STANDARD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BATON_"))}
    return env | {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": standin.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "BATON_CONFIG": str(config),
    }


def start_socket(env: dict[str, str]) -> subprocess.Popen[str]:
    """`baton socket`, its output (stdout and stderr) read when it ends."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "socket"],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_socket_mode_needs_an_app_token(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}", "SLACK_BOT_TOKEN": BOT_TOKEN}
    env["BATON_CONFIG"] = str(REPO / "baton.example.yml")
    result = baton("socket", env=env)
    assert result.returncode == 2
    assert "SLACK_APP_TOKEN is not set" in result.stderr and "Traceback" not in result.stderr
    result = baton("socket", env=env | {"SLACK_APP_TOKEN": "xoxb-wrong"})
    assert "does not look like an app-level token" in result.stderr


def test_a_refused_app_token_is_explained(
    database_url: str, socket_standin: SlackStandIn, tmp_path: Path
) -> None:
    socket_standin.respond("apps.connections.open", {"ok": False, "error": "invalid_auth"})
    result = baton("socket", env=socket_env(database_url, socket_standin, tmp_path))
    assert result.returncode == 3, result.stderr
    assert "Slack refused the Socket Mode connection (invalid_auth)" in result.stderr
    [opened] = socket_standin.calls("apps.connections.open")
    assert opened.token == APP_TOKEN


def test_slash_command_and_home_over_socket_mode(
    database_url: str, socket_standin: SlackStandIn, tmp_path: Path
) -> None:
    server = SocketModeServer()
    socket_standin.respond("apps.connections.open", {"ok": True, "url": server.url})
    process = start_socket(socket_env(database_url, socket_standin, tmp_path))
    try:
        server.wait_connected()
        command: dict[str, Any] = {
            "command": "/lead-status",
            "text": "help",
            "user_id": "U0REP1",
            "channel_id": "C0SALES",
            "team_id": "T0TEAM",
            "api_app_id": "A0BATON",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "t.1",
        }
        server.send(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": command,
            }
        )
        ack = server.ack_for("env-1")
        assert ack["payload"]["response_type"] == "ephemeral"
        assert "How to use /lead-status" in json.dumps(ack["payload"]["blocks"])

        event = {"type": "app_home_opened", "user": "U0REP1", "tab": "home", "channel": "DU0REP1"}
        server.send(
            {
                "envelope_id": "env-2",
                "type": "events_api",
                "accepts_response_payload": False,
                "payload": {
                    "type": "event_callback",
                    "team_id": "T0TEAM",
                    "api_app_id": "A0BATON",
                    "event": event,
                    "event_id": "Ev1",
                    "event_time": 1,
                },
            }
        )
        server.ack_for("env-2")
        [published] = socket_standin.wait_for("views.publish", timeout=30)
        assert published.args["user_id"] == "U0REP1" and published.token == BOT_TOKEN
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        server.close()
    assert "Traceback" not in output, output
    assert process.returncode == 0, output


def test_socket_mode_tries_again_while_slack_cannot_be_reached(
    database_url: str, socket_standin: SlackStandIn, tmp_path: Path
) -> None:
    server = SocketModeServer()
    socket_standin.fail("apps.connections.open", status=503, times=2)
    socket_standin.respond("apps.connections.open", {"ok": True, "url": server.url})
    process = start_socket(socket_env(database_url, socket_standin, tmp_path))
    try:
        server.wait_connected(timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        server.close()
    retries = [line for line in output.splitlines() if "cannot reach Slack" in line]
    assert retries == [
        "baton socket: cannot reach Slack (Slack answered 503); trying again in 1 s. "
        "Check the network, a proxy or SLACK_API_URL.",
        "baton socket: cannot reach Slack (Slack answered 503); trying again in 2 s. "
        "Check the network, a proxy or SLACK_API_URL.",
    ], output
    assert "Baton is connected to Slack over Socket Mode." in output
    assert len(socket_standin.calls("apps.connections.open")) == 3
    assert "Traceback" not in output, output
    assert process.returncode == 0, output


def test_socket_mode_without_a_network_says_so_in_one_line_and_waits(
    database_url: str, tmp_path: Path
) -> None:
    with SlackStandIn() as standin:
        env = socket_env(database_url, standin, tmp_path)
    env["SLACK_API_URL"] = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    log = tmp_path / "socket.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "socket"], env=env, cwd=REPO, stdout=out, stderr=out
        )
    try:

        def output() -> str:
            return log.read_text(encoding="utf-8", errors="replace")

        wait_until(lambda: output().count("cannot reach Slack") >= 2, 60, output)
        assert process.poll() is None, output()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    lines = output().splitlines()
    assert [line for line in lines if "Connection refused" in line] == [
        line for line in lines if line.startswith("baton socket: cannot reach Slack")
    ], output()
    assert "trying again in 1 s" in output() and "trying again in 2 s" in output()
    assert "Traceback" not in output() and process.returncode == 0, output()
