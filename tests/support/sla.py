"""Shared by the SLA Slack tests: a runtime on a FakeClock (handed off at 10:00 on
Friday 2026-11-20 in Tokyo, an enterprise lead's claim is due at 10:15) and helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.policy import Policy
from bot.core.settings import Settings
from bot.leads.handoff import LeadInput
from bot.runtime import Runtime, build_runtime
from tests.support.clock import FakeClock
from tests.support.slack_api import Call, SlackStandIn

MANAGER = "U0MANAGER1"


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
