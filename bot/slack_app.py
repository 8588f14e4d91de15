"""The Bolt app: Slack glue only. Listeners live in `handlers/` and call `bot` services."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

import handlers
from bot.core import logs
from bot.runtime import Runtime
from bot.slack.service import SlackService


def create_bolt_app(runtime: Runtime) -> App:
    token = runtime.settings.slack_bot_token

    def authorize(
        enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult:
        # One workspace, one bot token: answering from the settings spares every
        # process an auth.test round trip to Slack before its first acknowledgement.
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id, bot_token=token
        )

    # Bolt warns that SLACK_BOT_TOKEN in the environment is unused beside `client` and
    # `authorize`: true, and on purpose.
    with logs.quiet_unless_debug("slack_bolt.App"):
        app = _app(runtime, authorize)
    handlers.register(app, SlackService(runtime.db, runtime.policy, runtime.leads, runtime.client))
    return app


def _app(runtime: Runtime, authorize: Callable[..., AuthorizeResult]) -> App:
    return App(
        # Listeners get a per-request copy of this client with the token from
        # `authorize`; Baton's own calls go through runtime.client (bot.delivery).
        client=WebClient(base_url=runtime.client.base_url, timeout=runtime.client.timeout),
        authorize=authorize,
        signing_secret=runtime.settings.slack_signing_secret,
        # bot.slack.inbound.SlackEndpoint checks every request's signature before Bolt sees it
        # (and Socket Mode requests carry none): a second HMAC per request is pure cost.
        request_verification_enabled=False,
        # Answer Slack inline: no 10 ms ack-polling loop; Slack calls that follow
        # an ack go through the outbox (bot.delivery) instead of the request thread.
        process_before_response=True,
    )
