"""What the scenarios share: databases, a real `baton serve` process, HTTP clients.

The Slack peer is the test suite's stand-in (tests/support/slack_api/); requests
into Baton carry real signatures (bot/slack_standin/requests.py); PostgreSQL runs in a
private schema that is dropped afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.store.engine import make_engine
from bot.store.schema import upgrade
from tests.support.databases import PostgresSchema, postgres_unavailable
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET

REPO = Path(__file__).resolve().parents[1]
INTAKE_SECRET = "bench-intake-secret"
STARTUP_SECONDS = 60.0


def python() -> str:
    """The worktree's own interpreter, so real processes run the code under test."""
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


# --- databases ----------------------------------------------------------------------


@contextlib.contextmanager
def scratch_dir(prefix: str = "baton-bench-") -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def migrated_database(kind: str, workdir: Path) -> Iterator[str]:
    """The URL of an empty, migrated database: a SQLite file, or a private PostgreSQL schema."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'baton.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}")
    problem = postgres_unavailable()
    if problem:
        raise RuntimeError(problem)
    schema = PostgresSchema(prefix="baton_bench")
    try:
        engine = make_engine(schema.url)
        upgrade(engine)
        engine.dispose()
        yield schema.url
    finally:
        schema.drop()


def write_policy(workdir: Path, text: str = STANDARD) -> Path:
    path = workdir / "baton.yml"
    path.write_text(text, encoding="utf-8")
    return path


# --- a real `baton serve` -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """A running `baton serve` and what it is wired to."""

    process: subprocess.Popen[bytes]
    port: int
    database_url: str
    standin: SlackStandIn
    log: Path
    workdir: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.process.pid)

    def rss_mb(self) -> float:
        return process_rss_mb(self.process.pid)


@contextlib.contextmanager
def baton_serve(
    database_url: str,
    standin: SlackStandIn,
    workdir: Path,
    *,
    args: Sequence[str] = (),
    policy: str = STANDARD,
    env: dict[str, str] | None = None,
) -> Iterator[Served]:
    """`python -m bot serve` on a free port; SIGTERM on the way out."""
    config = write_policy(workdir, policy)
    port = free_port()
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "BATON_", "DATABASE_URL", "PORT"))
    }
    environ |= {
        "DATABASE_URL": database_url,
        "SLACK_API_URL": standin.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "BATON_INTAKE_SECRET": INTAKE_SECRET,
        "BATON_CONFIG": str(config),
        "PORT": str(port),
    } | (env or {})
    log = workdir / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [python(), "-m", "bot", "serve", *args],
            env=environ,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    served = Served(process, port, database_url, standin, log, workdir)
    try:
        wait_until(lambda: _healthy(served), "baton serve to answer /healthz", STARTUP_SECONDS)
        yield served
        # Only what it logged while serving counts: shutdown is another issue's business.
        text = log.read_text(errors="replace")
    finally:
        stop_process(process)
    if "Traceback" in text:
        raise RuntimeError(f"baton serve logged a traceback:\n{text[-4000:]}")


def _healthy(served: Served) -> bool:
    if served.process.poll() is not None:
        raise RuntimeError(f"baton serve exited:\n{served.log.read_text(errors='replace')}")
    try:
        with urllib.request.urlopen(f"{served.base}/healthz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def stop_process(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until(check: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        time.sleep(0.05)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def postgres_cpu_seconds() -> dict[int, float]:
    """The CPU time of each PostgreSQL process on this machine, by pid (Linux /proc): the
    server the benchmarks use runs here. Compare two readings with `cpu_spent`."""
    spent = {}
    for stat in Path("/proc").glob("[0-9]*/comm"):
        try:
            if stat.read_text().startswith("postgres"):
                pid = int(stat.parent.name)
                spent[pid] = process_cpu_seconds(pid)
        except (OSError, ValueError):  # gone meanwhile
            continue
    return spent


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings of `postgres_cpu_seconds`: by the processes
    in both, and all of a process that started in between (one that ended in between is
    lost: its share is small, a backend of a closed connection)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def process_rss_mb(pid: int, key: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- HTTP clients ---------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    seconds: float  # from the first byte written to the last byte read
    at: float = 0.0  # wall-clock time (time.time()) of the last byte read


class Connection:
    """One keep-alive HTTP/1.1 connection driven by asyncio (no client threads to
    compete for the two cores with the server being measured)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, raw: bytes) -> Answer:
        began = time.perf_counter()
        self.writer.write(raw)
        await self.writer.drain()
        return await self.read(began)

    async def read(self, began: float) -> Answer:
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        length = 0
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        body = await self.reader.readexactly(length) if length else b""
        return Answer(status, body, time.perf_counter() - began, time.time())

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(Exception):
            await self.writer.wait_closed()


async def closed_loop(
    port: int, clients: int, make: Callable[[int], bytes], total: int
) -> tuple[list[Answer], float]:
    """`clients` connections each sending the next request as soon as the previous is
    answered, until `total` requests are done. Returns the answers and the wall time."""
    connections = [await Connection.open(port) for _ in range(clients)]
    counter = iter(range(total))
    answers: list[Answer] = []

    async def client(conn: Connection) -> None:
        for i in counter:
            answers.append(await conn.send(make(i)))

    began = time.perf_counter()
    await asyncio.gather(*(client(c) for c in connections))
    wall = time.perf_counter() - began
    for conn in connections:
        await conn.close()
    return answers, wall
