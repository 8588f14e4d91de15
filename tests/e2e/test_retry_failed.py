"""`baton retry-failed`: list the dead letters, then put them back in line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update

from bot.store.database import Database
from bot.store.models import OutboxMessage
from tests.e2e.test_cli import baton
from tests.support.processes import enqueue_notices


def test_retry_failed_lists_the_problems_and_requeues_them(tmp_path: Path, migrated) -> None:  # type: ignore[no-untyped-def]
    url = migrated.sqlite_url(tmp_path / "baton.db")
    db = Database(url)
    ids = enqueue_notices(db, ["C0SALES", "C0OTHER"], 1)
    failure = {"method": "chat.postMessage", "channel": "C0SALES", "error": "not_in_channel"}
    with db.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == ids[0])
            .values(dead_at=datetime.now(UTC), failure=failure, failures=1)
        )
    env = {"DATABASE_URL": url}

    listed = baton("retry-failed", "--list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Baton cannot post to <#C0SALES>: it is not in the channel" in listed.stdout
    assert (
        baton("retry-failed", "--channel", "C0OTHER", env=env)
        .stdout.strip()
        .endswith("Nothing to retry: no dead letter matches that channel or error.")
    )

    done = baton("retry-failed", env=env)
    assert done.returncode == 0 and "Re-queued 1 message;" in done.stdout
    with db.read() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.id == ids[0]))
        assert row is not None and row.dead_at is None and row.failures == 0
    assert "No delivery problems" in baton("retry-failed", "--list", env=env).stdout
    db.dispose()
