"""Whether Slack accepts Baton's bot token, as the last answer from Slack said.

A revoked or mistyped token used to go unnoticed until a lead's card failed. Every call
through Baton's clients reports its result here (bot.delivery.slack_client): an answer
of `invalid_auth`, `token_revoked`, `account_inactive` (or `not_authed`,
`token_expired`) marks the token bad, any successful call marks it good again. The
process checks it once at start (`auth.test`), and `/healthz` answers 503 while it is
bad, saying what to do (bot/health.py). Logged once when it turns bad, once when it
recovers.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from bot.core import logs

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset(
    {"invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired"}
)
FIX = (
    "Slack refuses the bot token: check SLACK_BOT_TOKEN (OAuth & Permissions → Bot User "
    "OAuth Token, xoxb-…); if the app was uninstalled or its scopes changed, reinstall it "
    "to the workspace and set the new token"
)


class TokenHealth:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.problem: str | None = None  # the Slack error that said the token is bad

    def saw(self, method: str, result: str) -> None:
        """Note the result of one call (`ok` or Slack's error code)."""
        if result not in TOKEN_ERRORS and result != "ok":
            return  # a rate limit or an outage says nothing about the token
        with self._lock:
            before = self.problem
            self.problem = result if result in TOKEN_ERRORS else None
        if before is None and self.problem is not None:
            logs.event(
                log, "slack.token_refused", logging.ERROR, method=method, error=result, fix=FIX
            )
        elif before is not None and self.problem is None:
            logs.event(log, "slack.token_accepted", logging.INFO, method=method)

    def health(self) -> dict[str, Any]:
        problem = self.problem
        if problem is None:
            return {"healthy": True, "token": "ok"}
        return {"healthy": False, "token": problem, "fix": FIX}
