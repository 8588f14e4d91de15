"""Which Slack failures are waited out, retried, or turned into dead letters."""

from __future__ import annotations

import random
from urllib.error import URLError

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.delivery.failures import (
    BACKOFF_CAP_SECONDS,
    MAX_UNKNOWN_FAILURES,
    Verdict,
    backoff_seconds,
    classify,
    gives_up,
)


def slack_error(status: int, data: dict, headers: dict | None = None) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data=data,
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("failed", response)


@pytest.mark.parametrize(
    ("status", "data", "verdict", "error"),
    [
        (200, {"ok": False, "error": "not_in_channel"}, Verdict.PERMANENT, "not_in_channel"),
        (200, {"ok": False, "error": "channel_not_found"}, Verdict.PERMANENT, "channel_not_found"),
        (200, {"ok": False, "error": "invalid_auth"}, Verdict.PERMANENT, "invalid_auth"),
        (200, {"ok": False, "error": "account_inactive"}, Verdict.PERMANENT, "account_inactive"),
        (200, {"ok": False, "error": "is_archived"}, Verdict.PERMANENT, "is_archived"),
        (200, {"ok": False, "error": "internal_error"}, Verdict.TRANSIENT, "internal_error"),
        (200, {"ok": False, "error": "something_new"}, Verdict.UNKNOWN, "something_new"),
        (
            500,
            {"ok": False, "error": "Received a response in a non-JSON format"},
            Verdict.TRANSIENT,
            "http_500",
        ),
        (503, {"ok": False, "error": "internal_error"}, Verdict.TRANSIENT, "http_503"),
    ],
)
def test_slack_answers_are_classified(
    status: int, data: dict, verdict: Verdict, error: str
) -> None:
    failure = classify(slack_error(status, data), "chat.postMessage", "C0SALES")
    assert (failure.verdict, failure.error) == (verdict, error)
    assert failure.describe() == f"chat.postMessage C0SALES: {error}"


def test_a_429_carries_slacks_retry_after() -> None:
    failure = classify(
        slack_error(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"})
    )
    assert failure.verdict is Verdict.RATE_LIMITED and failure.retry_after == 7.0


def test_network_errors_are_transient() -> None:
    assert classify(URLError("connection refused")).verdict is Verdict.TRANSIENT
    assert classify(TimeoutError()).verdict is Verdict.TRANSIENT


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(5)
    for failures in range(1, 30):
        full = min(BACKOFF_CAP_SECONDS, 2 ** (failures - 1))
        delay = backoff_seconds(failures, rng=rng)
        assert full / 2 <= delay <= full
    samples = {round(backoff_seconds(6, rng=rng), 3) for _ in range(20)}
    assert len(samples) > 10  # jittered: a crowd that failed together spreads out


def test_permanent_failures_give_up_at_once_unknown_ones_after_a_while() -> None:
    permanent = classify(slack_error(200, {"ok": False, "error": "not_in_channel"}))
    unknown = classify(slack_error(200, {"ok": False, "error": "brand_new_error"}))
    transient = classify(slack_error(502, {"ok": False, "error": "x"}))
    assert gives_up(permanent, 1)
    assert not gives_up(unknown, MAX_UNKNOWN_FAILURES - 1) and gives_up(
        unknown, MAX_UNKNOWN_FAILURES
    )
    assert not gives_up(transient, 10_000)
