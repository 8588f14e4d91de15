"""One error handler: domain errors become a note in the user's language; anything
unexpected is logged with an id the user is shown. Never a stack trace to a user, never
a 5xx for an interaction: 200 with a note to the person Slack names, 400 when it names
nobody; and this handler cannot fail itself (whatever it cannot do, it answers 400). An
Events API delivery whose handling failed is the exception: it is answered 500, so that
Slack delivers it again."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App, BoltResponse

from bot.slack.payloads import channel_of, user_of
from bot.slack.service import SlackService

_NOBODY = json.dumps({"error": "This request names no Slack user to answer."})


def register(app: App, slack: SlackService) -> None:
    @app.error
    def on_error(error: Exception, body: Any, logger: logging.Logger) -> BoltResponse:
        try:
            return _answer(slack, error, body, logger)
        except Exception:  # the database is down too, or the body is stranger still
            logger.exception("could not answer an error in a request from Slack")
            return BoltResponse(status=400, body=_NOBODY)


def _answer(
    slack: SlackService, error: Exception, body: Any, logger: logging.Logger
) -> BoltResponse:
    user = user_of(body)
    explained = slack.explain(error, user)
    if explained.error_id:
        logger.error("unexpected error %s", explained.error_id, exc_info=error)
    if body.get("type") == "event_callback":
        # An event whose handling failed: Slack delivers it again only after an answer
        # that is not a 2xx, and bot.slack.inbound gives its id back for that retry.
        return BoltResponse(status=500, body="")
    if user is None:
        return BoltResponse(status=400, body=_NOBODY)
    if body.get("type") == "view_submission":
        view = slack.error_modal(explained)
        return BoltResponse(status=200, body={"response_action": "update", "view": view})
    if "command" in body:
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": explained.text})
    slack.tell(user, channel_of(body), explained.text)
    return BoltResponse(status=200, body="")
