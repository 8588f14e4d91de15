"""SlackStandIn: Slack's Web API on 127.0.0.1, for the real slack_sdk WebClient.

One implementation serves `baton demo` (the demo's whole Slack), the tests and the
benchmarks. The tests add a check of every call against Slack's own OpenAPI description
(tests/support/slack_api/), which the product does not ship.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from bot.slack_standin.faults import RATELIMITED, FaultControls, Faults, Stalls, fault_reply
from bot.slack_standin.wire import (
    Answer,
    Handler,
    Reply,
    json_reply,
    parsed,
    short,
    text_reply,
)
from bot.slack_standin.workspace import Change, Workspace, dm_for

# Slack accepts a response_url this many times; later posts are refused.
RESPONSE_URL_USES = 5

Responder = Callable[[dict[str, Any]], Answer]
# What a check of each call says is wrong with it: (the problem, the error Slack would
# answer with), or None when Slack would take it.
Check = Callable[[str, dict[str, Any], str | None], tuple[str, str] | None]


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


class SlackStandIn(FaultControls):
    """Slack's Web API on 127.0.0.1, for the real slack_sdk WebClient."""

    def __init__(self, check: Check | None = None) -> None:
        self.check = check
        self.delay = 0.0
        self.violations: list[str] = []
        self.held: list[Call] = []  # calls accepted whose answers stall() held back
        self._calls: list[Call] = []
        self._cond = threading.Condition()
        self._workspace = Workspace()
        self._faults = Faults()
        self._stalls = Stalls()
        self._responders: dict[str, Responder] = {}
        self._channel_interval: float | None = None
        self._last_post: dict[str, float] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._response_urls = 0
        self._trigger_ids = itertools.count(1)

    # --- running -------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        if self._server is not None:
            return self
        standin = self

        class Bound(Handler):
            owner = standin

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Bound)
        self._server.daemon_threads = True
        # A short poll keeps stop() from costing half a second per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="slack-standin",
            daemon=True,
        )
        self._thread.start()
        self._workspace.base = self.base
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.release()
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

    def person_response_url(self, user: str, conversation: str) -> str:
        """A response_url for a request `user` makes in `conversation`: what is posted
        to it shows there, to them (or to everyone, with response_type in_channel)."""
        with self._cond:
            self._response_urls += 1
            return self.response_url(f"{user}.{conversation}.{self._response_urls}")

    def issue_trigger(self, user: str) -> str:
        """A trigger_id for a click or command of `user`: views.open with it opens the
        modal for them."""
        with self._cond:
            # Shaped like Slack's (seconds.sequence.hex); unique, since each is used once.
            trigger = f"{int(time.time())}.{next(self._trigger_ids)}.{uuid.uuid4().hex}"
            self._workspace.triggers[trigger] = user
            return trigger

    @contextmanager
    def locked(self) -> Iterator[Workspace]:
        """The workspace, for reading what it holds (or closing a modal), under the
        stand-in's lock: calls wait meanwhile, so be quick."""
        with self._cond:
            yield self._workspace

    def listen(self, listener: Callable[[Change], None]) -> None:
        """Call `listener(change)` after each change Slack would show (see Workspace)."""
        with self._cond:
            self._workspace.listen(listener)

    @property
    def users(self) -> dict[str, dict[str, Any]]:
        """Per-user overrides of users.info's answer, by user id."""
        return self._workspace.users

    @property
    def user_groups(self) -> dict[str, list[str]]:
        """The workspace's user groups (S…) and their members, for usergroups.users.list."""
        return self._workspace.user_groups

    @property
    def absent(self) -> set[str]:
        """Ids of channels and users that do not exist (Slack answers channel_not_found,
        user_not_found)."""
        return self._workspace.absent

    @property
    def outside(self) -> set[str]:
        """Channels the bot is not a member of (not_in_channel)."""
        return self._workspace.outside

    def grant(self, scopes: list[str] | None) -> None:
        """The scopes the token has, told in every answer's X-OAuth-Scopes (None: none)."""
        with self._cond:
            self._workspace.scopes = scopes

    @property
    def locale(self) -> str:
        """Everyone's Slack language ("en-US", "ja-JP") unless `users` gives theirs."""
        return self._workspace.locale

    @locale.setter
    def locale(self, value: str) -> None:
        with self._cond:
            self._workspace.locale = value

    # --- what happened -------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def successful_calls(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls(method) if c.ok]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Every message posted to `channel` (a user id means the DM with them), thread
        replies included, oldest first."""
        with self._cond:
            return [dict(m) for m in self._workspace.messages.get(dm_for(channel), [])]

    def all_messages(self) -> dict[str, list[dict[str, Any]]]:
        with self._cond:
            kept = self._workspace.messages
            return {ch: [dict(m) for m in msgs] for ch, msgs in kept.items()}

    def clear(self) -> None:
        """Forget recorded calls and violations; injected faults and settings stay."""
        with self._cond:
            self._calls.clear()
            self.violations.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        with self._cond:
            if self._cond.wait_for(lambda: len(self._matching(method)) >= count, timeout):
                return self._matching(method)
            raise AssertionError(
                f"expected {count} {method!r} call(s) within {timeout}s, got "
                f"{len(self._matching(method))}; {self._seen()}"
            )

    def wait_held(self, count: int = 1, timeout: float = 60.0) -> list[Call]:
        """Wait until `count` calls are held by stall(): Slack has them, their callers
        are waiting for the answer."""
        with self._cond:
            if self._cond.wait_for(lambda: len(self.held) >= count, timeout):
                return list(self.held)
            raise AssertionError(
                f"expected {count} held call(s) within {timeout}s, got {len(self.held)} "
                f"(holds waiting: {self._stalls.describe()}); {self._seen()}"
            )

    def assert_no_violations(self) -> None:
        with self._cond:
            problems = list(self.violations)
        assert not problems, "calls Slack would reject:\n" + "\n".join(problems)

    def _matching(self, method: str) -> list[Call]:
        return [c for c in self._calls if c.method == method]

    def _seen(self) -> str:
        seen = "\n".join(
            f"  {c.method} status={c.status} args={short(c.args)}" for c in self._calls
        )
        return f"all {len(self._calls)} call(s) seen:\n{seen or '  (none)'}"

    def respond(self, method: str, answer: Answer | Responder) -> None:
        """Replace the default answer for ``method`` with a dict or a function of the args."""
        with self._cond:
            if callable(answer):
                self._responders[method] = answer
            else:
                fixed: Answer = answer
                self._responders[method] = lambda _args: fixed

    # --- answering (called by the HTTP handler) ------------------------------------------

    def _handle_api(
        self, method: str, args: dict[str, Any], token: str | None, at: float, bad: str | None
    ) -> Reply:
        with self._cond:
            refused = (bad, "invalid_json") if bad else None
            if refused is None and self.check is not None:
                refused = self.check(method, args, token)
            if refused:
                self.violations.append(refused[0])
            fault = self._faults.next(method, at)
            if fault is not None:
                reply = fault_reply(fault)
            elif refused:
                answer: Answer = {"ok": False, "error": refused[1]}
                if refused[1] == "unknown_method":
                    answer["req_method"] = method
                reply = json_reply(answer)
            elif self._too_soon(method, args, at):
                reply = json_reply(RATELIMITED, 429, **{"Retry-After": "1"})
            else:
                responder = self._responders.get(method)
                answer = responder(args) if responder else self._workspace.answer(method, args)
                reply = json_reply(answer)
                if self._workspace.scopes is not None:
                    reply.headers["X-OAuth-Scopes"] = ",".join(self._workspace.scopes)
                if answer.get("ok"):
                    self._workspace.keep(method, args, answer)
                    reply.hold = self._stalls.hold(method, answer)
            call = Call(method, args, at, reply.status, parsed(reply), token)
            if reply.hold is not None:
                self.held.append(call)
            self._record(call)
            return reply

    def _handle_upload(self, file_id: str, data: bytes, at: float) -> Reply:
        """The bytes of a file, posted to the URL files.getUploadURLExternal handed out."""
        with self._cond:
            status, text = self._workspace.files.receive(file_id, data)
            if status != 200:
                self.violations.append(f"upload to an unknown file id {file_id}")
            args = {"file_id": file_id, "bytes": len(data)}
            self._record(Call("upload", args, at, status, None, None, file_id))
            return text_reply(status, text)

    def _handle_response_url(self, name: str, args: dict[str, Any], at: float) -> Reply:
        with self._cond:
            fault = self._faults.next("response_url", at)
            used = sum(1 for c in self._calls if c.target == name and c.status == 200)
            if fault is not None:
                reply = fault_reply(fault)
            elif used >= RESPONSE_URL_USES:
                self.violations.append(f"response_url {name}: used more than {RESPONSE_URL_USES}x")
                reply = text_reply(404, "used_url")
            else:
                reply = text_reply(200, "ok")
                user, _, rest = name.partition(".")
                conversation = rest.rpartition(".")[0]
                if conversation:  # issued by person_response_url: the person sees it
                    self._workspace.respond(user, conversation, args)
            self._record(Call("response_url", args, at, reply.status, None, None, name))
            return reply

    def _not_an_endpoint(self, problem: str) -> None:
        with self._cond:
            self.violations.append(problem)

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
