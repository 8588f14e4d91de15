"""Pacing Slack calls: about one message a second per channel, and Slack's own Retry-After.

The pacer only keeps times; nobody sleeps here. Delivery asks how long a channel or a
method must wait and schedules work for then, so a rate-limited channel never holds up
the others (and never a request thread).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

POST_MESSAGE = "chat.postMessage"


class NotReady(Exception):
    """The message cannot go out yet; try it again later. Not a failure.

    Senders raise it when something the message depends on is not there yet (the card
    a thread reply belongs under, say); delivery raises it when Slack asked Baton to
    wait. `retry_in` is how many seconds to wait (None: delivery picks a backoff that
    grows with the message's age).
    """

    def __init__(self, reason: str = "not ready yet", *, retry_in: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_in = retry_in


class Pacer:
    """When each channel and each Slack method may next be called (monotonic seconds)."""

    def __init__(self, post_interval: float = 1.0, *, clock: Callable[[], float] = time.monotonic):
        self.post_interval = post_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._next_post: dict[str, float] = {}  # channel -> earliest next chat.postMessage
        self._method_block: dict[str, float] = {}  # method -> Retry-After expiry
        self._channel_block: dict[tuple[str, str], float] = {}  # (method, channel) -> expiry

    def wait_time(self, method: str, channel: str | None = None) -> float:
        """Seconds until `method` may be called (for `channel`, when it names one)."""
        now = self._clock()
        with self._lock:
            until = self._method_block.get(method, 0.0)
            if channel is not None:
                until = max(until, self._channel_block.get((method, channel), 0.0))
                if method == POST_MESSAGE:
                    until = max(until, self._next_post.get(channel, 0.0))
        return max(0.0, until - now)

    def channel_wait(self, channel: str) -> float:
        """Seconds until the next message may be posted to `channel`."""
        return self.wait_time(POST_MESSAGE, channel)

    def called(self, method: str, channel: str | None) -> None:
        """A call finished: the channel's next post waits a full interval from now.

        Counting from the answer rather than the request keeps two posts at least an
        interval apart when they arrive at Slack, however long each request took.
        """
        if method != POST_MESSAGE or channel is None or self.post_interval <= 0:
            return
        now = self._clock()
        with self._lock:
            self._next_post[channel] = max(
                self._next_post.get(channel, 0.0), now + self.post_interval
            )
            if len(self._next_post) > 10_000:
                self._prune(now)

    def hold(self, channel: str, seconds: float) -> None:
        """No post to `channel` for `seconds` (the pace another process left it at)."""
        if seconds <= 0:
            return
        until = self._clock() + seconds
        with self._lock:
            self._next_post[channel] = max(self._next_post.get(channel, 0.0), until)

    def rate_limited(self, method: str, channel: str | None, retry_after: float) -> None:
        """Slack answered 429: hold the method (the channel, for chat.postMessage)."""
        until = self._clock() + max(retry_after, 0.0)
        with self._lock:
            if method == POST_MESSAGE and channel is not None:
                key = (method, channel)
                self._channel_block[key] = max(self._channel_block.get(key, 0.0), until)
            else:
                self._method_block[method] = max(self._method_block.get(method, 0.0), until)

    def _prune(self, now: float) -> None:
        self._next_post = {c: t for c, t in self._next_post.items() if t > now}
        self._channel_block = {k: t for k, t in self._channel_block.items() if t > now}
        self._method_block = {m: t for m, t in self._method_block.items() if t > now}
