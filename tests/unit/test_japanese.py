"""Japanese as a Tokyo sales team writes it: full-width punctuation, particles right
after a mention, Japanese dates, no English passed through, the glossary's words on
the card (docs/glossary.md)."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.core.i18n import CATALOG, date_text, day_text, t
from bot.intake.schema import field_problems, validate_lead
from bot.leads.reports import LeadHistory
from bot.leads.weekly_report import WeeklyReport
from bot.slack.render import weekly_report
from bot.slack.render.card import lead_card
from bot.slack.render.escalation import escalation, touch_nudge
from bot.slack.render.outcome import outcome_modal
from bot.slack.render.status import history_message
from bot.slack.render.timeline import event_text
from bot.store.models import Lead, LeadEvent, LeadStatus

TZ = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)  # Thu 3 December 2026, 14:00 in Tokyo
JAPANESE = "\u3040-\u30ff\u3400-\u9fff\uff01-\uff60「」『』【】、。・ー"
# a half-width colon or comma right after Japanese text
HALF_WIDTH_AFTER_JAPANESE = re.compile(f"[{JAPANESE}] ?[:,]")
# a space between a mention (or さん after it) and its particle; Slack's date tokens
# are not mentions and keep their space (「{deadline} までに」)
SPACE_BEFORE_PARTICLE = re.compile(
    r"(さん|<[@#][^>]*>|<!(?!date\^)[^>]*>) +(が|を|に|の|は|と|へ|も|で|から|まで|より|宛て)"
)
JAPANESE_DATE = re.compile(r"(\d{4}年)?\d{1,2}月\d{1,2}日\([月火水木金土日]\) \d{1,2}:\d{2}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,}")

# How each placeholder is filled: people as who() writes them, ids inside a mention
# as ids, everything else as Japanese text (the strictest case for punctuation).
PERSON = "<@U0REP1> さん"
FILLS = {
    "owner": PERSON,
    "actor": PERSON,
    "previous": PERSON,
    "new": PERSON,
    "who": PERSON,
    "user": "<@U0REP1>",
    "notified": "<@U0MGR1> さん、<@U0MGR2> さん",
    "mentions": "<@U0REP1> <@U0REP2>",
    "target": "<#C0SALES>",
}


def filled(key: str) -> str:
    template = CATALOG[key]["ja"]
    params: dict[str, Any] = {}
    for _, name, _, _ in string.Formatter().parse(template):
        if not name:
            continue
        if f"<@{{{name}}}>" in template or f"<#{{{name}}}>" in template:
            params[name] = "U0REP1" if f"<@{{{name}}}>" in template else "C0SALES"
        else:
            params[name] = FILLS.get(name, "値")
    return t(key, "ja", **params)


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_no_half_width_colon_or_comma_after_japanese_text(key: str) -> None:
    text = filled(key)
    assert not HALF_WIDTH_AFTER_JAPANESE.search(text), text


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_no_space_between_a_mention_and_its_particle(key: str) -> None:
    text = filled(key)
    assert not SPACE_BEFORE_PARTICLE.search(text), text


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_no_middle_dot_of_english_in_japanese(key: str) -> None:
    assert "·" not in CATALOG[key]["ja"]


# --- dates ----------------------------------------------------------------------------------


def test_dates_read_as_japanese_with_the_year_only_when_it_is_another_year() -> None:
    at = datetime(2026, 12, 3, 5, 31, tzinfo=UTC)
    assert date_text(at, TZ, "ja", now=NOW) == "12月3日(木) 14:31"
    assert date_text(datetime(2027, 1, 5, 0, 5, tzinfo=UTC), TZ, "ja", now=NOW) == (
        "2027年1月5日(火) 9:05"
    )
    assert day_text(at, TZ, "ja", now=NOW) == "12月3日(木)"
    assert date_text(at, TZ, "en", now=NOW) == "2026-12-03 14:31 JST"


def test_the_weekly_reports_period_is_a_japanese_range() -> None:
    report = WeeklyReport(
        start=datetime(2026, 11, 26, 0, 0, tzinfo=UTC),
        end=datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
        routes=[],
        outcomes={},
        top_reasons=[],
        slowest=[],
    )
    message = weekly_report.digest(report, "ja", "Asia/Tokyo")
    assert message.text == "週次リード引き渡しレポート（11月26日(木)〜12月3日(木)）"


# --- the card, its thread, the outcome modal and DMs ---------------------------------------


def lead(status: LeadStatus = LeadStatus.UNCLAIMED, **fields: Any) -> Lead:
    values: dict[str, Any] = {
        "id": 2,
        "name": "中村 彩",
        "company": "株式会社サンプル",
        "source": "web",
        "route": "default",
        "status": status,
        "handed_off_by": "intake",
        "created_at": NOW,
        "claim_due_at": NOW + timedelta(minutes=31),
        "extras": {},
    }
    if status is not LeadStatus.UNCLAIMED:
        values |= {"owner_id": "U0REP1", "claimed_at": NOW, "first_touch_due_at": NOW}
    if status.is_closed or status is LeadStatus.MEETING_BOOKED:
        values |= {"outcome_at": NOW}
    values.update(fields)
    return Lead(**values)


def shown(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(re.findall(r"'text': '([^']*)'", str(blocks)))


def test_a_new_card_says_unclaimed_and_its_claim_deadline() -> None:
    card = lead_card(lead(), locale="ja", tz=TZ)
    text = shown(card.blocks)
    assert card.text == "リード #2：中村 彩 様（担当者未定）"
    assert "リード #2：中村 彩 様" in text
    assert "*担当者未定*・担当決定期限：<!date^" in text
    assert "|12月3日(木) 14:31>" in text
    assert "引き渡し元：連携システム・<!date^" in text
    assert not ISO_DATE.search(text)


@pytest.mark.parametrize(
    ("status", "word"),
    [(LeadStatus.OPPORTUNITY, "*商談化*"), (LeadStatus.MEETING_BOOKED, "*アポ獲得*")],
)
def test_outcomes_read_as_the_glossary(status: LeadStatus, word: str) -> None:
    assert word in shown(lead_card(lead(status), locale="ja", tz=TZ).blocks)


def test_the_thread_and_the_modal_name_outcomes_as_the_glossary() -> None:
    def outcome(value: str) -> str:
        event = LeadEvent(id=1, lead_id=2, kind="outcome", actor="U0REP1", at=NOW)
        event.detail = {"outcome": value}
        return event_text(event, locale="ja", tz=TZ)

    assert outcome("opportunity") == "🏁 <@U0REP1> さんがリードを商談化しました"
    assert outcome("meeting_booked") == "🏁 <@U0REP1> さんがアポを獲得しました"
    modal = str(outcome_modal(lead(LeadStatus.CONTACTED), locale="ja", tz=TZ, currency="JPY"))
    assert "'アポ獲得'" in modal and "'商談化'" in modal
    assert "'受注'" in modal and "'失注'" in modal and "受注金額（JPY）" in modal


def test_an_escalation_dm_reads_as_written_in_japanese() -> None:
    late = lead(claim_due_at=NOW - timedelta(seconds=20))
    message = escalation(
        late, clock="claim", level=1, late=timedelta(seconds=20), locale="ja", tz=TZ
    )
    assert message.text == (
        ":rotating_light: リード #2（中村 彩 様）の担当決定期限を過ぎています（超過：1分未満）。"
    )
    assert "担当者：未定・エスカレーション第1段階・期限：<!date^" in shown(message.blocks)


def test_a_first_touch_reminder_reads_as_written_in_japanese() -> None:
    owned = lead(LeadStatus.CLAIMED, first_touch_due_at=NOW + timedelta(seconds=30))
    message = touch_nudge(owned, "ja", NOW, TZ)
    assert message.text.startswith("【リマインド】リード #2（中村 彩 様）の初回接触期限は <!date^")
    assert message.text.endswith(
        "|12月3日(木) 14:00> です（残り1分未満）。連絡後に「初回接触を記録」を押してください。"
    )


# --- /lead-status #id ---------------------------------------------------------------------------


def test_a_japanese_lead_status_answer_shows_japanese_dates() -> None:
    contacted = lead(LeadStatus.CONTACTED, first_touch_at=NOW)
    events = [
        LeadEvent(id=1, lead_id=2, kind="handed_off", actor="intake", at=NOW, detail={}),
        LeadEvent(id=2, lead_id=2, kind="claimed", actor="U0REP1", at=NOW, detail={}),
    ]
    message = history_message(LeadHistory(contacted, events, 0), locale="ja", tz=TZ)
    text = shown(message.blocks)
    fallbacks = re.findall(r"<!date\^\d+\^[^|]*\|([^>]*)>", text)
    assert fallbacks and all(JAPANESE_DATE.fullmatch(f) for f in fallbacks), fallbacks
    assert "12月3日(木) 14:00" in fallbacks
    assert not ISO_DATE.search(text)


# --- validation messages passed through ----------------------------------------------------

BAD_LEADS: list[dict[str, Any]] = [
    {"email": "nakamura.example.com"},
    {"email": "nakamura＠example.com"},
    {"email": "@example.com"},
    {"email": "nakamura@"},
    {"email": "nakamura@example"},
    {"email": "naka..mura@example.com"},
    {"email": "naka mura@example.com"},
    {"email": "nakamura@exa_mple.com"},
    {"email": "nakamura@example.invalid"},
    {"email": "<nakamura@example.com"},
    {"email": '"nakamura"@example.com'},
    {"email": "nakamura@" + "a" * 70 + ".com"},
    {"name": "中村 彩", "score": "高い"},
    {"name": "中村 彩", "score": 150},
    {"name": "中村 彩", "score": float("nan")},
    {"name": "長" * 400},
    {"name": "中村 彩", "company": 5},
    {"name": "中村 彩", "fields": {"メモ": "長" * 3000}},
    {"name": "中村 彩", "fields": {"メモ": [1]}},
    {"name": "中村 彩", "unknown": "x"},
]


@pytest.mark.parametrize("data", BAD_LEADS)
def test_validation_messages_have_no_english_in_japanese(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_lead(data)
    problems = field_problems(refused.value, "ja", {"email": "メールアドレス", "score": "スコア"})
    assert problems
    for message in problems.values():
        assert not ENGLISH_WORDS.search(message), message
        assert not HALF_WIDTH_AFTER_JAPANESE.search(message), message


def test_the_email_validators_reason_is_told_in_japanese() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_lead({"email": "nakamura.example.com"})
    assert field_problems(refused.value, "ja") == {
        "email": "メールアドレスの形式が正しくありません。「@」が含まれていません。"
    }
    assert field_problems(refused.value, "en") == {
        "email": "is not a valid email address: It must have an @-sign."
    }
