"""Fixtures for the Slack surface: a runtime on a fake clock and a quick way to hand off leads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import text

from bot.core.policy import Policy
from bot.core.settings import Settings
from bot.leads.handoff import LeadInput
from bot.runtime import Runtime, build_runtime
from bot.store.models import Lead
from tests.support.clock import FakeClock

HandOff = Callable[..., Lead]


@pytest.fixture
def runtime(settings: Settings, policy: Policy, clock: FakeClock) -> Iterator[Runtime]:
    """Baton's runtime on the test database and the stand-in, with the fake clock
    (deadlines and "n minutes ago" are then exact); delivery runs only in `drain`."""
    built = build_runtime(settings, policy=policy, clock=clock)
    yield built
    built.close()


@pytest.fixture
def hand_off(runtime: Runtime) -> HandOff:
    def make(**fields: Any) -> Lead:
        data: dict[str, Any] = {
            "source": "web",
            "name": "Hanako Sato",
            "email": "hanako@example.co.jp",
            "company": "Example KK",
            "title": "Head of IT",
            "score": 72,
            "campaign": "Autumn webinar",
            "reason": "Asked for a demo after the webinar",
        }
        data.update(fields)
        return runtime.leads.hand_off(LeadInput(**data)).lead

    return make


@contextmanager
def missing_table(runtime: Runtime, table: str) -> Iterator[None]:
    """A table gone, as after a botched restore; put back afterwards (the PostgreSQL
    schema is shared by the tests of a run)."""
    with runtime.db.transaction() as session:
        session.execute(text(f"ALTER TABLE {table} RENAME TO {table}_gone"))
    try:
        yield
    finally:
        with runtime.db.transaction() as session:
            session.execute(text(f"ALTER TABLE {table}_gone RENAME TO {table}"))
