"""The policy's `digest_after`: when a channel's backlog goes out as a digest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.policy import PolicyError, parse_policy
from tests.support.policies import STANDARD


def test_two_minutes_unless_the_policy_says_otherwise() -> None:
    assert parse_policy(STANDARD).digest_after == timedelta(minutes=2)
    assert parse_policy("digest_after: 45s\n" + STANDARD).digest_after == timedelta(seconds=45)
    assert parse_policy("digest_after: null\n" + STANDARD).digest_after is None


def test_a_bad_value_is_reported_with_its_key() -> None:
    with pytest.raises(PolicyError, match='digest_after: "soon" is not a duration like 15m'):
        parse_policy('digest_after: "soon"\n' + STANDARD)
