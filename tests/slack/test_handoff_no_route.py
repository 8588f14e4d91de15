"""/handoff under a policy with no default route: an unroutable lead is an error under Segment."""

from __future__ import annotations

import pytest

from bot.core.policy import Policy, parse_policy
from bot.intake.modal import CALLBACK_ID, Field
from bot.runtime import Runtime
from tests.support.intake import MODAL_GOOD, modal_state, row_counts
from tests.support.policies import STANDARD
from tests.support.slack_app import SlackClientSim


@pytest.fixture
def policy() -> Policy:
    return parse_policy(STANDARD.split("  - name: default")[0], "no-default.yml")


def test_an_unroutable_lead_is_shown_under_segment(slack: SlackClientSim, runtime: Runtime) -> None:
    before = row_counts(runtime.db)
    answer = slack.submit(
        CALLBACK_ID, modal_state(**{**MODAL_GOOD, "segment": None}), user="U0MKT1"
    )
    assert answer.json["response_action"] == "errors"
    message = answer.json["errors"][Field.SEGMENT]
    assert "No route" in message and "default" in message
    assert row_counts(runtime.db) == before
