"""Buttons of an offer (the DM offering a lead to one rep, and App Home): Accept, and
Pass… with its modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.slack.ids import ActionId, ViewId
from bot.slack.offer_actions import OfferActions
from bot.slack.payloads import channel_of
from bot.slack.service import SlackService
from handlers.modals import button_opens_modal


def register(app: App, slack: SlackService) -> None:
    offers = OfferActions(slack)

    @app.action(ActionId.ACCEPT)
    def accept(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        offers.accept(action.get("value", ""), body["user"]["id"], channel_of(body))
        ack()

    button_opens_modal(
        app, slack, ActionId.PASS, lambda user, value: offers.pass_modal_for(value, user)
    )

    @app.view(ViewId.PASS)
    def submit_pass(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        errors = offers.submit_pass(
            body["user"]["id"], view.get("private_metadata", ""), view["state"]["values"]
        )
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()
