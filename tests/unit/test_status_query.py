"""What /lead-status's text asks for."""

from __future__ import annotations

import pytest

from bot.slack.status_query import QueryKind, StatusQuery, parse_status_query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", StatusQuery(QueryKind.SUMMARY)),
        ("   ", StatusQuery(QueryKind.SUMMARY)),
        ("#42", StatusQuery(QueryKind.LEAD, 42)),
        (" 42 ", StatusQuery(QueryKind.LEAD, 42)),
        ("Taro@Example.CO.JP", StatusQuery(QueryKind.EMAIL, "taro@example.co.jp")),
        ("<mailto:a@b.com|a@b.com>", StatusQuery(QueryKind.EMAIL, "a@b.com")),
        ("Acme  Corp", StatusQuery(QueryKind.COMPANY, "Acme Corp")),
        ("株式会社サンプル", StatusQuery(QueryKind.COMPANY, "株式会社サンプル")),
        ("#42abc", StatusQuery(QueryKind.COMPANY, "#42abc")),
        ("MINE", StatusQuery(QueryKind.MINE)),
        ("自分", StatusQuery(QueryKind.MINE)),
        ("overdue", StatusQuery(QueryKind.OVERDUE)),
        ("期限切れ", StatusQuery(QueryKind.OVERDUE)),
        ("help", StatusQuery(QueryKind.HELP)),
        ("ヘルプ", StatusQuery(QueryKind.HELP)),
        ("x" * 301, StatusQuery(QueryKind.HELP)),
    ],
)
def test_parse(text: str, expected: StatusQuery) -> None:
    assert parse_status_query(text) == expected
