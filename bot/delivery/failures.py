"""What a failed Slack call means for the message: wait and retry, back off, or give up.

Slack answers in three ways that matter here: 429 with Retry-After (wait exactly that
long), a 5xx or no answer at all (back off with jitter and try again), and `ok: false`
with an error code, which is either temporary or needs a person to fix something
(invite Baton to the channel, reinstall the app). The last kind goes to dead letters.
Webhook receivers' answers are classified where they are sent (bot/delivery/webhooks.py)
and reach delivery as a `DeliveryFailed`.
"""

from __future__ import annotations

import enum
import random
import socket
from dataclasses import dataclass
from typing import Any
from urllib.error import URLError

from slack_sdk.errors import SlackApiError, SlackRequestError

# The message itself is wrong: a bug in Baton, retried after an upgrade.
MESSAGE_ERRORS = frozenset(
    {
        "invalid_arguments",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_attachments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "invalid_form_data",
        "invalid_json",
        "json_not_object",
    }
)
# Errors that no retry can fix: someone must change something in Slack or in baton.yml.
PERMANENT_ERRORS = MESSAGE_ERRORS | frozenset(
    {
        # the channel
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "ekm_access_denied",
        "team_access_not_granted",
        # the app's installation
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "not_allowed_token_type",
        "org_login_required",
        "enterprise_is_restricted",
        # the person a direct message is for
        "user_not_found",
        "user_not_visible",
        "user_disabled",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "unknown_method",
        "method_deprecated",
        "deprecated_endpoint",
        # the message it edits
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
    }
)
# Errors Slack documents as passing: try again with backoff.
TRANSIENT_ERRORS = frozenset(
    {
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "ratelimited",
        "rate_limited",
        "team_added_to_org",
    }
)

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0
# An error code Baton does not know is retried this many times before it is a dead letter.
MAX_UNKNOWN_FAILURES = 8
DEFAULT_RETRY_AFTER = 1.0
# How the failures of a webhook's receiver begin (bot/delivery/webhooks.py):
# "webhook_http_400", "webhook_network".
WEBHOOK_ERROR = "webhook_"


class Verdict(enum.StrEnum):
    RATE_LIMITED = "rate_limited"  # wait Retry-After; not a failure
    TRANSIENT = "transient"  # back off and retry, however long it takes
    UNKNOWN = "unknown"  # back off and retry, a bounded number of times
    PERMANENT = "permanent"  # dead letter until an operator fixes the cause


@dataclass(frozen=True)
class Failure:
    verdict: Verdict
    error: str  # Slack's error code, "http_503", "network", or an exception name
    method: str | None = None
    channel: str | None = None
    status: int | None = None
    retry_after: float | None = None
    detail: str | None = None  # the start of a webhook receiver's answer

    def describe(self) -> str:
        where = " ".join(part for part in (self.method, self.channel) if part)
        error = f"{self.error} ({self.detail})" if self.detail else self.error
        return f"{where}: {error}" if where else error

    def as_record(self) -> dict[str, Any]:
        record = {
            "method": self.method,
            "channel": self.channel,
            "error": self.error,
            "status": self.status,
        }
        return record | {"detail": self.detail} if self.detail else record


class DeliveryFailed(Exception):
    """A send failed and whoever raised it already classified it (a Slack call through
    Baton's client, a webhook receiver's answer): delivery takes the verdict as it is."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.describe())
        self.failure = failure


class SlackCallFailed(DeliveryFailed):
    """A Slack call failed; carries the classified failure (raised by Baton's client)."""


def classify(exc: BaseException, method: str | None = None, channel: str | None = None) -> Failure:
    """The verdict on an exception raised by a Slack call."""
    if isinstance(exc, DeliveryFailed):
        return exc.failure
    if isinstance(exc, SlackApiError):
        response = exc.response
        status = int(getattr(response, "status_code", 200) or 200)
        data = getattr(response, "data", None)
        code = str(data.get("error")) if isinstance(data, dict) and data.get("error") else ""
        if status == 429:
            return Failure(
                Verdict.RATE_LIMITED,
                "ratelimited",
                method,
                channel,
                status,
                retry_after_of(response),
            )
        if status >= 500:
            return Failure(Verdict.TRANSIENT, f"http_{status}", method, channel, status)
        if not code or code.startswith("Received a response in a non-JSON format"):
            return Failure(Verdict.TRANSIENT, f"http_{status}", method, channel, status)
        if code in PERMANENT_ERRORS:
            return Failure(Verdict.PERMANENT, code, method, channel, status)
        if code in TRANSIENT_ERRORS:
            return Failure(Verdict.TRANSIENT, code, method, channel, status)
        return Failure(Verdict.UNKNOWN, code, method, channel, status)
    if isinstance(exc, URLError | OSError | socket.timeout | TimeoutError | SlackRequestError):
        return Failure(Verdict.TRANSIENT, "network", method, channel)
    return Failure(Verdict.UNKNOWN, type(exc).__name__, method, channel)


def retry_after_of(response: Any) -> float:
    headers = getattr(response, "headers", None) or {}
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            try:
                return max(float(value if not isinstance(value, list) else value[0]), 0.0)
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER


def backoff_seconds(failures: int, *, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: about 1 s, 2 s, 4 s ... up to 5 minutes.

    Half the delay is fixed and half random, so a crowd of messages that failed
    together does not come back together.
    """
    exponent = min(max(failures, 1) - 1, 20)
    delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2**exponent))
    return delay / 2 + (rng or random).uniform(0, delay / 2)


def gives_up(failure: Failure, failures: int) -> bool:
    """Whether this failure (the `failures`-th in a row) makes the message a dead letter."""
    if failure.verdict is Verdict.PERMANENT:
        return True
    return failure.verdict is Verdict.UNKNOWN and failures >= MAX_UNKNOWN_FAILURES
