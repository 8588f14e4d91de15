"""/healthz asks the database every time, but scans the outbox only now and then."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, update

from bot.health import HealthCheck
from bot.runtime import Runtime
from bot.store import outbox
from bot.store.models import OutboxMessage


def statements(runtime: Runtime) -> list[str]:
    seen: list[str] = []

    @event.listens_for(runtime.db.engine, "before_cursor_execute")
    def _seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    return seen


def test_every_check_pings_the_database_and_the_outbox_is_read_again_when_stale(
    runtime: Runtime,
) -> None:
    check = HealthCheck(runtime, figures_seconds=3600)
    now = datetime.now(UTC)
    with runtime.db.transaction() as session:
        for _ in range(3):
            outbox.queue(session, outbox.message("test.kind", now))
    seen = statements(runtime)

    first, status = check.report()
    assert status == 200 and first["outbox"]["backlog"] == 3 and first["outbox"]["dead"] == 0
    assert any("FROM outbox" in s for s in seen)

    with runtime.db.transaction() as session:
        session.execute(update(OutboxMessage).values(dead_at=now))
    seen.clear()
    second, _ = check.report()
    assert second["database"] == "ok" and second["outbox"]["backlog"] == 3  # not read again
    assert any(s == "SELECT 1" for s in seen)
    assert not any("outbox" in s for s in seen)

    check.figures_seconds = 0
    third, status = check.report()
    assert status == 200
    assert third["outbox"] == {"backlog": 0, "oldest_age_seconds": 0.0, "dead": 3}
    assert "baton retry-failed" in third["warnings"][0]
