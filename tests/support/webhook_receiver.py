"""A webhook receiver on a local port, for the outgoing webhooks' tests: a real HTTP
server that records each request and answers what the test tells it, in turn."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOLD = -1  # an answer that waits until the test calls `release()`
HOLD_AT_MOST = 60.0  # a held answer goes out after this even if the test forgets


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._answers: deque[tuple[int, str]] = deque()
        self._lock = threading.Lock()
        self.arrived = threading.Event()  # a request came in (a held one included)
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer(self, *statuses: int, body: str = "") -> None:
        """The next answers, in order (HOLD: wait for `release`); then 200."""
        with self._lock:
            self._answers.extend((status, body) for status in statuses)

    def release(self) -> None:
        self._release.set()

    def at(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path == path]

    def _next(self, request: Received) -> tuple[int, str]:
        with self._lock:
            self.received.append(request)
            return self._answers.popleft() if self._answers else (200, '{"ok":true}')

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, text = receiver._next(Received(self.path, dict(self.headers), body))
                receiver.arrived.set()
                if status == HOLD:
                    receiver._release.wait(HOLD_AT_MOST)
                    status = 200
                answer = text.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass  # the sender gave up waiting (its timeout): nobody to answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    @contextmanager
    def running(self) -> Iterator[Receiver]:
        self._thread.start()
        try:
            yield self
        finally:
            self._release.set()
            self._server.shutdown()
            self._server.server_close()
