"""App Home: a fresh view is queued whenever someone opens Baton's Home tab, and after
its away controls are used (the offers' Accept / Pass are the offer DM's buttons)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.slack.ids import Event, HomeActionId
from bot.slack.service import SlackService
from bot.slack.team_service import picked_day


def register(app: App, slack: SlackService) -> None:
    @app.event(Event.APP_HOME_OPENED)
    def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            slack.home_opened(event["user"])

    @app.action(HomeActionId.AWAY)
    def away(ack: Ack, body: dict[str, Any]) -> None:
        slack.team.away_from_home(str(body["user"]["id"]), picked_day(body))
        ack()

    @app.action(HomeActionId.BACK)
    def back(ack: Ack, body: dict[str, Any]) -> None:
        slack.team.back_from_home(str(body["user"]["id"]))
        ack()

    @app.action(HomeActionId.AWAY_UNTIL)
    def day_picked(ack: Ack) -> None:
        # Picking a day only fills the picker; "Away" reads it from the view's state.
        ack()
