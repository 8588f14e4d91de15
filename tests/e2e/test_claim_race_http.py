"""The claim race through a real `baton serve` process: concurrent signed clicks over
HTTP, one winner, exactly one card update, and every other clicker told who won."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.core.policy import parse_policy
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.slack_standin import requests as signing
from bot.store.database import Database
from bot.store.models import OutboxMessage
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET

REPO = Path(__file__).resolve().parents[2]
CLICKERS = 30
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: object, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def served(database_url: str, slack_api: SlackStandIn, tmp_path: Path) -> Iterator[str]:
    """`python -m bot serve` on a free port, wired to the test database and the stand-in."""
    config = tmp_path / "baton.yml"
    config.write_text(STANDARD, encoding="utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BATON_"))}
    env |= {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": slack_api.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "BATON_CONFIG": str(config),
        "PORT": str(port),
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], env=env, cwd=REPO, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"baton serve exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    try:
        wait_until(healthy, "baton serve to answer /healthz", STARTUP_SECONDS)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert "Traceback" not in log.read_text(), log.read_text()


def test_concurrent_claim_clicks_over_http(
    served: str, database_url: str, slack_api: SlackStandIn
) -> None:
    db = Database(database_url)
    try:
        leads = LeadService(db, parse_policy(STANDARD))
        lead = leads.hand_off(LeadInput(source="web", name="Race Lead", email="r@example.com")).lead
        [card] = slack_api.wait_for("chat.postMessage", timeout=30)
        ts = (card.response or {})["ts"]

        users = [f"U0RACE{i:02d}" for i in range(CLICKERS)]
        start = threading.Barrier(CLICKERS)

        def click(user: str) -> int:
            body = signing.block_action_body(
                "lead_claim", str(lead.id), user=user, channel="C0SALES", message_ts=ts
            )
            request = urllib.request.Request(
                f"{served}/slack/events",
                data=body.encode(),
                headers=signing.signed_headers(SIGNING_SECRET, body),
                method="POST",
            )
            start.wait()
            with urllib.request.urlopen(request, timeout=60) as answer:
                return int(answer.status)

        with ThreadPoolExecutor(CLICKERS) as pool:
            statuses = list(pool.map(click, users))
        assert statuses == [200] * CLICKERS

        winner = leads.get(lead.id).owner_id
        assert winner in users
        losers = set(users) - {winner}
        notes = slack_api.wait_for("chat.postEphemeral", count=len(losers), timeout=60)

        def drained() -> bool:
            with db.read() as session:
                pending = session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
                )
            return pending == 0

        wait_until(drained, "the outbox to drain")
    finally:
        db.dispose()

    assert sorted(n.args["user"] for n in notes) == sorted(losers)
    for note in notes:
        assert note.ok and note.args["channel"] == "C0SALES"
        assert f"already claimed by <@{winner}>" in note.args["text"]
    [update] = slack_api.calls("chat.update")
    assert update.ok and (update.args["channel"], update.args["ts"]) == ("C0SALES", ts)
    assert f"Claimed by <@{winner}>" in str(update.args["blocks"])
    replies = [c for c in slack_api.calls("chat.postMessage") if c.args.get("thread_ts") == ts]
    assert [r.args["text"] for r in replies] == [f"🙋 <@{winner}> claimed the lead"]
