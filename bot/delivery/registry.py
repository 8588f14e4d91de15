"""The contract between delivery and the senders.

Delivery imports none of the senders but its own (notices, person look-ups): the modules that hold them
(bot.slack.senders, bot.slack.sla_senders, bot.intake.receipt) register them here when
imported, and the runtime (bot/runtime.py) imports them.

A sender is registered per outbox kind with `@sender(Intent.X)`. It gets the row and
a SendContext, renders from the database, makes its Slack call(s) through
`ctx.client` (or `ctx.post_message`) and answers with `Sent(result, record)`. It may
raise NotReady when the row cannot go out yet; any Slack error it lets through is
classified by delivery (retry, wait, or dead letter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse
from sqlalchemy.orm import Session

from bot.core.policy import Policy
from bot.delivery.pacing import NotReady
from bot.store.database import Database
from bot.store.models import OutboxMessage

__all__ = ["SENDERS", "NoSender", "NotReady", "SendContext", "Sender", "Sent", "sender"]


@dataclass
class SendContext:
    """What a sender needs. Senders read with `db.read()`; they must not hold a write
    transaction across a Slack call (on SQLite that would block every claim)."""

    db: Database
    client: WebClient
    policy: Policy
    now: datetime
    row: OutboxMessage | None = None  # the row being sent

    def post_message(self, *, channel: str, text: str, **kwargs: Any) -> SlackResponse:
        """chat.postMessage: paced per channel, tagged with the outbox row, never doubled.

        Any `ctx.client.chat_postMessage` call gets the same treatment; this is the
        short way to write it. Pass blocks, thread_ts, etc. as keyword arguments.
        """
        return self.client.chat_postMessage(channel=channel, text=text, **kwargs)


@dataclass
class Sent:
    """A sender's answer: what Slack returned, and what to write in the same
    transaction that marks the row sent (so a recorded send and its effects agree)."""

    result: dict[str, Any] | None = None
    record: Callable[[Session], None] | None = None


Sender = Callable[[OutboxMessage, SendContext], Sent]
SENDERS: dict[str, Sender] = {}


def sender(kind: str) -> Callable[[Sender], Sender]:
    def register(fn: Sender) -> Sender:
        SENDERS[kind] = fn
        return fn

    return register


class NoSender(Exception):
    """No sender is registered for a row's kind (a newer Baton queued it)."""
