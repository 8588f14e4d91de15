"""A local stand-in for Slack's Web API, reached by the real WebClient over HTTP.

Tests construct ``WebClient(token=..., base_url=standin.url)``; every request is
checked against Slack's own OpenAPI description, recorded as a :class:`Call`
and answered the way Slack would. Posted messages are kept per channel, so
``conversations.history`` answers with them (with their metadata when asked).
Faults (429 with Retry-After, 5xx, error answers, every n-th call failing,
per-channel rate limits, latency, a reply held back after Slack accepted the
call) can be injected without touching the client.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SPEC_ENV = "SLACK_API_SPEC"
# Slack's own description, kept in the repository (see its README.md).
DEFAULT_SPEC = Path(__file__).resolve().parent / "slack_api_spec" / "slack_web_openapi_v2.json"
BOT_USER_ID = "UBATONBOT"
BOT_ID = "BBATON"
APP_ID = "A0BATON"
TEAM_ID = "T0TEAM"
TEAM_URL = "https://example.slack.com/"

# Slack's form encoding carries these structured arguments as JSON strings.
_JSON_ARGS = frozenset({"blocks", "attachments", "view", "metadata", "unfurls", "user_auth_blocks"})
# Slack accepts a response_url this many times; later posts are refused.
RESPONSE_URL_USES = 5

_RATELIMITED = {"ok": False, "error": "ratelimited"}
_AUTH_TEST = {"ok": True, "url": TEAM_URL, "team": "Baton Test", "user": "baton"}
_AUTH_TEST |= {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
_USER_DEFAULTS = {"team_id": TEAM_ID, "deleted": False, "is_bot": False, "locale": "ja-JP"}
_USER_DEFAULTS |= {"tz": "Asia/Tokyo", "tz_label": "Japan Standard Time", "tz_offset": 32400}

Answer = dict[str, Any]
Responder = Callable[[dict[str, Any]], Answer]


@dataclass(frozen=True)
class SpecMethod:
    required: frozenset[str]
    needs_token: bool


_spec_cache: dict[Path, dict[str, SpecMethod]] = {}
_spec_lock = threading.Lock()


def spec_path() -> Path:
    override = os.environ.get(SPEC_ENV)
    return Path(override) if override else DEFAULT_SPEC


def load_spec(path: Path | None = None) -> dict[str, SpecMethod]:
    """Method name -> what Slack's description demands of a call; parsed once per process."""
    path = (path or spec_path()).resolve()
    with _spec_lock:
        if path not in _spec_cache:
            if not path.is_file():
                raise FileNotFoundError(
                    f"Slack Web API spec not found at {path}; set {SPEC_ENV} to its location"
                )
            doc = json.loads(path.read_text(encoding="utf-8"))
            methods: dict[str, SpecMethod] = {}
            for route, operations in doc["paths"].items():
                params = [p for op in operations.values() for p in op.get("parameters", [])]
                methods[route.lstrip("/")] = SpecMethod(
                    required=frozenset(
                        p["name"] for p in params if p.get("required") and p["name"] != "token"
                    ),
                    needs_token=any(p["name"] == "token" and p.get("required") for p in params),
                )
            _spec_cache[path] = methods
        return _spec_cache[path]


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    at: float
    status: int
    response: Answer | None = None
    token: str | None = field(default=None, repr=False)
    target: str | None = None  # the name given to response_url(); None for Web API calls

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response and self.response.get("ok"))


@dataclass
class _Fault:
    status: int
    error: str | None
    retry_after: int | None


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None  # answer only once this is set


@dataclass
class _Every:
    n: int
    method: str
    fault: _Fault
    seen: int = 0


_request_ids = itertools.count(1)


def _json_reply(answer: Answer, status: int = 200, **headers: str) -> _Reply:
    # Slack names every answer with a request id (quoted when asking Slack support).
    headers.setdefault("X-Slack-Req-Id", f"req{next(_request_ids):08d}")
    return _Reply(status, json.dumps(answer).encode(), headers=headers)


def _text_reply(status: int, text: str) -> _Reply:
    return _Reply(status, text.encode(), "text/plain; charset=utf-8")


def _fault_reply(fault: _Fault) -> _Reply:
    if fault.status == 429:
        retry_after = str(1 if fault.retry_after is None else fault.retry_after)
        return _json_reply(_RATELIMITED, 429, **{"Retry-After": retry_after})
    if fault.status >= 500:
        return _text_reply(fault.status, f"{fault.status} Server Error")
    return _json_reply({"ok": False, "error": fault.error or "request_failed"}, fault.status)


