"""Queueing outbox rows in tests that need their ids (bot.store.outbox.queue returns none)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import outbox
from bot.store.models import OutboxMessage


def queue_rows(session: Session, *messages: dict[str, Any]) -> list[int]:
    """Queue `messages` the way the app does; their ids, in order."""
    outbox.queue(session, *messages)
    newest = session.scalars(
        select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(len(messages))
    )
    return sorted(newest)
