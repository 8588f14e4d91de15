"""SLA messages rendered from domain objects alone: valid Block Kit, escaped, in both
languages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.leads.weekly_report import RouteStats, SlowLead, WeeklyReport
from bot.slack.render import Message
from bot.slack.render import escalation as render
from bot.slack.render import weekly_report as render_weekly_report
from bot.slack.render.sla_text import mentions
from bot.store.models import Lead, LeadStatus

NOW = datetime(2026, 11, 20, 1, 20, tzinfo=UTC)
TZ = ZoneInfo("Asia/Tokyo")


def lead(**fields: object) -> Lead:
    values: dict[str, object] = {
        "id": 42,
        "name": "Aiko Tanaka",
        "company": "Example KK",
        "title": "CTO",
        "score": 88.0,
        "source": "hubspot",
        "route": "enterprise",
        "status": LeadStatus.UNCLAIMED,
        "claim_due_at": NOW - timedelta(minutes=5),
        "reason": "Asked for a demo",
    }
    values.update(fields)
    return Lead(**values)


def dump(message: Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def test_deadlines_render_in_the_readers_time_zone() -> None:
    message = render.claim_nudge(lead(claim_due_at=NOW + timedelta(minutes=5)), [], "en", NOW, TZ)
    assert "<!date^1795137900^{date_short_pretty} {time}|2026-11-20 10:25 JST>" in message.text
    assert "(in 5 min)" in message.text


def test_mentions() -> None:
    assert mentions(["U1", "S2"]) == "<@U1> <!subteam^S2>"
    assert mentions([]) == "<!here>"


def test_escalation_renders_valid_blocks_with_the_actions() -> None:
    message = render.escalation(
        lead(),
        clock="claim",
        level=1,
        late=timedelta(minutes=5),
        locale="en",
        tz=TZ,
        channel="C0SALES",
    )
    blocks = message.blocks
    actions = blocks[-1]
    assert actions["block_id"] == "baton_escalation:42"
    assert [e["action_id"] for e in actions["elements"]] == [
        "lead_claim",
        "lead_reassign",
        "lead_snooze",
    ]
    assert actions["elements"][1]["type"] == "users_select"
    assert "5 min overdue" in message.text
    assert render.lead_id_from_block(actions["block_id"]) == 42


def test_lead_fields_cannot_inject_markup_or_break_limits() -> None:
    nasty = lead(
        name="<!channel> & <@U0BOSS>",
        company="A" * 5000,
        reason="x" * 10_000,
        title="*bold* 見込み客 🎉",
    )
    message = render.escalation(
        nasty, clock="claim", level=2, late=timedelta(hours=1), locale="ja", tz=TZ
    )
    text = dump(message)
    assert "<!channel>" not in text and "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in text
    assert "見込み客 🎉" in text
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in message.blocks)
    assert "<!channel>" not in message.text


def test_unnamed_leads_still_read_well() -> None:
    message = render.touch_nudge(
        lead(name=None, company=None, email=None, first_touch_due_at=NOW + timedelta(hours=1)),
        "ja",
        NOW,
        TZ,
    )
    assert "リード #42（氏名未登録）" in message.text and "（残り1時間）" in message.text


def test_owned_leads_get_no_claim_button_and_name_their_owner() -> None:
    owned = lead(
        status=LeadStatus.CLAIMED, owner_id="U0REP1", first_touch_due_at=NOW - timedelta(hours=1)
    )
    message = render.escalation(
        owned, clock="first_touch", level=1, late=timedelta(hours=1), locale="en", tz=TZ
    )
    assert "lead_claim" not in dump(message)
    assert "Owner: <@U0REP1>" in dump(message)


def test_snooze_modal_is_a_valid_view() -> None:
    view = render.snooze_modal(lead(), "ja").to_dict()
    assert view["callback_id"] == "lead_snooze" and view["private_metadata"] == "42"
    options = view["blocks"][1]["element"]["options"]
    assert [o["value"] for o in options] == ["30m", "1h", "tomorrow"]
    assert view["title"]["text"] == "リマインドの保留"


def test_assigned_dm() -> None:
    message = render.assigned(
        lead(status=LeadStatus.CLAIMED, owner_id="U2", first_touch_due_at=NOW), "U0MGR", "en", TZ
    )
    assert message.text.startswith("<@U0MGR> made you the owner of lead #42 (Aiko Tanaka).")
    assert "lead_touch" in dump(message)


def report(**fields: object) -> WeeklyReport:
    values: dict[str, object] = {
        "start": datetime(2026, 11, 16, 0, tzinfo=UTC),
        "end": datetime(2026, 11, 23, 0, tzinfo=UTC),
        "routes": [
            RouteStats(
                "enterprise",
                handed_off=4,
                claim_on_time=3,
                claim_late=1,
                touch_on_time=1,
                touch_late=1,
                to_claim=[timedelta(minutes=m) for m in (4, 6, 10, 30)],
                to_touch=[timedelta(hours=1)],
            )
        ],
        "outcomes": {"disqualified": 2, "meeting_booked": 1},
        "top_reasons": [("no_budget", 2)],
        "slowest": [
            SlowLead(9, "Slow & Co", "enterprise", None, timedelta(hours=3), None, False, False)
        ],
    }
    values.update(fields)
    return WeeklyReport(**values)  # type: ignore[arg-type]


def test_digest_in_english() -> None:
    message = render_weekly_report.digest(report(), "en", "Asia/Tokyo")
    text = dump(message)
    assert message.text == "Weekly lead handoff digest (2026-11-16 to 2026-11-23)"
    assert "Claimed on time: 75% (3 of 4)" in text
    assert "Median time to claim: 8 min" in text
    assert "disqualified: 2" in text and "No budget: 2" in text
    assert "#9 Slow &amp; Co (enterprise): still unclaimed after 3 h" in text


def test_digest_in_japanese_and_empty() -> None:
    text = dump(
        render_weekly_report.digest(
            report(routes=[], outcomes={}, top_reasons=[], slowest=[]), "ja", "UTC"
        )
    )
    assert "今週引き渡したリードはありません。" in text
    assert "記録された結果はありません。" in text


def test_digest_with_many_routes_stays_within_slacks_block_limit() -> None:
    routes = [RouteStats(f"route-{n}", handed_off=1) for n in range(60)]
    blocks = render_weekly_report.digest(report(routes=routes), "en", "UTC").blocks
    assert len(blocks) <= 50
    assert "and 20 more routes" in json.dumps(blocks)
