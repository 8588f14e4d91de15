"""Requests first: delivery steps aside, briefly, while requests are being answered.

`baton serve` answers Slack's requests and delivers the outbox in one process, and
Python runs one thread at a time: a send that starts while fifty clicks are being
answered takes turns with them, and every click is answered later. A person who
clicked notices tens of milliseconds (and Slack allows an acknowledgement 3 s); a
queued message that goes out a moment later is not noticed. So before each send, and
before each pass that leases rows, delivery waits until no request is in flight — for
at most `at_most`, so that under steady traffic it still goes on, just in the gaps.
"""

from __future__ import annotations

import threading
import time

# How long delivery waits for the requests in flight: a burst of fifty clicks is
# answered in well under this.
YIELD_SECONDS = 0.25
# Quiet means no request for this long: between two requests of a burst, the server
# is still reading the next one for a moment while none is in flight.
QUIET_SECONDS = 0.005


class Foreground:
    """Counts the requests in flight; lets background work wait for a quiet moment."""

    def __init__(self) -> None:
        self._in_flight = 0
        self._last_answered = float("-inf")  # time.monotonic() when the last one ended
        self._quiet = threading.Condition(threading.Lock())

    def enter(self) -> None:
        with self._quiet:
            self._in_flight += 1

    def leave(self) -> None:
        with self._quiet:
            self._in_flight = max(self._in_flight - 1, 0)
            self._last_answered = time.monotonic()
            if self._in_flight == 0:
                self._quiet.notify_all()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def wait_quiet(self, at_most: float = YIELD_SECONDS) -> bool:
        """Wait until no request is in flight and none was answered in the last
        QUIET_SECONDS, for at most `at_most` seconds; True if it got quiet. Returns at
        once in a process that answers no requests (`baton worker`)."""
        deadline = time.monotonic() + at_most
        with self._quiet:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    return False
                if self._in_flight == 0:
                    calm_in = self._last_answered + QUIET_SECONDS - now
                    if calm_in <= 0:
                        return True
                    self._quiet.wait(min(calm_in, deadline - now))
                else:
                    self._quiet.wait(deadline - now)  # until the last one is answered
