"""Buttons Baton no longer knows (an old message, a forged payload) get a plain answer;
link buttons (the card's CRM record) are acknowledged and nothing else.

Every action id in `bot.slack.ids.ActionId` and `HomeActionId` is left to its own
listener, so the order in which other listener modules register does not matter.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App

from bot.slack.ids import ActionId, HomeActionId
from bot.slack.payloads import channel_of
from bot.slack.service import SlackService

_KNOWN = "|".join(re.escape(a.value) for a in [*ActionId, *HomeActionId])
UNKNOWN_ACTION = re.compile(rf"^(?!(?:{_KNOWN})$).*$", re.DOTALL)


def register(app: App, slack: SlackService) -> None:
    @app.action(ActionId.OPEN_CRM)
    def link_opened(ack: Ack) -> None:
        # Slack opens the url itself and still sends the click; unanswered, it would
        # show the person a warning.
        ack()

    @app.action(UNKNOWN_ACTION)
    def unknown_action(ack: Ack, body: dict[str, Any]) -> None:
        slack.unknown_action(str(body["user"]["id"]), channel_of(body))
        ack()
