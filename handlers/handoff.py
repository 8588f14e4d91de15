"""/handoff and the "Hand off a lead" shortcut: a modal for marketers.

Slack gives a trigger_id 3 seconds, once: the modal opens in a lazy listener
right after the ack, not inside the acknowledged request.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.core.i18n import t
from bot.intake.manual import open_handoff, submit_handoff
from bot.intake.modal import CALLBACK_ID, COMMAND, SHORTCUT_CALLBACK_ID
from bot.slack.ids import ActionId
from bot.slack.service import SlackService
from handlers.modals import button_opens_modal


def register(app: App, slack: SlackService) -> None:
    def ack_command(ack: Ack, body: dict[str, Any]) -> None:
        if slack.policy.may_hand_off(body["user_id"]):
            ack()
        else:
            ack(text=t("intake.not_a_marketer", slack.locale_for(body["user_id"])))

    def open_from_command(body: dict[str, Any]) -> None:
        if slack.policy.may_hand_off(body["user_id"]):
            user = body["user_id"]
            view = open_handoff(slack.leads, user, slack.locale_for(user), body.get("text") or "")
            slack.open_modal(body["trigger_id"], view, user, body.get("channel_id"))

    def ack_shortcut(ack: Ack) -> None:
        ack()

    def open_from_shortcut(body: dict[str, Any]) -> None:
        user = body["user"]["id"]
        view = open_handoff(slack.leads, user, slack.locale_for(user))
        slack.open_modal(body["trigger_id"], view, user, None)

    def submit(ack: Ack, body: dict[str, Any]) -> None:
        user = body["user"]["id"]
        values = body["view"]["state"]["values"]
        result = submit_handoff(slack.leads, user, values, slack.locale_for(user))
        if result.errors:
            ack(response_action="errors", errors=result.errors)
        else:
            ack(response_action="update", view=result.view)

    app.command(COMMAND)(ack=ack_command, lazy=[open_from_command])
    button_opens_modal(
        app,
        slack,
        ActionId.HANDOFF_AGAIN,
        lambda user, value: slack.handoff_again_modal(value, user),
    )
    app.shortcut(SHORTCUT_CALLBACK_ID)(ack=ack_shortcut, lazy=[open_from_shortcut])
    app.view(CALLBACK_ID)(submit)
