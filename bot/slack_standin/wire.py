"""The HTTP side of the stand-in: parsing requests as Slack does, writing its answers."""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    import threading

    from bot.slack_standin.server import SlackStandIn

Answer = dict[str, Any]

# Slack's form encoding carries these structured arguments as JSON strings.
_JSON_ARGS = frozenset(
    {"blocks", "attachments", "view", "metadata", "unfurls", "user_auth_blocks", "files"}
)
# A held answer is given anyway after this long, so a forgotten release() cannot hang a
# run for good (pytest's own timeout is 300 s).
HOLD_LIMIT_SECONDS = 240.0


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None  # answer only once this is set


_request_ids = itertools.count(1)


def json_reply(answer: Answer, status: int = 200, **headers: str) -> Reply:
    # Slack names every answer with a request id (quoted when asking Slack support).
    headers.setdefault("X-Slack-Req-Id", f"req{next(_request_ids):08d}")
    return Reply(status, json.dumps(answer).encode(), headers=headers)


def text_reply(status: int, text: str) -> Reply:
    return Reply(status, text.encode(), "text/plain; charset=utf-8")


def parsed(reply: Reply) -> Answer | None:
    if not reply.content_type.startswith("application/json"):
        return None
    return json.loads(reply.body)


def decode_args(args: dict[str, Any]) -> dict[str, Any]:
    for key in _JSON_ARGS & args.keys():
        value = args[key]
        if isinstance(value, str) and value[:1] in "[{":
            # Malformed JSON stays as sent, so a test can see what the app produced.
            with contextlib.suppress(json.JSONDecodeError):
                args[key] = json.loads(value)
    return args


def present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def short(args: dict[str, Any], limit: int = 300) -> str:
    text = json.dumps(args, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"


class Handler(BaseHTTPRequestHandler):
    owner: SlackStandIn
    server_version = "SlackStandIn/1"

    def do_POST(self) -> None:
        self._serve()

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keeps pytest output about the app, not about the stand-in

    def _serve(self) -> None:
        at = time.monotonic()
        owner = self.owner
        parts = urlsplit(self.path)
        args: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if len(raw) < length:
            # The caller died mid-request (a test SIGKILLs Baton): Slack would never see a
            # complete call, so neither does the stand-in.
            self.close_connection = True
            return
        if parts.path.startswith("/upload/"):  # a file's bytes, not form fields
            self._answer(owner._handle_upload(parts.path[len("/upload/") :], raw, at))
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        bad: str | None = None
        if raw and ctype == "application/json":
            try:
                body = json.loads(raw)
                args.update(body if isinstance(body, dict) else {"_body": body})
            except json.JSONDecodeError as exc:
                bad = f"{parts.path}: body is not JSON ({exc})"
        elif raw:
            args.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        if owner.delay > 0:
            time.sleep(owner.delay)

        if parts.path.startswith("/api/"):
            method = parts.path[len("/api/") :]
            token = args.pop("token", None)
            auth = self.headers.get("Authorization") or ""
            if auth.lower().startswith("bearer "):
                token = auth[len("bearer ") :].strip()
            reply = owner._handle_api(method, decode_args(args), token, at, bad)
            if reply.hold is not None:
                reply.hold.wait(HOLD_LIMIT_SECONDS)
        elif parts.path.startswith("/respond/"):
            reply = owner._handle_response_url(parts.path[len("/respond/") :], args, at)
        else:
            owner._not_an_endpoint(f"{self.command} {parts.path}: not a Slack endpoint")
            reply = text_reply(404, "not found")

        self._answer(reply)

    def _answer(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the caller was killed while waiting for its answer
