"""What marketing sent, on the card and in /lead-status #id: notes, fields, CRM button.

Blocks go through slack_sdk's Block Kit models (`to_dict()` checks Slack's limits), and
`limits_hold` checks the rest, as for the card itself."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.links import web_url
from bot.leads.reports import LeadHistory
from bot.slack.render.card import lead_card, lead_summary
from bot.slack.render.handed_over import handed_over_blocks
from bot.slack.render.status import history_message
from bot.store.models import LeadStatus
from tests.unit.test_render_card import ODD, TZ, lead, limits_hold, user_text

HUBSPOT = "https://app.hubspot.com/contacts/62515/contact/3234574"
SENT = {
    "notes": "Call after 3pm; prefers Japanese.\nAsked about SSO.",
    "country": "Japan",
    "department": "情報システム部",
    "NumberOfEmployees": 1200,
    "favourite_colour": "blue",
    "crm_url": HUBSPOT,
}


def links(blocks: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [
        (element["action_id"], element["url"], element["text"]["text"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if "url" in element
    ]


def test_the_card_shows_notes_fields_and_a_button_to_the_crm_record() -> None:
    card = lead_card(lead(extras=SENT), locale="en", tz=TZ)
    limits_hold(card.blocks)
    shown = user_text(card.blocks)
    assert "*Notes for sales*\nCall after 3pm; prefers Japanese.\nAsked about SSO." in shown
    for field in (
        "*Country*\nJapan",
        "*Department*\n情報システム部",
        "*Employees*\n1200",
        "*favourite_colour*\nblue",  # an unknown key, as it was sent
    ):
        assert field in shown, field
    assert HUBSPOT not in shown  # the address is the button's, not text
    assert links(card.blocks) == [("lead_open_crm", HUBSPOT, "Open in HubSpot")]
    # the state's buttons stay in their own block, after what marketing sent
    assert [b.get("block_id") for b in card.blocks if b["type"] == "actions"] == [
        "lead_links",
        "lead_actions",
    ]


def test_in_japanese_the_labels_are_japanese() -> None:
    card = lead_card(lead(extras=SENT), locale="ja", tz=TZ)
    shown = user_text(card.blocks)
    for field in (
        "*営業への申し送り*\n",
        "*国*\nJapan",
        "*部署*\n情報システム部",
        "*従業員数*\n1200",
    ):
        assert field in shown, field
    assert links(card.blocks) == [("lead_open_crm", HUBSPOT, "HubSpot で開く")]


def test_lead_status_shows_them_too_and_dms_do_not() -> None:
    subject = lead(LeadStatus.CONTACTED, extras=SENT)
    message = history_message(LeadHistory(subject, [], 0), locale="en", tz=TZ)
    assert "*Notes for sales*" in user_text(message.blocks)
    assert links(message.blocks) == [("lead_open_crm", HUBSPOT, "Open in HubSpot")]
    assert "Notes for sales" not in str(lead_summary(subject, locale="en", tz=TZ))


def test_nothing_sent_adds_nothing() -> None:
    assert handed_over_blocks(lead(), "en") == []
    assert handed_over_blocks(lead(extras={"notes": "  ", "country": None}), "en") == []


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://example.my.salesforce.com/00Q5g00000AbCdEEAV", "Open in Salesforce"),
        ("https://crm.example.com/leads/7", "Open in the CRM"),
        ("http://crm.example.com/leads/7", "Open in the CRM"),
    ],
)
def test_the_button_names_the_crm_its_address_belongs_to(url: str, label: str) -> None:
    blocks = lead_card(lead(extras={"crm_url": url}), locale="en", tz=TZ).blocks
    assert links(blocks) == [("lead_open_crm", url, label)]


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "ftp://crm.example.com/leads/7",
        "crm.example.com/leads/7",
        "https://crm.example.com/a lead",
        "https://user:secret@crm.example.com/",
        "https://crm.example.com:99999/",
        "https://",
        "<https://crm.example.com|click>",
    ],
)
def test_an_address_a_browser_cannot_open_gives_no_button(bad: str) -> None:
    card = lead_card(lead(extras={"crm_url": bad}), locale="en", tz=TZ)
    limits_hold(card.blocks)
    assert links(card.blocks) == []
    shown = user_text(card.blocks)
    assert "*CRM record*\n" in shown  # shown as text, escaped, never as a link
    assert "<" not in shown and ">" not in shown


def test_older_leads_keep_their_hubspot_url_and_drop_salesforces_api_path() -> None:
    hub = lead(extras={"hubspot_url": HUBSPOT})
    assert links(lead_card(hub, locale="en", tz=TZ).blocks)[0][1] == HUBSPOT
    api_path = "/services/data/v61.0/sobjects/Lead/00Q5g00000AbCdEEAV"
    card = lead_card(lead(extras={"salesforce_url": api_path}), locale="en", tz=TZ)
    assert links(card.blocks) == [] and api_path not in str(card.blocks)


def test_a_url_with_japanese_is_encoded_for_the_button() -> None:
    url = "https://例え.jp/リード?id=７"
    [(_, shown, _)] = links(lead_card(lead(extras={"crm_url": url}), locale="ja", tz=TZ).blocks)
    assert shown.isascii() and shown.startswith("https://xn--r8jz45g.jp/")
    assert web_url("https://crm.example.com/" + "x" * 3000) is None  # Slack's 3,000


def test_huge_values_stay_within_block_kits_limits() -> None:
    long = ODD + "x" * 5000
    extras: dict[str, Any] = {"notes": long, "crm_url": "https://crm.example.com/" + "x" * 1900}
    extras |= {f"{ODD[:30]} key {i}": long for i in range(48)}
    for locale in ("en", "ja"):
        card = lead_card(lead(reason=long, name=long, extras=extras), locale=locale, tz=TZ)
        limits_hold(card.blocks)
        shown = user_text(card.blocks)
        assert "…" in shown and "&lt;@U0BOSS&gt;" in shown and "<@U0BOSS>" not in shown
        assert ("…and 28 more fields, not shown here" in shown) == (locale == "en")
        assert ("ほか28項目は表示を省略しています" in shown) == (locale == "ja")
        history = history_message(LeadHistory(lead(extras=extras), [], 0), locale=locale, tz=TZ)
        limits_hold(history.blocks)


extras_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=2000),
    st.sampled_from([ODD, "https://crm.example.com/x", "javascript:x", "/relative"]),
)


@settings(max_examples=60, deadline=None)
@given(
    extras=st.dictionaries(
        st.one_of(
            st.sampled_from(["notes", "crm_url", "country", "Status", "hubspot_url"]),
            st.text(min_size=1, max_size=100),
        ),
        extras_values,
        max_size=50,
    ),
    locale=st.sampled_from(["en", "ja"]),
)
def test_any_extras_make_a_valid_card(extras: dict[str, Any], locale: str) -> None:
    card = lead_card(lead(extras=extras), locale=locale, tz=TZ)  # to_dict() validates
    limits_hold(card.blocks)
    for _, url, _ in links(card.blocks):
        assert url.startswith(("https://", "http://")) and len(url) <= 3000
