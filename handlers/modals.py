"""A button that opens a modal: one way, for the outcome, snooze, Pass and Hand off again.

The modal is made before the ack, so a click that may not open it (not the owner, an
offer that moved on, a value that is not a lead's) is told why by the error handler
instead of getting a modal; Slack's trigger id lasts 3 s, once, so the modal opens in a
lazy listener right after the ack, through SlackService.open_modal (which tells the
person when Slack refuses it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.payloads import channel_of
from bot.slack.service import SlackService

# (the clicker's user id, the button's value) -> the modal to open
MakeModal = Callable[[str, str], dict[str, Any]]


def button_opens_modal(app: App, slack: SlackService, action_id: str, make: MakeModal) -> None:
    key = f"baton.modal.{action_id}"  # the context key: the modal the ack step made

    def approve(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        context[key] = make(str(body["user"]["id"]), str(action.get("value") or ""))
        ack()

    def open_it(body: dict[str, Any], context: BoltContext) -> None:
        view = context.get(key)
        if view:
            slack.open_modal(body["trigger_id"], view, str(body["user"]["id"]), channel_of(body))

    app.action(action_id)(ack=approve, lazy=[open_it])
