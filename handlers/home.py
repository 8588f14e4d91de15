"""App Home: a fresh view is queued whenever someone opens Baton's Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.slack.ids import Event
from bot.slack.service import SlackService


def register(app: App, slack: SlackService) -> None:
    @app.event(Event.APP_HOME_OPENED)
    def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            slack.home_opened(event["user"])
