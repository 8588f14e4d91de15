"""A local stand-in for Slack's Web API, reached by the real WebClient over HTTP.

Tests construct ``WebClient(token=..., base_url=standin.url)``; every request is
checked against Slack's own OpenAPI description (``spec``), recorded as a :class:`Call`
and answered the way Slack would (``workspace``). Posted messages are kept per
conversation, so ``conversations.history`` answers with a channel's top-level
messages and ``conversations.replies`` with a thread (with their metadata when asked).
Faults (429 with Retry-After, 5xx, error answers, every n-th call failing, per-channel
rate limits, latency, answers held back after Slack accepted the call) can be injected
without touching the client (``faults``).
"""

from tests.support.slack_api.spec import DEFAULT_SPEC, SPEC_ENV, SpecMethod, load_spec, spec_path
from tests.support.slack_api.standin import RESPONSE_URL_USES, Call, SlackStandIn
from tests.support.slack_api.workspace import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, TEAM_URL

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
