"""The policy file's `intake:` section."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.policy import PolicyError, parse_policy
from tests.support.policies import STANDARD


def test_dedupe_window_defaults_to_a_day() -> None:
    assert parse_policy(STANDARD).intake.dedupe_window == timedelta(hours=24)


def test_dedupe_window_is_read_as_a_duration() -> None:
    policy = parse_policy(STANDARD + "intake:\n  dedupe_window: 1h30m\n")
    assert policy.intake.dedupe_window == timedelta(minutes=90)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            "intake:\n  dedupe_window: a day\n",
            'intake.dedupe_window: "a day" is not a duration like 15m',
        ),
        ("intake:\n  dedupe: 1h\n", "intake.dedupe: is not a known key"),
    ],
)
def test_a_bad_intake_section_is_reported_by_key(section: str, message: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(STANDARD + section, "baton.yml")
    assert message in str(raised.value)
