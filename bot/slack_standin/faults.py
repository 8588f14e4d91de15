"""Faults the stand-in injects: error answers, outages, every n-th call failing, and
answers held back after Slack accepted the call."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from bot.slack_standin.wire import Answer, Reply, json_reply, text_reply

RATELIMITED: Answer = {"ok": False, "error": "ratelimited"}


@dataclass
class Fault:
    status: int
    error: str | None
    retry_after: int | None


@dataclass
class _Every:
    n: int
    method: str
    fault: Fault
    seen: int = 0


@dataclass
class _Window:
    until: float | None  # None while the outage waits for its first call (see fail_for)
    seconds: float
    method: str
    status: int


def fault_reply(fault: Fault) -> Reply:
    if fault.status == 429:
        retry_after = str(1 if fault.retry_after is None else fault.retry_after)
        return json_reply(RATELIMITED, 429, **{"Retry-After": retry_after})
    if fault.status >= 500:
        return text_reply(fault.status, f"{fault.status} Server Error")
    return json_reply({"ok": False, "error": fault.error or "request_failed"}, fault.status)


class Faults:
    """The faults waiting for calls; the stand-in calls it under its own lock."""

    def __init__(self) -> None:
        self._queued: dict[str, deque[Fault]] = {}
        self._windows: list[_Window] = []
        self._every: list[_Every] = []

    def queue(self, method: str, fault: Fault, times: int) -> None:
        self._queued.setdefault(method, deque()).extend(fault for _ in range(times))

    def window(self, seconds: float, method: str, status: int, starts: float | None) -> None:
        until = None if starts is None else starts + seconds
        self._windows.append(_Window(until, seconds, method, status))

    def every(self, n: int, method: str, fault: Fault) -> None:
        self._every.append(_Every(n, method, fault))

    def clear(self) -> None:
        self._queued.clear()
        self._windows.clear()
        self._every.clear()

    def next(self, method: str, now: float) -> Fault | None:
        for key in (method, "*"):
            queue = self._queued.get(key)
            if queue:
                return queue.popleft()
        for every in self._every:
            if every.method in (method, "*"):
                every.seen += 1
                if every.seen % every.n == 0:
                    return every.fault
        for window in self._windows:
            if window.until is None and window.method in (method, "*"):
                window.until = now + window.seconds
        self._windows = [w for w in self._windows if w.until is None or w.until > now]
        status = next(
            (w.status for w in self._windows if w.until and w.method in (method, "*")), None
        )
        return None if status is None else Fault(status, "internal_error", None)


@dataclass
class _Stall:
    method: str
    times: int
    skip: int
    landing_in: str | None
    release: threading.Event

    def takes(self, method: str, answer: Answer) -> bool:
        return self.method in (method, "*") and self.landing_in in (None, answer.get("channel"))


@dataclass
class Stalls:
    """Calls Slack accepts (and acts on) whose answers are held until released: what a
    client sees when it dies, or loses the connection, before the answer arrives."""

    _stalls: list[_Stall] = field(default_factory=list)
    _release: threading.Event = field(default_factory=threading.Event)

    def add(self, method: str, times: int, after: int, landing_in: str | None) -> None:
        if self._release.is_set():
            # A new hold must not re-hold answers a release() has already let go.
            self._release = threading.Event()
        self._stalls.append(_Stall(method, times, after, landing_in, self._release))

    def hold(self, method: str, answer: Answer) -> threading.Event | None:
        """The event to wait for before answering this accepted call, if it is held."""
        for stall in self._stalls:
            if stall.times <= 0 or not stall.takes(method, answer):
                continue
            if stall.skip > 0:
                stall.skip -= 1
                return None
            stall.times -= 1
            return stall.release
        return None

    def release(self) -> None:
        """Answer every held call; holds not used yet are dropped."""
        self._release.set()
        self._stalls.clear()

    def describe(self) -> list[dict[str, Any]]:
        return [
            {"method": s.method, "left": s.times, "skip": s.skip, "landing_in": s.landing_in}
            for s in self._stalls
        ]


class FaultControls:
    """How a test or a benchmark makes the stand-in misbehave (mixed into SlackStandIn,
    whose lock and fault queues these set, under that lock)."""

    _cond: threading.Condition
    _faults: Faults
    _stalls: Stalls
    _channel_interval: float | None
    _last_post: dict[str, float]

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
        with self._cond:
            self._faults.queue(method, Fault(status, error, _whole(retry_after)), times)

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
            starts = None if from_first_call else time.monotonic()
            self._faults.window(seconds, method, status, starts)

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
        with self._cond:
            self._faults.every(n, method, Fault(status, error, _whole(retry_after)))

    def stop_failing(self) -> None:
        """Lift every injected fault (queued, windows, every-n-th)."""
        with self._cond:
            self._faults.clear()

    def stall(
        self, method: str, times: int = 1, *, after: int = 0, landing_in: str | None = None
    ) -> None:
        """Accept calls of ``method`` ("*" = any) and act on them (a post is in the
        channel), but hold their answers until :meth:`release`: a caller that dies
        meanwhile never learns they succeeded. Holds the ``times`` successful calls that
        come after the first ``after`` ones; with ``landing_in``, only calls about that
        conversation (a post to a user id lands in their DM, "D" + the user id). Held
        calls are in :attr:`held`; :meth:`wait_held` waits for them."""
        with self._cond:
            self._stalls.add(method, times, after, landing_in)

    def release(self) -> None:
        """Answer the held calls; holds not used up yet are dropped."""
        with self._cond:
            self._stalls.release()

    def rate_limit_channels(self, per_second: float | None = 1.0) -> None:
        """Enforce Slack's per-channel chat.postMessage limit; None lifts it."""
        with self._cond:
            self._channel_interval = None if per_second is None else 1.0 / per_second
            self._last_post.clear()


def _whole(retry_after: float | None) -> int | None:
    # slack_sdk's retry handler reads Retry-After as whole seconds, as Slack sends it.
    return None if retry_after is None else math.ceil(retry_after)
