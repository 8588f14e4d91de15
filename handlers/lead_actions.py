"""Buttons on a lead card: claim, log first touch, release, and the outcome modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.ids import ActionId, ViewId
from bot.slack.payloads import channel_of
from bot.slack.service import SlackService, outcome_form

OUTCOME_VIEW = "baton_outcome_view"  # context key: the modal the ack step approved


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

    def approve_outcome(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        # Checked before the ack, so someone who may not set the outcome is told why
        # instead of getting a modal; the lazy step only opens what was approved here.
        context[OUTCOME_VIEW] = slack.outcome_modal_for(action.get("value", ""), _user(body))
        ack()

    def open_outcome(body: dict[str, Any], context: BoltContext) -> None:
        view = context.get(OUTCOME_VIEW)
        if view:
            slack.open_modal(body["trigger_id"], view, _user(body), channel_of(body))

    app.action(ActionId.OUTCOME)(ack=approve_outcome, lazy=[open_outcome])

    @app.view(ViewId.OUTCOME)
    def submit_outcome(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        form = outcome_form(view.get("private_metadata", ""), view["state"]["values"])
        errors = slack.submit_outcome(_user(body), form)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()
