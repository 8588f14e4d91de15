"""Real `baton serve` / `baton worker` processes against a test database and the stand-in."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.store import outbox
from bot.store.database import Database
from bot.store.models import OutboxMessage
from bot.store.outbox import Intent
from tests.support.outbox import queue_rows
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET

REPO = Path(__file__).resolve().parents[2]
# For tests that kill a process: its outbox rows come back once its leases run out, in
# 3 s instead of the 60 s of production.
SHORT_LEASE = {"BATON_OUTBOX_LEASE_SECONDS": "3"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Baton:
    """One `baton` process; its JSON log lines go to a file kept for failure reports."""

    def __init__(
        self,
        command: str,
        *,
        database_url: str,
        slack_api: SlackStandIn,
        workdir: Path,
        **env: str,
    ) -> None:
        self.command = command
        self.port = free_port()
        policy = workdir / "baton.yml"
        if not policy.exists():
            policy.write_text(STANDARD, encoding="utf-8")
        self.log_path = workdir / f"{command}-{self.port}.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BATON_"))},
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack_api.url,
            "DATABASE_URL": database_url,
            "BATON_CONFIG": str(policy),
            "PORT": str(self.port),
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Baton:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", self.command],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.wait_ready()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60.0) -> None:  # generous: a busy 2-core machine
        ready = "Baton is listening" if self.command == "serve" else "Baton worker running"
        wait_until(lambda: ready in self.log() or not self.alive(), timeout, self.log)
        assert self.alive(), f"baton {self.command} exited:\n{self.log()[-3000:]}"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout: float = 30.0) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.alive():
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def get(self, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
        return request(f"{self.url}{path}", timeout=timeout)


def request(
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5,
) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until(
    condition: Callable[[], bool],
    timeout: float,
    explain: Callable[[], Any] | None = None,
    every: float = 0.1,
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            if condition():
                return
        if time.monotonic() > deadline:
            detail = "" if explain is None else f"\n{str(explain())[-3000:]}"
            raise AssertionError(f"condition not met within {timeout}s{detail}")
        time.sleep(every)


def enqueue_notices(db: Database, channels: Iterable[str], per_channel: int) -> list[int]:
    """Accepted outbox rows: `per_channel` notices for each channel, interleaved."""
    channels = list(channels)
    with db.transaction() as session:
        return queue_rows(
            session,
            *(
                outbox.message(
                    Intent.NOTICE,
                    datetime.now(UTC),
                    to=channel,
                    lines=[{"key": "delivery.alert", "params": {}}],
                )
                for _ in range(per_channel)
                for channel in channels
            ),
        )


def pending(db: Database) -> int:
    with db.read() as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None)
                )
            )
            or 0
        )


def posts_per_row(slack_api: SlackStandIn) -> Counter[int]:
    """How many messages Slack holds for each outbox row (its metadata names the row)."""
    counts: Counter[int] = Counter()
    for messages in slack_api.all_messages().values():
        for message in messages:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if "outbox_id" in payload:
                counts[payload["outbox_id"]] += 1
    return counts


def log_events(log: str, name: str) -> list[dict[str, Any]]:
    """The JSON log lines (a process's log) of the event `name`, parsed."""
    found = []
    for line in log.splitlines():
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict) and entry.get("event") == name:
                found.append(entry)
    return found


def leased_rows(db: Database) -> set[int]:
    """The outbox rows not sent yet that a process holds the lease of."""
    with db.read() as session:
        return set(
            session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.dead_at.is_(None),
                    OutboxMessage.leased_until.is_not(None),
                )
            )
        )
