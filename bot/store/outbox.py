"""Writing to the outbox: what Slack must be told, stored with the change that causes it.

Rows hold intents (which lead, which event), not rendered messages: delivery renders
from the database when it sends, so a late message still shows the newest state.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from bot.store.database import OUTBOX_QUEUED, UNSYNCED, insert_at_commit
from bot.store.models import OUTBOX_TABLE, OutboxMessage


class Intent(enum.StrEnum):
    POST_CARD = "card.post"  # post a lead's card to its route's channel
    UPDATE_CARD = "card.update"  # re-render the card in place
    THREAD_EVENT = "thread.event"  # a timeline event as a reply in the card's thread
    DUE_WORK = "due.send"  # a nudge or escalation level that fell due
    ASSIGNED = "lead.assigned"  # a DM telling a lead's new owner it is theirs now
    DIGEST = "digest.post"  # the weekly SLA digest to the marketing channel
    HANDOFF_RECEIPT = "intake.receipt"  # tell whoever handed off a lead where its card is
    EPHEMERAL = "ephemeral.post"  # a note only one user sees: {user, channel?, text}
    HOME_PUBLISH = "home.publish"  # re-render a user's App Home: {user}
    NOTICE = "notice.post"  # a catalog message to a channel or person (delivery alerts)


def enqueue(
    session: Session,
    intent: Intent,
    now: datetime,
    *,
    lead_id: int | None = None,
    **payload: Any,
) -> OutboxMessage:
    row = OutboxMessage(**values(intent, now, lead_id=lead_id, **payload))
    session.add(row)
    session.info[OUTBOX_QUEUED] = True
    return row


def values(
    intent: Intent, now: datetime, *, lead_id: int | None = None, **payload: Any
) -> dict[str, Any]:
    """The columns of one outbox row, for `enqueue_values`."""
    return {
        "lead_id": lead_id,
        "kind": str(intent),
        "payload": payload,
        "created_at": now,
        "available_at": now,
        "attempts": 0,
    }


def enqueue_values(
    session: Session, rows: list[dict[str, Any]], *, at_commit: bool = False
) -> None:
    """Queue several rows (see `values`) with one Core INSERT, in this order, making no ORM
    objects: for the paths a user's click waits for. `at_commit`: held to the end of the
    transaction (bot.store.database.insert_at_commit)."""
    if at_commit:
        insert_at_commit(session, OUTBOX_TABLE, rows)
    else:
        session.execute(insert(OUTBOX_TABLE), rows)
    session.info[OUTBOX_QUEUED] = True


def release_waiting(session: Session, intent: Intent, lead_ids: list[int], now: datetime) -> None:
    """Make the pending `intent` rows of these leads due now: what they waited for is here.

    A row that cannot go out until something else happened (a thread reply before its
    card is in Slack) is parked with a long wait instead of being asked about again and
    again; the change it waits for calls this in its own transaction.
    """
    if not lead_ids:
        return
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.lead_id.in_(lead_ids),
            OutboxMessage.kind == str(intent),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.dead_at.is_(None),
            OutboxMessage.available_at > now,
        )
        .values(available_at=now)
        .execution_options(**UNSYNCED)
    )
    session.info[OUTBOX_QUEUED] = True
