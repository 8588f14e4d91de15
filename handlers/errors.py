"""One error handler: domain errors become a note in the user's language; anything
unexpected is logged with an id the user is shown. Never a stack trace to a user."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.slack.service import SlackService
from handlers.lead_actions import channel_of


def register(app: App, slack: SlackService) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> BoltResponse:
        user = (body.get("user") or {}).get("id") or body.get("user_id")
        explained = slack.explain(error, user)
        if explained.error_id:
            logger.error("unexpected error %s", explained.error_id, exc_info=error)
        if body.get("type") == "view_submission":
            view = slack.error_modal(explained)
            return BoltResponse(status=200, body={"response_action": "update", "view": view})
        if "command" in body:
            return BoltResponse(
                status=200, body={"response_type": "ephemeral", "text": explained.text}
            )
        if user is None:
            return BoltResponse(status=500, body="")
        try:
            slack.tell(user, channel_of(body), explained.text)
        except Exception:  # the database is down too: Slack shows its own failure mark
            logger.exception("could not queue the error note for %s", user)
            return BoltResponse(status=500, body="")
        return BoltResponse(status=200, body="")
