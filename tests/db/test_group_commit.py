"""Rows a burst of requests each add are committed together, and each caller learns
whether its own row was committed."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.exc import IntegrityError

from bot.store import outbox
from bot.store.database import Database, insert_at_commit
from bot.store.models import InboundEvent, OutboxMessage
from bot.store.outbox import Intent
from tests.support.threads import at_once

WRITERS = 40


def test_every_row_of_a_burst_is_committed_before_its_writer_returns(db: Database) -> None:
    woken: list[int] = []
    outbox.on_queued(db, lambda: woken.append(1))
    returned: list[int] = []
    problems: list[BaseException] = []
    lock = threading.Lock()
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)

    def write(n: int) -> None:
        try:
            row = outbox.message(
                Intent.EPHEMERAL, now, user=f"U0LATE{n:02d}", channel=None, text="taken"
            )
            db.together(lambda session: outbox.queue(session, row, at_commit=True))
            with db.read() as session:  # committed: visible to anyone once this returned
                seen = session.scalar(
                    select(func.count()).where(
                        OutboxMessage.payload["user"].as_string() == f"U0LATE{n:02d}"
                    )
                )
            with lock:
                returned.append(int(seen or 0))
        except BaseException as exc:  # any failure here is what the test looks for
            with lock:
                problems.append(exc)

    at_once(WRITERS, write)

    assert problems == []
    assert returned == [1] * WRITERS
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == WRITERS
    assert 1 <= len(woken) <= WRITERS  # delivery is woken after the commits


def test_a_group_that_fails_tells_its_writer_and_keeps_nothing(db: Database) -> None:
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    hold_together(db, InboundEvent.__table__, [{"event_id": "Ev1", "received_at": now}])
    with pytest.raises(IntegrityError):
        hold_together(
            db,
            InboundEvent.__table__,
            [{"event_id": "Ev2", "received_at": now}, {"event_id": "Ev1", "received_at": now}],
        )
    with db.read() as session:
        assert session.scalars(select(InboundEvent.event_id)).all() == ["Ev1"]


def test_a_burst_mixing_tables_and_one_bad_row_keeps_every_good_row(db: Database) -> None:
    """Rows of a group go in one statement per table and column set; when one writer's
    row fails, every other writer's rows are still committed and only that one fails."""
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    hold_together(db, InboundEvent.__table__, [{"event_id": "EvTaken", "received_at": now}])
    failed: list[int] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        try:
            if n % 2:
                event_id = "EvTaken" if n == 7 else f"Ev{n:02d}"
                hold_together(
                    db, InboundEvent.__table__, [{"event_id": event_id, "received_at": now}]
                )
            else:
                row = outbox.message(
                    Intent.EPHEMERAL, now, user=f"U0N{n:02d}", channel=None, text="x"
                )
                db.together(lambda session: outbox.queue(session, row, at_commit=True))
        except IntegrityError:
            with lock:
                failed.append(n)

    at_once(WRITERS, write)

    assert failed == [7]
    with db.read() as session:
        events = set(session.scalars(select(InboundEvent.event_id)))
        notes = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert events == {"EvTaken"} | {f"Ev{n:02d}" for n in range(1, WRITERS, 2) if n != 7}
    assert notes == WRITERS // 2


def hold_together(db: Database, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` in a group commit, held to its end like the app's grouped rows."""
    db.together(lambda session: insert_at_commit(session, table, rows))
