"""The current instant, in one place so tests can inject it.

`Now` is a source of the current time (`utcnow`, or a test's fake clock). It is not an
SLA clock: those are `bot.store.models.Clock` (time to claim, time to first touch).
"""

from collections.abc import Callable
from datetime import UTC, datetime

Now = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)
