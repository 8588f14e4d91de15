"""Requests first: delivery steps aside, briefly, while requests are being answered.

`baton serve` answers Slack's requests and delivers the outbox in one process, and
Python runs one thread at a time: a send that starts while fifty clicks are being
answered takes turns with them, and every click is answered later. A person who
clicked notices tens of milliseconds (and Slack allows an acknowledgement 3 s); a
queued message that goes out a moment later is not noticed. So before each send,
delivery waits until no request is in flight — for at most `at_most`, so that under
steady traffic it still goes on, just in the gaps.
"""

from __future__ import annotations

import threading
import time

# How long a send waits for the requests in flight: a burst of fifty clicks is
# answered in well under this.
YIELD_SECONDS = 0.25
# Quiet means no request for this long: between two requests of a burst, the server
# is still reading the next one for a moment while none is in flight.
QUIET_SECONDS = 0.005


class Foreground:
    """Counts the requests in flight; lets background work wait for a quiet moment."""

    def __init__(self) -> None:
        self._in_flight = 0
        self._arrived = 0  # requests ever entered: tells whether one came and went
        self._quiet = threading.Condition(threading.Lock())

    def enter(self) -> None:
        with self._quiet:
            self._in_flight += 1
            self._arrived += 1

    def leave(self) -> None:
        with self._quiet:
            self._in_flight -= 1
            if self._in_flight <= 0:
                self._in_flight = 0
                self._quiet.notify_all()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def wait_quiet(self, at_most: float = YIELD_SECONDS) -> bool:
        """Wait until no request has been in flight for QUIET_SECONDS, at most `at_most`
        seconds in all; True if it got quiet."""
        deadline = time.monotonic() + at_most
        with self._quiet:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not self._quiet.wait_for(self._idle, timeout=left):
                    return False
                # Idle now: quiet if no request arrives within QUIET_SECONDS.
                arrived = self._arrived
                self._quiet.release()
                try:
                    time.sleep(min(QUIET_SECONDS, max(deadline - time.monotonic(), 0)))
                finally:
                    self._quiet.acquire()
                if self._idle() and self._arrived == arrived:
                    return True

    def _idle(self) -> bool:
        return self._in_flight == 0
