"""/lead-status: answered in the acknowledgement itself, visible only to the asker."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.slack.ids import Command
from bot.slack.service import SlackService


def register(app: App, slack: SlackService) -> None:
    @app.command(Command.LEAD_STATUS)
    def lead_status(ack: Ack, command: dict[str, Any]) -> None:
        message = slack.lead_status(command["user_id"], command.get("text") or "")
        ack(response_type="ephemeral", text=message.text, blocks=message.blocks)
