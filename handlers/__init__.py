"""Slack listeners. Each is thin: read the payload, call one `bot` service, render or ack."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.service import SlackService
from handlers import errors, escalation, fallback, handoff, home, lead_actions, offers, status


def register(app: App, slack: SlackService) -> None:
    """Wire every listener into `app`."""
    handoff.register(app, slack)
    lead_actions.register(app, slack)
    offers.register(app, slack)
    status.register(app, slack)
    home.register(app, slack)
    escalation.register(app, slack)
    errors.register(app, slack)
    fallback.register(app, slack)
