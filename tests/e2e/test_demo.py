"""`baton demo` as a process: its Slack, its Baton and its page's API, over real HTTP.
(The page itself is driven in a real browser by tests/browser/.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.demo import DemoProcess, button, card_of, running_demo
from tests.support.processes import REPO

REP1, REP2, MANAGER, MARKETER = "U0DEMOREP1", "U0DEMOREP2", "U0DEMOMGR", "U0DEMOMKT"
SALES, ENTERPRISE, MARKETING = "C0DEMOSALES", "C0DEMOENT", "C0DEMOMKT"

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(tmp_path: Path) -> Any:
    with running_demo(tmp_path) as running:
        yield running


def hand_off_sample(demo: DemoProcess) -> tuple[int, str, dict[str, Any]]:
    """A sample lead, waited for until its card is in its channel: (id, channel, card)."""
    status, body = demo.post("/demo/api/sample-lead", {})
    assert status == 200 and body["ok"], body
    lead_id = int(body["lead"]["id"])

    def posted() -> tuple[str, dict[str, Any]] | None:
        for channel in (SALES, ENTERPRISE):
            card = card_of(demo.messages(REP1, channel), lead_id)
            if card is not None:
                return channel, card
        return None

    channel, card = demo.wait_for(f"lead #{lead_id}'s card", posted)
    return lead_id, channel, card


def click(
    demo: DemoProcess, person: str, channel: str, card: dict[str, Any], action_id: str
) -> Any:
    block_id, element = button(card, action_id)
    status, body = demo.post(
        "/demo/api/action",
        {
            "as": person,
            "conversation": channel,
            "message_ts": card["ts"],
            "action": {"type": "button", "block_id": block_id, **element},
        },
    )
    assert status == 200, body
    return body


def test_a_sample_lead_is_claimed_once_and_the_loser_alone_is_told(demo: DemoProcess) -> None:
    lead_id, channel, card = hand_off_sample(demo)

    click(demo, REP1, channel, card, "lead_claim")
    claimed = demo.wait_for(
        "the card showing its owner",
        lambda: (
            (c := card_of(demo.messages(REP1, channel), lead_id))
            and "claimed" in c["text"]
            and c.get("reply_count")
            and c
        ),
    )
    assert claimed["ts"] == card["ts"]  # updated in place, with the claim in its thread
    status, thread = demo.get(f"/demo/api/thread?as={REP1}&id={channel}&ts={card['ts']}")
    assert status == 200 and len(thread["messages"]) >= 2

    click(demo, REP2, channel, card, "lead_claim")
    note = demo.wait_for(
        "the note to the second rep",
        lambda: [m for m in demo.messages(REP2, channel) if m.get("ephemeral")],
    )
    assert "already claimed" in note[0]["text"]
    assert not [m for m in demo.messages(REP1, channel) if m.get("ephemeral")]


def test_lead_status_answers_the_marketer_only(demo: DemoProcess) -> None:
    status, body = demo.post(
        "/demo/api/command", {"as": MARKETER, "channel": MARKETING, "text": "/lead-status"}
    )
    assert status == 200, body
    answer = demo.wait_for(
        "the /lead-status answer",
        lambda: [m for m in demo.messages(MARKETER, MARKETING) if m.get("ephemeral")],
    )
    assert answer[0]["blocks"]
    assert not [m for m in demo.messages(REP1, MARKETING) if m.get("ephemeral")]


def test_changes_arrive_as_server_sent_events(demo: DemoProcess) -> None:
    stream = urllib.request.urlopen(
        f"{demo.base}/demo/api/events?as={REP1}&token={demo.token}", timeout=30
    )
    try:
        assert stream.readline().startswith(b"retry:")
        hand_off_sample(demo)
        line = b""
        while not line.startswith(b"data:"):
            line = stream.readline()
            assert line, "the stream ended before any change"
        assert b'"kind": "message"' in line
    finally:
        stream.close()


def test_only_the_page_it_served_may_use_the_api(demo: DemoProcess) -> None:
    for token in ("", "not-the-token"):
        status, body = demo.get("/demo/api/workspace", token=token)
        assert status == 403 and "demo page" in body["error"]
    status, body = demo.post("/demo/api/sample-lead", {}, origin="https://evil.example")
    assert status == 403
    status, body = demo.get("/demo/api/workspace")
    assert status == 200 and {p["role"] for p in body["people"]} == {"rep", "manager", "marketer"}


@pytest.mark.parametrize(
    ("path", "body", "problem"),
    [
        ("/demo/api/action", {"as": REP1, "action": {}}, "action_id"),
        ("/demo/api/action", {"as": "U0NOBODY", "action": {"action_id": "x"}}, "not a person"),
        ("/demo/api/submit", {"as": REP1, "view_id": "V1", "values": {}}, "no open view"),
        ("/demo/api/command", {"as": REP1, "text": "hello"}, "slash command"),
        ("/demo/api/command", b"not json", "JSON object"),
    ],
)
def test_bad_input_gets_a_clear_4xx(demo: DemoProcess, path: str, body: Any, problem: str) -> None:
    status, answer = demo.post(path, body)
    assert 400 <= status < 500 and problem in answer["error"], (status, answer)


def test_it_ignores_real_slack_settings_and_the_operators_database(tmp_path: Path) -> None:
    operators = tmp_path / "operators.db"
    operators.write_bytes(b"the operator's data")
    env = {
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "SLACK_BOT_TOKEN": "xoxb-real-token",
        "DATABASE_URL": f"sqlite:///{operators}",
    }
    with running_demo(tmp_path, "--seed", "4", env=env) as demo:
        lead_id, _, _ = hand_off_sample(demo)
        assert lead_id == 5  # after the four leads of history
        status, body = demo.post(
            "/demo/api/command", {"as": MANAGER, "channel": SALES, "text": "/lead-status"}
        )
        assert status == 200, body
    assert operators.read_bytes() == b"the operator's data"
    assert (tmp_path / "baton-demo" / "baton-demo.db").exists()
    said = next(line for line in demo.output().splitlines() if "ignoring" in line)
    assert all(name in said for name in env)


def test_a_taken_port_is_named_with_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bot", "demo", "--no-browser", "--port", str(port)],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 3
    assert f"try another with --port {port + 1}" in result.stderr
    assert "open http" not in result.stdout  # no address that does not answer
    assert "Traceback" not in result.stderr
