"""The digest message: one Claim button per lead, within Slack's block limits."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.flood_list import PER_MESSAGE, FloodListLine, render_flood_list

DUE = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


def line(lead_id: int, **overrides: object) -> FloodListLine:
    fields: dict = dict(
        lead_id=lead_id,
        name=f"Person {lead_id}",
        title="CTO",
        company="Acme",
        score=87.0,
        status="unclaimed",
        owner_id=None,
        claim_due_at=DUE,
    )
    fields.update(overrides)
    return FloodListLine(**fields)


def buttons(blocks: list[dict]) -> list[tuple[str, str]]:
    return [
        (b["accessory"]["action_id"], b["accessory"]["value"])
        for b in blocks
        if b.get("accessory", {}).get("type") == "button"
    ]


def test_every_lead_gets_a_claim_button_carrying_its_id() -> None:
    text, blocks = render_flood_list([line(i) for i in range(1, 38)])
    assert text == "37 new leads — claim from the list"
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == text
    assert buttons(blocks) == [("lead_claim", str(i)) for i in range(1, 38)]
    assert len({b["block_id"] for b in blocks if "block_id" in b}) == 37
    assert f"<!date^{int(DUE.timestamp())}^" in blocks[2]["text"]["text"]


def test_a_full_digest_stays_within_fifty_blocks_and_more_is_refused() -> None:
    _, blocks = render_flood_list([line(i) for i in range(PER_MESSAGE)])
    assert len(blocks) <= 50
    with pytest.raises(ValueError):
        render_flood_list([line(i) for i in range(PER_MESSAGE + 1)])


def test_claimed_leads_lose_their_button_and_show_the_owner() -> None:
    _, blocks = render_flood_list([line(1), line(2, status="claimed", owner_id="U0REP1")])
    assert buttons(blocks) == [("lead_claim", "1")]
    assert "claimed by <@U0REP1>" in blocks[3]["text"]["text"]
    assert blocks[1]["elements"][0]["text"] == "1 of 2 still unclaimed"


def test_odd_field_values_are_escaped_and_cut() -> None:
    _, blocks = render_flood_list([line(1, name="<!channel> & *bold*", company="x" * 3000)])
    text = blocks[2]["text"]["text"]
    assert "&lt;!channel&gt; &amp;" in text and "<!channel>" not in text
    assert len(text) < 400


def test_japanese() -> None:
    text, blocks = render_flood_list([line(1), line(2)], "ja")
    assert text == "新着リード2件：一覧から担当してください"
    assert blocks[2]["accessory"]["text"]["text"] == "担当する"


def test_a_japanese_line_names_the_customer_with_sama_and_reads_japanese() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    _, blocks = render_flood_list(
        [line(1, name="中村 彩", company="株式会社みなと物産")], "ja", tokyo
    )
    text = blocks[2]["text"]["text"]
    assert "中村 彩 様" in text
    assert " · " not in text and ", " not in text  # 「・」 and 「、」 in Japanese
    fallback = text.split("|", 1)[1].split(">", 1)[0]  # the date token's fallback text
    local = DUE.astimezone(tokyo)
    assert fallback.startswith(f"{local.month}月{local.day}日(")  # in Tokyo time, not UTC ISO
