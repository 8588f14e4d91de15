"""Buttons on a lead card: claim, log first touch, release, and the outcome modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.slack.ids import ActionId, ViewId
from bot.slack.outcome_form import outcome_form
from bot.slack.service import SlackService
from handlers.modals import button_opens_modal


def _user(body: dict[str, Any]) -> str:
    return str(body["user"]["id"])


def register(app: App, slack: SlackService) -> None:
    @app.action(ActionId.CLAIM)
    def claim(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        slack.claim(action.get("value", ""), _user(body))
        ack()

    @app.action(ActionId.TOUCH)
    def log_first_touch(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        slack.log_first_touch(action.get("value", ""), _user(body))
        ack()

    @app.action(ActionId.RELEASE)
    def release(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        slack.release(action.get("value", ""), _user(body))
        ack()

    button_opens_modal(
        app, slack, ActionId.OUTCOME, lambda user, value: slack.outcome_modal_for(value, user)
    )

    @app.view(ViewId.OUTCOME)
    def submit_outcome(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        form = outcome_form(view.get("private_metadata", ""), view["state"]["values"])
        errors = slack.submit_outcome(_user(body), form)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()
