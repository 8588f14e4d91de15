"""Timeline lines for the card's thread, including the events SLA clocks write."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.leads.reports import WINDOW, ClockAttainment, TeamSummary
from bot.slack.render.status import summary_blocks
from bot.slack.render.timeline import event_text
from bot.store.models import LeadEvent

TZ = ZoneInfo("Asia/Tokyo")
AT = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def event(kind: str, actor: str = "U0REP1", **detail: Any) -> LeadEvent:
    return LeadEvent(id=1, lead_id=1, kind=kind, actor=actor, at=AT, detail=detail)


@pytest.mark.parametrize(
    ("subject", "en", "ja"),
    [
        (
            event("claimed", late=600),
            "🙋 <@U0REP1> claimed the lead (10 min after the deadline)",
            "🙋 <@U0REP1> さんが担当しました（期限を10分超過）",
        ),
        (
            event("reassigned", "U0MANAGER1", previous_owner=None, new_owner="U0REP2"),
            "🔀 <@U0MANAGER1> reassigned the lead from nobody to <@U0REP2>",
            "🔀 <@U0MANAGER1> さんが <@U0REP2> さんを担当者に設定しました（変更前：未定）",
        ),
        (
            event("escalated", "system", clock="first_touch", notified=["U0MANAGER1"]),
            "🚨 Escalated: the first touch deadline has passed; told <@U0MANAGER1>",
            "🚨 初回接触期限を過ぎたため、<@U0MANAGER1> さんにエスカレーションしました",
        ),
        (
            event("nudged", "system", clock="claim"),
            "⏰ Reminder sent: the claim deadline is near",
            "⏰ 担当決定期限が近づいているため、リマインドを送りました",
        ),
        (event("mystery_kind", "system"), "• Baton: mystery_kind", "• Baton（自動）：mystery_kind"),
    ],
)
def test_event_lines(subject: LeadEvent, en: str, ja: str) -> None:
    assert event_text(subject, locale="en", tz=TZ) == en
    assert event_text(subject, locale="ja", tz=TZ) == ja


def test_snooze_shows_until_and_its_reason_quoted() -> None:
    line = event_text(
        event("snoozed", until="2026-11-20T05:00:00+00:00", reason="On <leave> & back Mon"),
        locale="en",
        tz=TZ,
    )
    assert line == (
        "😴 <@U0REP1> snoozed the reminders until "
        "<!date^1795150800^{date_short_pretty} {time}|2026-11-20 14:00 JST>"
        "\n>On &lt;leave&gt; &amp; back Mon"
    )


def test_a_capped_window_says_it_counted_the_newest_leads() -> None:
    nothing = ClockAttainment(0, 0)
    summary = TeamSummary(AT, 0, 0, 0, 0, WINDOW, 20_000, nothing, nothing, None, None)
    blocks = [b.to_dict() for b in summary_blocks(summary, locale="en", tz=TZ)]
    assert "*Last 7 days (the newest 20,000 leads)*" in blocks[2]["text"]["text"]
    assert "Claimed in time: no deadline has come yet" in blocks[2]["text"]["text"]
