"""Slack listeners. Each is thin: read the payload, call one `bot` service, render or ack."""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from bot.slack.service import SlackService
from handlers import errors, escalation, fallback, handoff, home, lead_actions, status


def register(app: App, runtime: Runtime) -> None:
    """Wire every listener into `app`."""
    slack = SlackService(runtime)
    handoff.register(app, runtime)
    lead_actions.register(app, slack)
    status.register(app, slack)
    home.register(app, slack)
    escalation.register(app, runtime)
    errors.register(app, slack)
    fallback.register(app, slack)
