"""Column headers of CRM and spreadsheet exports, in English and Japanese, and the
lead field each one means. Matching ignores case, width (ＡＢＣ = ABC), spaces,
`_ - . ・ *` and bracketed notes such as （必須）."""

from __future__ import annotations

import re
import unicodedata

# Header (normalized: NFKC, casefolded, without spaces, _ - . and bracketed notes) → target.
_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "externalid",
        "id",
        "recordid",
        "leadid",
        "contactid",
        "crmid",
        "リードid",
        "顧客id",
        "顧客番号",
        "レコードid",
        "取引先責任者id",
        "管理番号",
    ),
    "source": ("source", "ソース", "取得元"),
    "name": (
        "name",
        "fullname",
        "contactname",
        "leadname",
        "氏名",
        "名前",
        "お名前",
        "氏名漢字",
        "担当者名",
        "担当者氏名",
        "フルネーム",
    ),
    "first_name": ("firstname", "givenname", "first", "名", "下の名前"),
    "last_name": ("lastname", "surname", "familyname", "last", "姓", "名字", "苗字"),
    "email": (
        "email",
        "emailaddress",
        "mail",
        "mailaddress",
        "メールアドレス",
        "メール",
        "eメール",
        "eメールアドレス",
        "電子メール",
    ),
    "company": (
        "company",
        "companyname",
        "organization",
        "organisation",
        "account",
        "accountname",
        "会社名",
        "会社",
        "企業名",
        "社名",
        "法人名",
        "組織名",
        "取引先名",
    ),
    "title": ("title", "jobtitle", "position", "役職", "役職名", "肩書き", "肩書"),
    "phone": (
        "phone",
        "phonenumber",
        "tel",
        "telephone",
        "mobile",
        "mobilephone",
        "電話番号",
        "電話",
        "携帯電話",
        "携帯電話番号",
        "携帯番号",
    ),
    "score": ("score", "leadscore", "スコア", "リードスコア"),
    "segment": ("segment", "セグメント"),
    "region": ("region", "地域", "エリア"),
    "campaign": ("campaign", "campaignname", "キャンペーン", "キャンペーン名", "施策名"),
    "reason": ("reason", "sqlreason", "理由", "sql理由", "引き渡し理由", "引継ぎ理由"),
    "fields.department": ("department", "部署", "部署名", "部門"),
    "fields.notes": ("notes", "note", "memo", "comments", "備考", "メモ", "コメント"),
    "fields.country": ("country", "国", "国名"),
    "fields.prefecture": ("prefecture", "state", "都道府県"),
    "fields.lead_source": ("leadsource", "リードソース", "流入経路", "流入元"),
}
HEADER_ALIASES: dict[str, str] = {
    alias: target for target, aliases in _ALIASES.items() for alias in aliases
}
_BRACKETED = re.compile(r"[\(（\[［【].*?[\)）\]］】]")
_SEPARATORS = re.compile(r"[\s_\-.・*＊]+")


def normalize_header(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).casefold()
    text = _BRACKETED.sub("", text)
    return _SEPARATORS.sub("", text)
