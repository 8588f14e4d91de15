"""Writing to the outbox: what Slack must be told, stored with the change that causes it.

Rows hold intents (which lead, which event), not rendered messages: delivery renders
from the database when it sends, so a late message still shows the newest state.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from bot.store.database import UNSYNCED, Database, after_commit, insert_at_commit
from bot.store.models import OUTBOX_TABLE, OutboxMessage

# What `Database.tell`s delivery after a commit that queued messages.
QUEUED = "outbox.queued"


class Intent(enum.StrEnum):
    POST_CARD = "card.post"  # post a lead's card to its route's channel
    UPDATE_CARD = "card.update"  # re-render the card in place
    THREAD_EVENT = "thread.event"  # a timeline event as a reply in the card's thread
    DUE_WORK = "due.send"  # a nudge or escalation level that fell due
    ASSIGNED = "lead.assigned"  # a DM telling a lead's new owner it is theirs now
    WEEKLY_REPORT = "digest.post"  # the weekly SLA report to the marketing channel
    HANDOFF_RECEIPT = "intake.receipt"  # tell whoever handed off a lead where its card is
    EPHEMERAL = "ephemeral.post"  # a note only one user sees: {user, channel?, text}
    HOME_PUBLISH = "home.publish"  # re-render a user's App Home: {user}
    NOTICE = "notice.post"  # a catalog message to a channel or person (delivery alerts)
    REPORT = "report.send"  # a funnel report prepared off the ack path, as a DM: {to, period, by}
    CHART = "chart.upload"  # the funnel report's chart, as a file: {to, period | start/end, by}
    LOOK_UP_PERSON = "person.look_up"  # ask Slack a user's locale: {user} (bot.store.people)
    # list the workspace's members, for each one's language and whether they are a guest:
    # {cursor?: where the last row's pages ended} (bot.store.people)
    LIST_PEOPLE = "people.list"
    # a lead's timeline event POSTed to a policy webhook: {event_id, lead, event, webhook, url}
    WEBHOOK = "webhook.post"
    # why sales disqualified, returned or lost a lead, to marketing: {to (user or channel), by}
    MARKETING_FEEDBACK = "marketing.feedback"
    # a lead offered to one rep, by DM with Accept and Pass: {user, offer (assignment id)}
    OFFER = "lead.offer"
    # ask Slack the members of a user group named in a pool: {group} (bot.store.user_groups)
    LOOK_UP_GROUP = "group.look_up"
    # a lead's personal data erased: its thread replies and DMs in Slack replaced {}
    REDACT = "lead.redact"


def message(
    intent: Intent,
    now: datetime,
    *,
    lead_id: int | None = None,
    not_before: datetime | None = None,
    **payload: Any,
) -> dict[str, Any]:
    """One outbox row's columns, for `queue`. `payload` is what its sender needs (ids, not
    rendered text: the sender renders from the database when it sends); `not_before`,
    when it may go out, if later than now."""
    return {
        "lead_id": lead_id,
        "kind": str(intent),
        "payload": payload,
        "created_at": now,
        "available_at": not_before or now,
        "attempts": 0,
    }


def queue(session: Session, *messages: dict[str, Any], at_commit: bool = False) -> None:
    """The one way to put messages in the outbox: in the transaction of the change that
    causes them, in this order, with one Core INSERT (no ORM objects: this is on the path
    a user's click waits for). Delivery in this process wakes once the transaction has
    committed. `at_commit`: held to the end of the transaction, to share one statement
    with the rest of a group commit (bot.store.database.insert_at_commit)."""
    if not messages:
        return
    if at_commit:
        insert_at_commit(session, OUTBOX_TABLE, list(messages))
    else:
        session.execute(insert(OUTBOX_TABLE), list(messages))
    wake_delivery(session)


def wake_delivery(session: Session) -> None:
    """Once this transaction commits, tell delivery in this process there is work (other
    processes find it on their next look, within a second)."""
    after_commit(session, QUEUED, _tell_queued)


def _tell_queued(db: Database) -> None:
    db.tell(QUEUED)


def on_queued(db: Database, listener: Callable[[], None]) -> None:
    """Call `listener()` after each transaction that queued or released messages."""
    db.listen(QUEUED, lambda _value: listener())


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
    wake_delivery(session)
