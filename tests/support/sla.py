"""Shared by the SLA Slack tests: a runtime on a FakeClock (handed off at 10:00 on
Friday 2026-11-20 in Tokyo, an enterprise lead's claim is due at 10:15) and helpers;
and, for tests with real `baton` processes, leads whose escalation is long due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from bot.core.policy import Policy, parse_policy
from bot.core.settings import Settings
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.runtime import Runtime, build_runtime
from bot.store.database import Database
from bot.store.models import Lead, OutboxMessage, SlackMessage
from bot.store.outbox import Intent
from tests.support.clock import FakeClock
from tests.support.slack_api import Call, SlackStandIn

MANAGER = "U0MANAGER1"
MANAGER_DM = f"D{MANAGER}"  # the stand-in's id of the bot's DM with the manager

# One escalation level, to one manager, due a second after the hand-off.
ONE_LEVEL = f"""
timezone: UTC
roles: {{managers: [{MANAGER}]}}
routes:
  - name: default
    channel: C0SALES
    calendar: always
    claim_within: 1s
    first_touch_within: 1d
    escalate:
      - after: 0s
        notify: [managers]
"""


def tokyo(hh: int, mm: int, day: int = 20) -> datetime:
    return datetime(2026, 11, day, hh, mm, tzinfo=UTC) - timedelta(hours=9)


def make_runtime(settings: Settings, policy: Policy, clock: FakeClock) -> Runtime:
    return build_runtime(settings, policy=policy, clock=clock)


def hand_off(rt: Runtime, n: int = 1, **fields: Any) -> int:
    data: dict[str, Any] = {
        "source": "web",
        "name": f"Aiko Tanaka {n}",
        "company": "Example KK",
        "external_id": f"x-{n}",
        "segment": "enterprise",
        "score": 88,
    }
    data.update(fields)
    return rt.leads.hand_off(LeadInput(**data)).lead.id


def posts(api: SlackStandIn, channel: str | None = None) -> list[Call]:
    """Messages posted, or those that landed in `channel` (a DM's id for a message posted
    to a user's id, as Slack answers)."""
    return [
        c
        for c in api.successful_calls("chat.postMessage")
        if channel is None or landed_in(c) == channel
    ]


def landed_in(call: Call) -> str | None:
    """The conversation a successful chat.postMessage landed in."""
    channel = (call.response or {}).get("channel")
    return str(channel) if channel else None


def action_ids(call: Call) -> list[str]:
    return [
        element["action_id"]
        for block in call.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def at(rt: Runtime, clock: FakeClock, when: datetime) -> None:
    clock.set(when)
    rt.scheduler.run_due()


def handed_off_an_hour_ago(db: Database, policy_text: str, count: int) -> list[int]:
    """`count` leads whose escalation fell due long ago, their cards long posted (as a
    worker finds them after an outage); their ids."""
    past = datetime.now(UTC) - timedelta(hours=1)
    service = LeadService(db, parse_policy(policy_text), clock=lambda: past)
    for n in range(count):
        service.hand_off(LeadInput(source="web", name=f"Lead {n}", external_id=f"e2e-{n}"))
    with db.transaction() as s:
        s.execute(
            update(OutboxMessage).where(OutboxMessage.kind == Intent.POST_CARD).values(sent_at=past)
        )
        ids = list(s.scalars(select(Lead.id).order_by(Lead.id)))
        s.add_all(
            SlackMessage(
                lead_id=i, channel="C0SALES", ts=f"{1700000000 + i}.000100", created_at=past
            )
            for i in ids
        )
    return ids


def outbox_rows(db: Database, kind: str = Intent.DUE_WORK) -> list[OutboxMessage]:
    """The outbox rows of `kind` (by default nudges and escalations), oldest first."""
    with db.read() as s:
        return list(
            s.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


def unsent_rows(db: Database, kind: str = Intent.DUE_WORK) -> int:
    """How many outbox rows of `kind` are still to go out."""
    return _count(db, kind, OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))


def sent_rows(db: Database, kind: str = Intent.DUE_WORK) -> int:
    """How many outbox rows of `kind` went out."""
    return _count(db, kind, OutboxMessage.sent_at.is_not(None))


def _count(db: Database, kind: str, *where: Any) -> int:
    with db.read() as s:
        query = select(func.count()).where(OutboxMessage.kind == kind, *where)
        return int(s.scalar(query) or 0)


def outbox_id_of(call: Call) -> int:
    """The outbox row a chat.postMessage was made for (its message metadata names it)."""
    return int(call.args["metadata"]["event_payload"]["outbox_id"])