def _decode_args(args: dict[str, Any]) -> dict[str, Any]:
    for key in _JSON_ARGS & args.keys():
        value = args[key]
        if isinstance(value, str) and value[:1] in "[{":
            # Malformed JSON stays as sent, so a test can see what the app produced.
            with contextlib.suppress(json.JSONDecodeError):
                args[key] = json.loads(value)
    return args


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


class SlackStandIn:
    """Slack's Web API on 127.0.0.1, for the real slack_sdk WebClient."""

    def __init__(self, spec: Path | None = None) -> None:
        self.spec = load_spec(spec)
        self.delay = 0.0
        self.violations: list[str] = []
        self.users: dict[str, dict[str, Any]] = {}  # per-user overrides for users.info
        self._calls: list[Call] = []
        self._cond = threading.Condition()
        self._faults: dict[str, deque[_Fault]] = {}
        # [until, seconds, method, status]; until is None while the outage waits for its
        # first call (see fail_for).
        self._windows: list[list[Any]] = []
        self._responders: dict[str, Responder] = {}
        self._channel_interval: float | None = None
        self._last_post: dict[str, float] = {}
        self._last_ts = 0
        self._messages: dict[str, list[dict[str, Any]]] = {}  # channel -> oldest first
        self._every: list[_Every] = []
        self._stalls: dict[str, int] = {}
        self.held: list[Call] = []  # calls accepted whose answers stall() held back
        self._release = threading.Event()
        self._view_ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SlackStandIn:
        if self._server is not None:
            return self
        standin = self

        class Handler(_Handler):
            owner = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll keeps stop() from costing half a second per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="slack-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackStandIn is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base}/respond/{name}"

    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def successful_calls(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls(method) if c.ok]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """The messages posted to ``channel`` (a user id means the DM with them), oldest first."""
        with self._cond:
            return [dict(m) for m in self._messages.get(_dm_for(channel), [])]

    def all_messages(self) -> dict[str, list[dict[str, Any]]]:
        with self._cond:
            return {ch: [dict(m) for m in msgs] for ch, msgs in self._messages.items()}

    def fail_every(
        self,
        n: int,
        *,
        method: str = "*",
        status: int = 429,
        error: str | None = None,
        retry_after: float | None = 1,
    ) -> None:
        """Answer every ``n``-th call of ``method`` ("*" = any) with a fault, until cleared."""
        wait = None if retry_after is None else math.ceil(retry_after)
        with self._cond:
            self._every.append(_Every(n, method, _Fault(status, error, wait)))

    def stop_failing(self) -> None:
        """Lift every injected fault (queued, windows, every-n-th)."""
        with self._cond:
            self._faults.clear()
            self._windows.clear()
            self._every.clear()

    def stall(self, method: str, times: int = 1) -> None:
        """Accept the next ``times`` calls of ``method`` but hold their answers until
        :meth:`release` (a client that dies meanwhile never learns they succeeded)."""
        with self._cond:
            self._stalls[method] = self._stalls.get(method, 0) + times
            self._release.clear()

    def release(self) -> None:
        self._release.set()

    def clear(self) -> None:
        """Forget recorded calls and violations; injected faults and settings stay."""
        with self._cond:
            self._calls.clear()
            self.violations.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        with self._cond:
            if self._cond.wait_for(lambda: len(self._matching(method)) >= count, timeout):
                return self._matching(method)
            seen = "\n".join(
                f"  {c.method} status={c.status} args={_short(c.args)}" for c in self._calls
            )
            raise AssertionError(
                f"expected {count} {method!r} call(s) within {timeout}s, got "
                f"{len(self._matching(method))}; all {len(self._calls)} call(s) seen:\n"
                f"{seen or '  (none)'}"
            )

    def assert_no_violations(self) -> None:
        with self._cond:
            problems = list(self.violations)
        assert not problems, "calls Slack would reject:\n" + "\n".join(problems)

    def _matching(self, method: str) -> list[Call]:
        return [c for c in self._calls if c.method == method]

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any) with a fault."""
        if status == 200 and error is None:
            raise ValueError("a 200 fault needs an error, e.g. error='channel_not_found'")
        # slack_sdk's retry handler reads Retry-After as whole seconds, as Slack sends it.
        wait = None if retry_after is None else math.ceil(retry_after)
        with self._cond:
            queue = self._faults.setdefault(method, deque())
            queue.extend(_Fault(status, error, wait) for _ in range(times))

    def fail_for(
        self,
        seconds: float,
        *,
        status: int = 500,
        method: str = "*",
        from_first_call: bool = False,
    ) -> None:
        """Answer ``status`` to every call of ``method`` for ``seconds``: from now, or
        from the first such call (so a slow-starting process still meets the outage)."""
        with self._cond:
            until = None if from_first_call else time.monotonic() + seconds
            self._windows.append([until, seconds, method, status])

    def rate_limit_channels(self, per_second: float | None = 1.0) -> None:
        """Enforce Slack's per-channel chat.postMessage limit; None lifts it."""
        with self._cond:
            self._channel_interval = None if per_second is None else 1.0 / per_second
            self._last_post.clear()

    def respond(self, method: str, answer: Answer | Responder) -> None:
        """Replace the default answer for ``method`` with a dict or a function of the args."""
        with self._cond:
            self._responders[method] = answer if callable(answer) else (lambda _a, a=answer: a)

    def _next_fault(self, method: str, now: float) -> _Fault | None:
        for key in (method, "*"):
            queue = self._faults.get(key)
            if queue:
                return queue.popleft()
        for every in self._every:
            if every.method in (method, "*"):
                every.seen += 1
                if every.seen % every.n == 0:
                    return every.fault
        for window in self._windows:
            if window[0] is None and window[2] in (method, "*"):
                window[0] = now + window[1]
        self._windows = [w for w in self._windows if w[0] is None or w[0] > now]
        status = next(
            (st for until, _, m, st in self._windows if until and m in (method, "*")), None
        )
        return None if status is None else _Fault(status, "internal_error", None)

    def _handle_api(
        self, method: str, args: dict[str, Any], token: str | None, at: float, bad: str | None
    ) -> _Reply:
        with self._cond:
            problem = bad
            spec = self.spec.get(method)
            if spec is None:
                problem = f"{method}: unknown method"
            elif problem is None:
                missing = sorted(p for p in spec.required if not _present(args.get(p)))
                if missing:
                    problem = f"{method}: missing required {', '.join(missing)} in {_short(args)}"
                elif spec.needs_token and not token:
                    problem = f"{method}: no token"
            if problem:
                self.violations.append(problem)
            fault = self._next_fault(method, at)
            if fault is not None:
                reply = _fault_reply(fault)
            elif spec is None:
                reply = _json_reply({"ok": False, "error": "unknown_method", "req_method": method})
            elif problem:
                error = "not_authed" if problem.endswith("no token") else "invalid_arguments"
                error = "invalid_json" if bad else error
                reply = _json_reply({"ok": False, "error": error})
            elif self._too_soon(method, args, at):
                reply = _json_reply(_RATELIMITED, 429, **{"Retry-After": "1"})
            else:
                responder = self._responders.get(method)
                answer = responder(args) if responder else self._default_answer(method, args)
                reply = _json_reply(answer)
                if answer.get("ok"):
                    self._keep(method, args, answer)
                if self._stalls.get(method):
                    self._stalls[method] -= 1
                    reply.hold = self._release
                    self.held.append(Call(method, args, at, reply.status, _parsed(reply), token))
            self._record(Call(method, args, at, reply.status, _parsed(reply), token))
            return reply

    def _handle_response_url(self, name: str, args: dict[str, Any], at: float) -> _Reply:
        with self._cond:
            fault = self._next_fault("response_url", at)
            used = sum(1 for c in self._calls if c.target == name and c.status == 200)
            if fault is not None:
                reply = _fault_reply(fault)
            elif used >= RESPONSE_URL_USES:
                self.violations.append(f"response_url {name}: used more than {RESPONSE_URL_USES}x")
                reply = _text_reply(404, "used_url")
            else:
                reply = _text_reply(200, "ok")
            self._record(Call("response_url", args, at, reply.status, None, None, name))
            return reply

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._cond.notify_all()

    def _too_soon(self, method: str, args: dict[str, Any], at: float) -> bool:
        if method != "chat.postMessage" or self._channel_interval is None:
            return False
        channel = str(args.get("channel"))
        last = self._last_post.get(channel)
        if last is not None and at - last < self._channel_interval:
            return True
        self._last_post[channel] = at
        return False

    def _next_ts(self) -> str:
        # Wall-clock based like Slack's (conversations.history's `oldest` compares to
        # it), and strictly increasing.
        micros = max(int(time.time() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _keep(self, method: str, args: dict[str, Any], answer: Answer) -> None:
        if method == "chat.postMessage":
            message = dict(answer["message"])
            self._messages.setdefault(str(answer["channel"]), []).append(message)
        elif method == "chat.update":
            for message in self._messages.get(str(answer["channel"]), []):
                if message["ts"] == answer["ts"]:
                    message.update(answer["message"])

    def _history(self, args: dict[str, Any], *, thread: bool = False) -> Answer:
        """conversations.history, or conversations.replies of the thread at `ts`."""
        channel = _dm_for(str(args.get("channel", "")))
        messages = list(reversed(self._messages.get(channel, [])))  # newest first
        if thread:
            root = str(args.get("ts"))
            messages = [m for m in messages if root in (m["ts"], m.get("thread_ts"))]
        oldest = float(args.get("oldest") or 0)
        latest = float(args["latest"]) if args.get("latest") else math.inf
        inclusive = _truthy(args.get("inclusive"))
        messages = [
            m
            for m in messages
            if (float(m["ts"]) > oldest or (inclusive and float(m["ts"]) == oldest))
            and (float(m["ts"]) < latest or (inclusive and float(m["ts"]) == latest))
        ]
        start = int(args.get("cursor") or 0)
        limit = max(1, min(int(args.get("limit") or 100), 999))
        page = messages[start : start + limit]
        if not _truthy(args.get("include_all_metadata")):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(messages)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _default_answer(self, method: str, args: dict[str, Any]) -> Answer:
        channel = _dm_for(str(args.get("channel", "")))
        if method == "auth.test":
            return dict(_AUTH_TEST)
        if method in ("chat.postMessage", "chat.update"):
            ts = self._next_ts() if method == "chat.postMessage" else str(args["ts"])
            message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID}
            message |= {"team": TEAM_ID, "text": args.get("text", ""), "ts": ts}
            keep = ("blocks", "attachments", "thread_ts", "metadata")
            message |= {key: args[key] for key in keep if key in args}
            answer = {"ok": True, "channel": channel, "ts": ts, "message": message}
            if method == "chat.update":
                answer["text"] = message["text"]
            return answer
        if method in ("conversations.history", "conversations.replies"):
            return self._history(args, thread=method == "conversations.replies")
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "chat.getPermalink":
            ts = str(args["message_ts"]).replace(".", "")
            link = f"{TEAM_URL}archives/{channel}/p{ts}"
            return {"ok": True, "channel": channel, "permalink": link}
        if method == "conversations.open":
            users = args.get("users") or ""
            first = (users if isinstance(users, list) else str(users).split(","))[0].strip()
            if not first and not channel:
                return {"ok": False, "error": "users_list_not_supplied"}
            return {"ok": True, "channel": {"id": f"D{first}" if first else channel}}
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            return {"ok": True, "view": self._view_answer(method, args)}
        if method == "users.info":
            user_id = str(args.get("user", ""))
            name, real = user_id.lower(), f"User {user_id}"
            profile = {"real_name": real, "display_name": name}
            user = {"id": user_id, "name": name, "real_name": real, "profile": profile}
            user |= _USER_DEFAULTS | self.users.get(user_id, {})
            return {"ok": True, "user": user}
        if method == "conversations.members":
            return {"ok": True, "members": [], "response_metadata": {"next_cursor": ""}}
        return {"ok": True}

    def _view_answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        sent = args.get("view")
        view = dict(sent) if isinstance(sent, dict) else {}
        view_id = args.get("view_id") or f"V{next(self._view_ids):010d}"
        kind = "home" if method == "views.publish" else "modal"
        view = {"type": kind, "private_metadata": "", "callback_id": "", "external_id": ""} | view
        view |= {"id": view_id, "team_id": TEAM_ID, "state": {"values": {}}, "app_id": APP_ID}
        view |= {"root_view_id": view_id, "previous_view_id": None, "bot_id": BOT_ID}
        view["hash"] = f"{int(time.time())}.{view_id}"
        if "external_id" in args:
            view["external_id"] = args["external_id"]
        return view


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def _dm_for(channel: str) -> str:
    # Posting to a user ID lands in the bot's DM with them; same id as conversations.open.
    return f"D{channel}" if channel[:1] in ("U", "W") else channel


def _parsed(reply: _Reply) -> Answer | None:
    if not reply.content_type.startswith("application/json"):
        return None
    return json.loads(reply.body)


def _short(args: dict[str, Any], limit: int = 300) -> str:
    text = json.dumps(args, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"


class _Handler(BaseHTTPRequestHandler):
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
            reply = owner._handle_api(method, _decode_args(args), token, at, bad)
            if reply.hold is not None:
                reply.hold.wait(60)
        elif parts.path.startswith("/respond/"):
            reply = owner._handle_response_url(parts.path[len("/respond/") :], args, at)
        else:
            with owner._cond:
                owner.violations.append(f"{self.command} {parts.path}: not a Slack endpoint")
            reply = _text_reply(404, "not found")

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
