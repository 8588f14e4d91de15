"""Every message exists in English and Japanese, with the same placeholders; English
plurals and the glossary (docs/glossary.md) hold in the catalog itself."""

import string

import pytest

from bot.core.i18n import CATALOG, LOCALES, join, t


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_message_has_every_locale_with_the_same_placeholders(key: str) -> None:
    entry = CATALOG[key]
    assert set(entry) == set(LOCALES)
    assert placeholders(entry["ja"]) == placeholders(entry["en"])
    assert entry["ja"] != entry["en"] or not any(c.isalpha() for c in entry["en"])


def test_unknown_locale_falls_back_to_english() -> None:
    assert t("status.claimed", "fr") == "claimed"


# --- English plurals ---------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_no_english_message_writes_a_plural_as_s_in_brackets(key: str) -> None:
    assert "(s)" not in CATALOG[key]["en"], "use {count:one|other} (bot/core/i18n.py)"


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_only_english_uses_plural_forms(key: str) -> None:
    specs = [spec for _, _, spec, _ in string.Formatter().parse(CATALOG[key]["ja"]) if spec]
    assert not any("|" in spec for spec in specs), "Japanese has no plural forms"


def test_a_plural_placeholder_picks_the_word_for_its_count() -> None:
    assert t("delivery.problem.count", "en", count=1) == "(1 message waiting)"
    assert t("delivery.problem.count", "en", count=2) == "(2 messages waiting)"
    assert t("delivery.problem.count", "en", count=0) == "(0 messages waiting)"
    assert t("delivery.problem.count", "ja", count=1) == "（未送信：1件）"
    # counts may arrive already formatted ("1,000")
    assert t("report.window_capped", "en", days=1, n="1") == "Last 1 day (the newest 1 lead)"
    assert t("report.window_capped", "en", days=7, n="1,000").endswith("(the newest 1,000 leads)")


def test_several_counts_in_one_sentence() -> None:
    one = t("intake.import.summary", "en", total=1, created=0, duplicate=1, rejected=0)
    assert one.startswith("1 row: 0 created, 1 duplicate, 0 rejected.")
    many = t("intake.import.summary", "en", total=4, created=2, duplicate=2, rejected=0)
    assert many.startswith("4 rows: 2 created, 2 duplicates, 0 rejected.")


def test_braces_written_double_stay_single() -> None:
    assert t("intake.field.not_object", "en", kind="x").startswith('must be an object like {"')


def test_lists_are_joined_as_each_language_writes_them() -> None:
    assert join(["a", "b"], "en") == "a, b"
    assert join(["会社名", "氏名"], "ja") == "会社名、氏名"


# --- the glossary ------------------------------------------------------------------------

GLOSSARY = {
    "status.unclaimed": "担当者未定",
    "status.claimed": "担当決定済み",
    "status.contacted": "初回接触済み",
    "status.meeting_booked": "アポ獲得",
    "status.opportunity": "商談化",
    "status.disqualified": "対象外",
    "status.returned": "マーケティングへ差し戻し",
    "outcome.choice.meeting_booked": "アポ獲得",
    "outcome.choice.opportunity": "商談化",
    "reason.no_budget": "予算なし",
    "reason.no_need": "ニーズなし",
    "reason.no_authority": "決裁権なし",
    "reason.bad_timing": "検討時期が先",
    "reason.competitor": "競合採用",
    "reason.bad_contact": "連絡先不備",
    "reason.not_target": "対象外の企業",
    "reason.duplicate": "重複",
    "reason.other": "その他",
}
# Other names for the same thing, which the glossary replaced.
RETIRED = (
    "未対応",
    "担当者決定",
    "担当済み",
    "担当期限",
    "引き継",
    "商談設定",
    "案件化",
    "未割り当て",
)


@pytest.mark.parametrize(("key", "word"), sorted(GLOSSARY.items()))
def test_states_outcomes_and_reasons_use_the_glossary(key: str, word: str) -> None:
    assert CATALOG[key]["ja"] == word


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_no_japanese_message_uses_a_retired_name(key: str) -> None:
    for word in RETIRED:
        assert word not in CATALOG[key]["ja"], word


def test_customers_get_sama_and_colleagues_san() -> None:
    assert t("who.customer", "ja", name="中村 彩") == "中村 彩 様"
    assert t("who.user", "ja", user="<@U0REP1>") == "<@U0REP1> さん"
    assert t("who.customer", "en", name="Aya Nakamura") == "Aya Nakamura"
