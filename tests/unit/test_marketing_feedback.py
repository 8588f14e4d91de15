"""The message back to marketing, without Slack: who the policy names, and what any lead
and note render to within Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.core.policy import PolicyError, parse_policy
from bot.core.policy_values import is_slack_user
from bot.slack.render.feedback import feedback_message
from bot.store.models import Lead, LeadStatus
from tests.support.policies import STANDARD

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def with_notify(targets: str) -> str:
    return STANDARD.replace(
        "    channel: C0SALES\n", f"    channel: C0SALES\n    notify_marketing: {targets}\n"
    )


def test_notify_marketing_takes_users_roles_and_a_channel() -> None:
    policy = parse_policy(with_notify("[C0MKT, marketers, U0MANAGER1]"))
    route = policy.route_named("default")
    assert policy.marketing_targets(route) == ["C0MKT", "U0MKT1", "U0MANAGER1"]
    assert policy.marketing_targets(policy.route_named("enterprise")) == []


def test_notify_marketing_names_what_is_wrong() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(with_notify("[marketing-team]"), "baton.yml")
    assert 'routes[1].notify_marketing: "marketing-team" is neither a role' in str(caught.value)


@pytest.mark.parametrize(
    ("actor", "is_user"), [("U0MKT1", True), ("W0MKT1", True), ("intake", False), ("import", False)]
)
def test_who_handed_off_in_slack(actor: str, is_user: bool) -> None:
    assert is_slack_user(actor) is is_user


def lead(status: LeadStatus, **fields: Any) -> Lead:
    values: dict[str, Any] = {
        "id": 42,
        "source": "slack",
        "route": "default",
        "status": status,
        "handed_off_by": "U0MKT1",
        "name": "中村 彩",
        "company": "A&B <KK>",
        "created_at": NOW,
        "owner_id": "U0REP1",
        "outcome_at": NOW,
        "extras": {},
    }
    values.update(fields)
    return Lead(**values)


def test_a_long_note_of_many_lines_still_fits_one_section() -> None:
    note = "\n".join(["<!channel> & more"] * 500)
    shown = feedback_message(
        lead(LeadStatus.RETURNED, outcome_note=note),
        actor="U0REP1",
        locale="ja",
        permalink=None,
        channel="C0SALES",
    )
    [quote] = [b for b in shown.blocks if "営業からのメモ" in b.get("text", {}).get("text", "")]
    text = quote["text"]["text"]
    assert len(text) <= 3000 and text.count("\n>") == 40 and "<!channel>" not in text
    assert "&lt;!channel&gt; &amp; more" in text
    for block in shown.blocks:
        assert Block.parse(block) is not None
    assert "A&amp;B &lt;KK&gt;" in str(shown.blocks)
    assert "カードは <#C0SALES>にあります" in str(shown.blocks)


def test_the_reason_of_each_end_in_words() -> None:
    def reason_shown(status: LeadStatus, **fields: Any) -> str:
        message = feedback_message(
            lead(status, **fields), actor="crm", locale="en", permalink="https://x/p", channel=None
        )
        return str(message.blocks)

    assert "Not a decision maker" in reason_shown(
        LeadStatus.DISQUALIFIED, disqualify_reason="no_authority"
    )
    assert "Product did not fit" in reason_shown(LeadStatus.LOST, lost_reason="product_fit")
    assert "*Reason*" not in reason_shown(LeadStatus.LOST)
    assert "the CRM" in reason_shown(LeadStatus.LOST)
