"""Matching CSV headers to lead fields, and reading the encodings CRM exports come in."""

from __future__ import annotations

import pytest

from bot.intake.csv_import import ImportProblem, decode, normalize_header, plan_columns, row_body


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("Email", "email"),
        ("E-mail Address", "email"),
        ("Ｅメール", "email"),
        ("メールアドレス（必須）", "email"),
        ("会社名", "company"),
        ("氏名", "name"),
        ("名前", "name"),
        ("姓", "last_name"),
        ("名", "first_name"),
        ("First Name", "first_name"),
        ("電話番号", "phone"),
        ("役職", "title"),
        ("部署名", "fields.department"),
        ("スコア", "score"),
        ("Lead Score", "score"),
        ("備考", "fields.notes"),
        ("Record ID", "external_id"),
    ],
)
def test_headers_are_recognized(header: str, target: str) -> None:
    assert plan_columns([header, "Email"]).targets[target][0] == 0


def test_normalize_header() -> None:
    assert normalize_header(" Job_Title ") == "jobtitle"
    assert normalize_header("【必須】会社名") == "会社名"


def test_overrides_win_and_dash_skips() -> None:
    plan = plan_columns(["Email", "取引先", "Memo"], ["取引先=company", "memo=-"])
    assert plan.targets == {"email": [0], "company": [1]}
    assert plan.ignored == []


def test_unknown_headers_are_listed() -> None:
    assert plan_columns(["Email", "Favourite colour"]).ignored == ["Favourite colour"]


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        (["Email"], "intake.import.bad_map"),
        (["Email=nickname"], "intake.import.map_unknown_field"),
        (["Nope=email"], "intake.import.map_unknown_column"),
    ],
)
def test_bad_overrides(overrides: list[str], key: str) -> None:
    with pytest.raises(ImportProblem) as raised:
        plan_columns(["Email"], overrides)
    assert raised.value.key == key


def test_a_file_without_name_or_email_is_refused() -> None:
    with pytest.raises(ImportProblem) as raised:
        plan_columns(["Company", "Title"])
    assert raised.value.key == "intake.import.no_identity"


def test_first_non_empty_column_wins_for_one_field() -> None:
    plan = plan_columns(["Email", "電話番号", "携帯電話番号"])
    assert row_body(plan, ["a@example.com", "", "090-1234-5678"], "csv")["phone"] == "090-1234-5678"


def test_split_names_are_joined_in_the_languages_order() -> None:
    plan = plan_columns(["姓", "名", "Email"])
    assert row_body(plan, ["山田", "太郎", ""], "csv")["name"] == "山田 太郎"
    assert row_body(plan, ["Tanaka", "Aiko", ""], "csv")["name"] == "Aiko Tanaka"


@pytest.mark.parametrize(
    ("raw", "text", "encoding"),
    [
        ("会社名".encode(), "会社名", "UTF-8"),
        ("会社名".encode("utf-8-sig"), "会社名", "UTF-8 (BOM)"),
        ("会社名".encode("cp932"), "会社名", "Shift_JIS (cp932)"),
        ("①髙﨑".encode("cp932"), "①髙﨑", "Shift_JIS (cp932)"),  # characters only cp932 has
    ],
)
def test_decode(raw: bytes, text: str, encoding: str) -> None:
    assert decode(raw) == (text, encoding)


def test_decode_refuses_what_it_cannot_read() -> None:
    with pytest.raises(ImportProblem):
        decode(b"\x80\x81\xff\xfe\x00")
