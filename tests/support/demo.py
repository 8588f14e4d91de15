"""A real `baton demo` process, and a client of its page's API, for the demo's tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.processes import REPO, free_port

START_SECONDS = 60.0  # a generous bound on a busy machine; the bench measures the real time
WAIT_SECONDS = 30.0


class DemoProcess:
    def __init__(self, workdir: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.log_path = workdir / "demo.log"
        full_env = {**os.environ, **(env or {})}
        command = [sys.executable, "-m", "bot", "demo", "--no-browser", "--port", str(self.port)]
        self._log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [*command, *args],
            cwd=workdir,
            env={**full_env, "PYTHONPATH": str(REPO)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.token = ""

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"baton demo exited early:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.base}/", timeout=5) as page:
                    html = page.read().decode("utf-8")
                found = re.search(r'name="demo-token" content="([^"]+)"', html)
                assert found, f"the page carries no token:\n{html[:500]}"
                self.token = found.group(1)
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise AssertionError(f"baton demo did not serve its page:\n{self.output()}")

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log.close()

    # --- the page's API -----------------------------------------------------------------

    def get(self, path: str, *, token: str | None = None) -> tuple[int, Any]:
        return self._call("GET", path, None, token)

    def post(
        self, path: str, body: Any, *, token: str | None = None, origin: str | None = None
    ) -> tuple[int, Any]:
        return self._call("POST", path, body, token, origin)

    def _call(
        self, method: str, path: str, body: Any, token: str | None, origin: str | None = None
    ) -> tuple[int, Any]:
        headers = {"X-Demo-Token": self.token if token is None else token}
        if origin:
            headers["Origin"] = origin
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def messages(self, person: str, conversation: str) -> list[dict[str, Any]]:
        status, body = self.get(f"/demo/api/conversation?as={person}&id={conversation}")
        assert status == 200, body
        return list(body["messages"])

    def wait_for(self, what: str, found: Callable[[], Any], timeout: float = WAIT_SECONDS) -> Any:
        """Poll `found()` until it returns something truthy (the demo's delivery runs on
        its own threads); fail with `what` and the demo's output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = found()
            if result:
                return result
            time.sleep(0.05)
        raise AssertionError(f"{what} did not happen within {timeout}s:\n{self.output()[-3000:]}")


@contextmanager
def running_demo(
    workdir: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[DemoProcess]:
    demo = DemoProcess(workdir, *args, env=env)
    try:
        demo.wait_ready()
        yield demo
    finally:
        demo.stop()


def card_of(messages: list[dict[str, Any]], lead_id: int) -> dict[str, Any] | None:
    """The lead's card among a channel's messages (its buttons carry the lead id)."""
    for message in messages:
        for block in message.get("blocks") or []:
            for element in block.get("elements") or []:
                if element.get("action_id") == "lead_claim" and element.get("value") == str(
                    lead_id
                ):
                    return message
        if f"#{lead_id}" in str(message.get("text", "")) and not message.get("ephemeral"):
            return message
    return None


def button(message: dict[str, Any], action_id: str) -> tuple[str, dict[str, Any]]:
    """(block_id, element) of the button `action_id` in `message`."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    raise AssertionError(f"no {action_id} button in {json.dumps(message)[:800]}")
