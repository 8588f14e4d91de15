"""Buttons of an offer (the DM offering a lead to one rep, and App Home): Accept, and
Pass… with its modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack.ids import ActionId, ViewId
from bot.slack.offer_actions import OfferActions
from bot.slack.payloads import channel_of
from bot.slack.service import SlackService

PASS_VIEW = "baton_pass_view"  # context key: the modal the ack step approved


def register(app: App, slack: SlackService) -> None:
    offers = OfferActions(slack)

    @app.action(ActionId.ACCEPT)
    def accept(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        offers.accept(action.get("value", ""), body["user"]["id"], channel_of(body))
        ack()

    def approve_pass(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        # Checked before the ack, so an offer that moved on is told at once instead of a
        # modal; the lazy step only opens what was approved here.
        context[PASS_VIEW] = offers.pass_modal_for(action.get("value", ""), body["user"]["id"])
        ack()

    def open_pass(body: dict[str, Any], context: BoltContext) -> None:
        view = context.get(PASS_VIEW)
        if view:
            slack.open_modal(body["trigger_id"], view, body["user"]["id"], channel_of(body))

    app.action(ActionId.PASS)(ack=approve_pass, lazy=[open_pass])

    @app.view(ViewId.PASS)
    def submit_pass(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors = offers.submit_pass(
            body["user"]["id"], view.get("private_metadata", ""), view["state"]["values"]
        )
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()
