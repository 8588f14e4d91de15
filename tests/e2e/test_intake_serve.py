"""POST /leads against a real `baton serve` process: waitress, real sockets, real database."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.intake.auth import signed_headers
from bot.store.database import Database
from bot.store.models import Lead, OutboxMessage
from bot.store.outbox import Intent
from tests.support.intake import INTAKE_SECRET
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET

REPO = Path(__file__).resolve().parents[2]
LEAD = {
    "external_id": "mkto-88231",
    "source": "marketo",
    "name": "Aiko Tanaka",
    "email": "aiko.tanaka@example.co.jp",
    "company": "Example KK",
    "segment": "enterprise",
    "score": 91,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Any, what: str, limit: float = 30.0) -> Any:
    """Poll `check` until it returns something truthy (readiness, not a timing assertion)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def server(database_url: str, slack_api: SlackStandIn, tmp_path: Path) -> Iterator[int]:
    policy = tmp_path / "baton.yml"
    policy.write_text(STANDARD, encoding="utf-8")
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "BATON_", "DATABASE_URL"))
    }
    env.update(
        DATABASE_URL=database_url,
        BATON_CONFIG=str(policy),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_api.url,
        BATON_INTAKE_SECRET=INTAKE_SECRET,
        PORT=str(port),
    )
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError("baton serve exited:\n" + (tmp_path / "serve.log").read_text())
        try:
            return request(port, "GET", "/healthz")[0] == 200
        except OSError:
            return False

    try:
        wait_until(healthy, "baton serve to answer /healthz")
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        raw = answer.read()
        kind = answer.getheader("Content-Type", "")
        return answer.status, json.loads(raw) if kind.startswith("application/json") else raw
    finally:
        conn.close()


def post(
    port: int,
    payload: Any,
    *,
    headers: dict[str, str] | None = None,
    sign: bool = True,
    path: str = "/leads",
) -> tuple[int, Any]:
    body = json.dumps(payload).encode()
    sent = {"Content-Type": "application/json"}
    if sign:
        sent.update(signed_headers(INTAKE_SECRET, body, int(time.time())))
    sent.update(headers or {})
    return request(port, "POST", path, body, sent)


def post_chunked(port: int, body: bytes) -> int:
    """A body sent with Transfer-Encoding: chunked, so no Content-Length announces its size."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("POST", "/leads")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Transfer-Encoding", "chunked")
        for name, value in signed_headers(INTAKE_SECRET, body, int(time.time())).items():
            conn.putheader(name, value)
        conn.endheaders()
        for start in range(0, len(body), 8192):
            chunk = body[start : start + 8192]
            conn.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        conn.send(b"0\r\n\r\n")
        answer = conn.getresponse()
        answer.read()
        return answer.status
    finally:
        conn.close()


def test_webhook_through_baton_serve(
    server: int, database_url: str, slack_api: SlackStandIn
) -> None:
    port = server
    status, first = post(port, LEAD)
    assert status == 201, first
    assert first["route"] == "enterprise" and first["status"] == "unclaimed"
    for _ in range(3):
        status, again = post(port, LEAD)
        assert (status, again) == (200, {"id": first["id"], "duplicate": True})

    assert post(port, LEAD, sign=False)[0] == 401
    stale = signed_headers(INTAKE_SECRET, json.dumps(LEAD).encode(), int(time.time()) - 3600)
    status, answer = post(port, LEAD, sign=False, headers=stale)
    assert status == 401 and "stale" in answer["error"]
    assert post(port, LEAD, headers={"Content-Type": "text/plain"})[0] == 415
    status, answer = post(port, {**LEAD, "reason": "x" * 70 * 1024})
    assert status == 413 and "too large" in answer["error"]
    assert post_chunked(port, json.dumps({**LEAD, "reason": "y" * 70 * 1024}).encode()) == 413
    status, answer = post(port, {**LEAD, "external_id": "other", "score": "high", "nickname": "A"})
    assert status == 400 and set(answer["fields"]) == {"score", "nickname"}
    status, answer = post(port, LEAD, path="/leads?format=pardot")
    assert status == 400 and "hubspot, salesforce" in answer["error"]
    status, doc = request(port, "GET", "/leads/openapi.json")
    assert status == 200 and "/leads" in doc["paths"]

    db = Database(database_url)
    try:
        with db.read() as session:
            [lead] = session.scalars(select(Lead))
            assert lead.id == first["id"]

        def card_rows() -> list[OutboxMessage]:
            with db.read() as session:
                return list(
                    session.scalars(
                        select(OutboxMessage).where(OutboxMessage.kind == str(Intent.POST_CARD))
                    )
                )

        # Delivery in the serve process takes the card row (posts it, or sets it aside
        # when no card sender is installed); either way it is handled exactly once.
        [card] = wait_until(
            lambda: (
                [r for r in card_rows() if r.sent_at is not None or r.dead_at is not None]
                and card_rows()
            ),
            "the card's outbox row to be handled",
        )
        assert card.lead_id == lead.id
        posted = [
            c
            for c in slack_api.successful_calls("chat.postMessage")
            if c.args.get("channel") == "C0ENTERPRISE"
        ]
        assert len(posted) == (1 if card.sent_at is not None else 0)
    finally:
        db.dispose()
