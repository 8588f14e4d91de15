"""Cards from odd lead data stay within Block Kit's limits and show user text literally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.render.card import lead_card, lead_summary
from bot.slack.render.text import units
from bot.store.models import Lead, LeadStatus

TZ = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
ODD = (
    "<@U0BOSS> <!channel> & *bold* _it_ ~s~ `code` > quote 😀👩‍👩‍👧 日本語の会社 "
    "\u202etxet desrever \x00\x07\ud800"
)


def lead(status: LeadStatus = LeadStatus.UNCLAIMED, **fields: Any) -> Lead:
    values: dict[str, Any] = {
        "id": 42,
        "source": "web",
        "route": "default",
        "status": status,
        "handed_off_by": "intake",
        "created_at": NOW,
        "claim_due_at": NOW + timedelta(minutes=30),
        "extras": {},
    }
    if status is not LeadStatus.UNCLAIMED:
        values |= {"owner_id": "U0REP1", "claimed_at": NOW, "first_touch_due_at": NOW}
    if status.is_closed or status is LeadStatus.MEETING_BOOKED:
        values |= {"outcome_at": NOW, "disqualify_reason": "no_budget"}
    values.update(fields)
    return Lead(**values)


def limits_hold(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert units(block["text"]["text"]) <= 150
        if block["type"] == "section":
            if "text" in block:
                assert units(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            for field in block.get("fields", []):
                assert units(field["text"]) <= 2000
        if block["type"] == "context":
            assert all(units(e["text"]) <= 2000 for e in block["elements"])
        if block["type"] == "actions":
            for element in block["elements"]:
                assert units(element["text"]["text"]) <= 75 and len(element["value"]) <= 2000


def user_text(blocks: list[dict[str, Any]]) -> str:
    """Every mrkdwn string, with Baton's own markup (dates, mentions of the owner) removed."""
    out = []
    for block in blocks:
        if block["type"] in ("section", "context"):
            texts = [block["text"]] if "text" in block else []
            texts += block.get("fields", []) + block.get("elements", [])
            out += [t["text"] for t in texts if t["type"] == "mrkdwn"]
    joined = "\n".join(out)
    for own in ("<@U0REP1>",):
        joined = joined.replace(own, "")
    while "<!date^" in joined:
        start = joined.index("<!date^")
        joined = joined[:start] + joined[joined.index(">", start) + 1 :]
    return joined


def test_long_and_odd_values_are_escaped_and_cut() -> None:
    long = ODD + "x" * 5000
    card = lead_card(
        lead(
            name=long,
            company=long,
            title=long,
            email="a&b@example.com",
            campaign=long,
            reason=long,
            outcome_note=long,
        ),
        locale="ja",
        tz=TZ,
    )
    limits_hold(card.blocks)
    shown = user_text(card.blocks)
    assert "<" not in shown and ">" not in shown.replace("\n>", "\n")
    assert "&lt;@U0BOSS&gt; &lt;!channel&gt; &amp; *bold*" in shown
    assert "日本語の会社" in shown and "😀👩‍👩‍👧" in shown
    assert "\x00" not in str(card.blocks) and "\ud800" not in str(card.blocks)
    assert "…" in shown


text_values = st.one_of(st.none(), st.text(max_size=4000), st.sampled_from([ODD, ODD * 60]))


@settings(max_examples=60, deadline=None)
@given(
    status=st.sampled_from(list(LeadStatus)),
    name=text_values,
    company=text_values,
    title=text_values,
    reason=text_values,
    note=text_values,
    score=st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
    locale=st.sampled_from(["en", "ja"]),
)
def test_any_lead_makes_a_valid_card(
    status: LeadStatus,
    name: str | None,
    company: str | None,
    title: str | None,
    reason: str | None,
    note: str | None,
    score: float | None,
    locale: str,
) -> None:
    subject = lead(
        status,
        name=name,
        company=company,
        title=title,
        reason=reason,
        outcome_note=note,
        score=score,
    )
    card = lead_card(subject, locale=locale, tz=TZ)  # to_dict() validates as it renders
    limits_hold(card.blocks)
    limits_hold(lead_summary(subject, locale=locale, tz=TZ))
    assert units(card.text) <= 4000
    assert "<" not in user_text(card.blocks)
