"""A lead's timeline: the one way to write a timeline event.

Every change to a lead writes its event in the transaction that makes the change
(docs/architecture.md, "Guarantees"). Writing it here also
- counts its lifecycle metric once that transaction has committed, and only then, so
  every path that changes a lead (Slack, intake, the CLI, the scheduler) is counted
  once and a rolled-back change never is;
- queues what Slack must show of it: the card re-rendered and the event as a reply in
  the card's thread (`Announce`);
- queues one POST per policy webhook subscribed to its kind (`Intent.WEBHOOK`, sent by
  bot/delivery/webhooks.py). The webhooks reach this code, which is handed only a
  session, on the database's sessions (`subscribe_webhooks`).

Core INSERTs, not ORM objects: nothing reads an event back in its own transaction, and
the unit of work's flush cost more than the rest of a click's database work.
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.core import metrics
from bot.core.policy import Policy
from bot.core.policy_sections import WebhookPolicy
from bot.store import outbox
from bot.store.database import Database, after_commit, insert_at_commit
from bot.store.models import LEAD_EVENTS_TABLE, Lead
from bot.store.outbox import Intent

_INSERT = insert(LEAD_EVENTS_TABLE).returning(LEAD_EVENTS_TABLE.c.id)
# Each event's own after-commit key: every event counts once, however many a transaction
# writes.
_METRIC_KEYS = itertools.count()
# The policy's webhooks, in `session.info` of every session of a subscribed database.
_WEBHOOKS = "baton.webhooks"


class Announce(enum.Enum):
    CARD_AND_THREAD = "card and thread"  # the card shows the change; the thread tells it
    THREAD = "thread"  # only a reply in the thread (the card shows nothing new)
    NOTHING = "nothing"  # Slack shows it otherwise (a new card, a nudge in the thread)


@dataclass(frozen=True)
class LeadTimes:
    """What a lifecycle metric measures, as the lead stood when the event was written."""

    created_at: datetime | None = None
    claimed_at: datetime | None = None
    first_touch_at: datetime | None = None

    @classmethod
    def of(cls, lead: Lead) -> LeadTimes:
        return cls(lead.created_at, lead.claimed_at, lead.first_touch_at)


def record_event(
    session: Session,
    kind: str,
    *,
    lead_id: int,
    route: str,
    actor: str,
    at: datetime,
    detail: dict[str, Any],
    times: LeadTimes | None = None,
    announce: Announce = Announce.CARD_AND_THREAD,
    at_commit: bool = False,
    messages_at_commit: bool = False,
) -> int | None:
    """Write one timeline event of lead `lead_id`; its id (None when `at_commit`).

    `at_commit`: held to the end of the transaction (bot.store.database.insert_at_commit),
    for a hand-off in a group commit; such an event has no id to announce.
    `messages_at_commit`: the event is written now, for its id, and what it queues
    (card, thread reply, webhooks) is held to the commit: for a change in a group commit
    that queues nothing else before it commits, or holds that too (a CRM's stage update).
    """
    held = at_commit or messages_at_commit
    row = {"lead_id": lead_id, "kind": kind, "actor": actor, "at": at, "detail": detail}
    event_id: int | None = None
    if at_commit:
        if announce is not Announce.NOTHING:
            raise ValueError("an event held to the commit has no id to announce")
        insert_at_commit(session, LEAD_EVENTS_TABLE, [row])
    else:
        event_id = session.execute(_INSERT, row).scalar_one()
    if announce is Announce.CARD_AND_THREAD:
        card = outbox.message(Intent.UPDATE_CARD, at, lead_id=lead_id)
        reply = outbox.message(Intent.THREAD_EVENT, at, lead_id=lead_id, event_id=event_id)
        outbox.queue(session, card, reply, at_commit=held)
    elif announce is Announce.THREAD:
        reply = outbox.message(Intent.THREAD_EVENT, at, lead_id=lead_id, event_id=event_id)
        outbox.queue(session, reply, at_commit=held)
    _queue_webhooks(session, kind, lead_id, event_id, at, at_commit=held)
    moments = vars(times or LeadTimes())
    counted = (kind, route, dict(detail))
    key = f"metrics.event.{next(_METRIC_KEYS)}"
    after_commit(session, key, lambda _db: metrics.observe_event(*counted, **moments))
    return event_id


def subscribe_webhooks(db: Database, policy: Policy) -> None:
    """Make `record_event` queue each event for the webhooks of `policy` subscribed to its
    kind, in every transaction of `db` from now on (the last policy given wins)."""
    db.share(_WEBHOOKS, tuple(policy.webhooks))


def _queue_webhooks(
    session: Session,
    kind: str,
    lead_id: int,
    event_id: int | None,
    at: datetime,
    *,
    at_commit: bool,
) -> None:
    hooks: tuple[WebhookPolicy, ...] = session.info.get(_WEBHOOKS, ())
    # No lead_id on the row: a lead's rows go out in order, so a receiver that is down
    # would hold back the lead's Slack messages behind its retries. The row names the
    # lead in its payload instead, and the webhook by index and url (the policy may have
    # changed by the time it is sent). An event held to the commit has no id yet: its
    # sender finds it by lead and kind (only `handed_off` is written that way, once a lead).
    rows = [
        outbox.message(
            Intent.WEBHOOK, at, event_id=event_id, lead=lead_id, event=kind, webhook=i, url=hook.url
        )
        for i, hook in enumerate(hooks)
        if kind in hook.events
    ]
    outbox.queue(session, *rows, at_commit=at_commit)
