"""The policy's `webhooks:`: what `baton check` accepts and how it says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.policy import PolicyError, parse_policy
from tests.support.policies import STANDARD


def webhooks(entry: str) -> str:
    return STANDARD + "webhooks:\n" + entry


def test_a_webhook_is_read_with_its_events() -> None:
    policy = parse_policy(
        webhooks(
            "  - url: https://hooks.example.com/baton\n"
            "    events: [claimed, stage]\n"
            "    secret: s3cret-value\n"
        )
    )
    [hook] = policy.webhooks
    assert (hook.url, hook.events, hook.secret) == (
        "https://hooks.example.com/baton",
        ["claimed", "stage"],
        "s3cret-value",
    )
    assert "s3cret-value" not in repr(policy)
    assert parse_policy(STANDARD).webhooks == []


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        (
            "  - {url: ftp://files.example.com/in, events: [claimed], secret: x}\n",
            'baton.yml: webhooks[0].url: "ftp://files.example.com/in" is not an http(s) URL '
            "like https://hooks.example.com/baton",
        ),
        (
            "  - {url: hooks.example.com/in, events: [claimed], secret: x}\n",
            'baton.yml: webhooks[0].url: "hooks.example.com/in" is not an http(s) URL',
        ),
        (
            "  - {url: https://hooks.example.com, events: [claimed]}\n",
            "baton.yml: webhooks[0].secret: is required",
        ),
        (
            "  - {url: https://hooks.example.com, events: [claimed], secret: ' '}\n",
            "baton.yml: webhooks[0].secret: must not be empty",
        ),
        (
            "  - {url: https://hooks.example.com, events: [claim], secret: x}\n",
            'baton.yml: webhooks[0].events: "claim" is not an event Baton sends (one of '
            "handed_off, claimed, released, first_touch, outcome, stage, escalated, reassigned)",
        ),
        (
            "  - {url: https://hooks.example.com, events: [], secret: x}\n",
            "baton.yml: webhooks[0].events: must not be empty",
        ),
    ],
)
def test_a_wrong_webhook_is_named_by_its_key_path(entry: str, error: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(webhooks(entry))
    assert error in str(raised.value)


def test_the_examples_commented_webhooks_are_valid_once_uncommented() -> None:
    example = (Path(__file__).resolve().parents[2] / "baton.example.yml").read_text()
    block = example[example.index("# webhooks:") :]
    uncommented = "\n".join(line[2:] for line in block.splitlines())
    [hook] = parse_policy(example + "\n" + uncommented).webhooks
    assert hook.url.startswith("https://") and "stage" in hook.events
