"""Running test work on many threads released at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable


def at_once(count: int, target: Callable[[int], None], timeout: float = 60) -> None:
    """Call `target(0)` … `target(count - 1)`, each on its own thread, all released
    together by a barrier; return when every one has finished (or `timeout` passed)."""
    start = threading.Barrier(count)

    def run(n: int) -> None:
        start.wait()
        target(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
