"""The Slack stand-in as the tests use it: bot.slack_standin (the one implementation,
shared with `baton demo` and the benchmarks), checking every call against Slack's own
OpenAPI description (``spec``; kept in tests/support/slack_api_spec/).

Tests construct ``WebClient(token=..., base_url=standin.url)``; every request is
checked, recorded as a :class:`Call` and answered the way Slack would. Posted messages
are kept per conversation, so ``conversations.history`` answers with a channel's
top-level messages and ``conversations.replies`` with a thread. Faults (429 with
Retry-After, 5xx, error answers, every n-th call failing, per-channel rate limits,
latency, answers held back after Slack accepted the call) can be injected without
touching the client.
"""

from __future__ import annotations

from pathlib import Path

from bot.slack_standin import server
from bot.slack_standin.server import RESPONSE_URL_USES, Call
from bot.slack_standin.workspace import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, TEAM_URL
from tests.support.slack_api.spec import (
    DEFAULT_SPEC,
    SPEC_ENV,
    SpecMethod,
    load_spec,
    spec_check,
    spec_path,
)


class SlackStandIn(server.SlackStandIn):
    """The stand-in, refusing (and recording as violations) what Slack's description
    says Slack would refuse."""

    def __init__(self, spec: Path | None = None) -> None:
        super().__init__(check=spec_check(spec))


__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "DEFAULT_SPEC",
    "RESPONSE_URL_USES",
    "SPEC_ENV",
    "TEAM_ID",
    "TEAM_URL",
    "Call",
    "SlackStandIn",
    "SpecMethod",
    "load_spec",
    "spec_path",
]
