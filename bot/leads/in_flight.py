"""Waiting for the work already running on the same key in this process (a claim on
a lead), holding no database connection meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Turn:
    """One thread's turn at the work on a key: what the work it waited for found, and a
    way to leave what this work finds to the threads waiting for it."""

    def __init__(self, found: Any = None, *, first: bool) -> None:
        self.found = found
        self.left: Any = None
        self._first = first

    def leave(self, found: Any) -> None:
        if self._first:
            self.left = found


class InFlight:
    """Lets a thread wait for the work already running on the same key (a lead id)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._running: dict[int, tuple[threading.Event, Turn]] = {}

    @contextmanager
    def after_running(self, key: int) -> Iterator[Turn]:
        """Run the block once the work running on `key` when called (if any) is done.

        Threads that waited then run side by side, and the first of them alone is
        waited for by later arrivals; the work itself must be safe to run concurrently.
        The block gets what the work it waited for left (`Turn.found`), if anything.
        """
        with self._guard:
            running = self._running.get(key)
            if running is None:
                mine = Turn(first=True)
                done = threading.Event()
                self._running[key] = (done, mine)
        if running is not None:
            running[0].wait()
            yield Turn(running[1].left, first=False)
            return
        try:
            yield mine
        finally:
            with self._guard:
                del self._running[key]
            done.set()
