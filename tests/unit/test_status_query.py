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
        ("returned", StatusQuery(QueryKind.RETURNED)),
        (" Returned ", StatusQuery(QueryKind.RETURNED)),
        ("差し戻し", StatusQuery(QueryKind.RETURNED)),
        ("差戻し", StatusQuery(QueryKind.RETURNED)),
        ("campaign Autumn  Webinar", StatusQuery(QueryKind.CAMPAIGN, "Autumn Webinar")),
        ("CAMPAIGN ＡＢＣ", StatusQuery(QueryKind.CAMPAIGN, "ＡＢＣ")),
        ("キャンペーン 秋のウェビナー", StatusQuery(QueryKind.CAMPAIGN, "秋のウェビナー")),
        ("キャンペーン\u3000秋のウェビナー", StatusQuery(QueryKind.CAMPAIGN, "秋のウェビナー")),
        ("ｷｬﾝﾍﾟｰﾝ 春", StatusQuery(QueryKind.CAMPAIGN, "春")),
        ("campaign", StatusQuery(QueryKind.HELP)),
        ("キャンペーン　", StatusQuery(QueryKind.HELP)),
        ("campaigns 2026", StatusQuery(QueryKind.COMPANY, "campaigns 2026")),
        ("木村", StatusQuery(QueryKind.COMPANY, "木村")),
        ("100%_x", StatusQuery(QueryKind.COMPANY, "100%_x")),
        ("help", StatusQuery(QueryKind.HELP)),
        ("ヘルプ", StatusQuery(QueryKind.HELP)),
        ("x" * 301, StatusQuery(QueryKind.HELP)),
    ],
)
def test_parse(text: str, expected: StatusQuery) -> None:
    assert parse_status_query(text) == expected
