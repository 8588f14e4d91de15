"""A CRM's body posted to /leads ends up, with its record's address, as a button on the card
Baton posts (through the real sender to the Slack stand-in); an address a browser cannot
open gives no button and never stops the card."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from bot.runtime import Runtime
from tests.support.intake import post_lead
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import drain

SAMPLES = Path(__file__).parent / "samples"
HUBSPOT_PAGE = "https://app.hubspot.com/contacts/62515/contact/3234574"
SALESFORCE_PAGE = "https://example.my.salesforce.com/lightning/r/Lead/00Q5g00000AbCdEEAV/view"


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def posted_card(runtime: Runtime, slack_api: SlackStandIn) -> list[dict[str, Any]]:
    drain(runtime)
    [post] = slack_api.calls("chat.postMessage")
    assert post.ok, post.response
    blocks: list[dict[str, Any]] = post.args["blocks"]
    return blocks


def links(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (element["action_id"], element["url"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if "url" in element
    ]


def shown(blocks: list[dict[str, Any]]) -> str:
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [f["text"] for f in block.get("fields", [])]
    return "\n".join(out)


def test_a_hubspot_contact_gets_a_button_to_its_hubspot_page(
    http: FlaskClient, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    answer = post_lead(http, sample("hubspot_all_properties.json"), query="?format=hubspot")
    assert answer.status_code == 201, answer.json
    blocks = posted_card(runtime, slack_api)
    assert links(blocks) == [("lead_open_crm", HUBSPOT_PAGE)]
    assert "*Country*\nJapan" in shown(blocks)
    assert "*Lifecycle stage*\nsalesqualifiedlead" in shown(blocks)


def test_a_salesforce_lead_with_an_absolute_url_gets_a_button(
    http: FlaskClient, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    body = sample("salesforce_lead.json")
    body["attributes"]["url"] = SALESFORCE_PAGE
    answer = post_lead(http, body, query="?format=salesforce")
    assert answer.status_code == 201, answer.json
    blocks = posted_card(runtime, slack_api)
    assert links(blocks) == [("lead_open_crm", SALESFORCE_PAGE)]
    assert [b["elements"][0]["text"]["text"] for b in blocks if b.get("block_id") == "lead_links"]
    assert "*Rating*\nHot" in shown(blocks)


def test_a_salesforce_api_path_alone_gives_no_button(
    http: FlaskClient, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    answer = post_lead(http, sample("salesforce_lead.json"), query="?format=salesforce")
    assert answer.status_code == 201, answer.json
    blocks = posted_card(runtime, slack_api)
    assert links(blocks) == []
    assert "/services/data/" not in str(blocks)


@pytest.mark.parametrize(
    "address",
    ["javascript:alert(1)", "www.example.com/crm/7", "https://crm.example.com/a b", "mailto:x@y"],
)
def test_a_bad_address_in_a_plain_body_is_text_and_the_card_is_posted(
    http: FlaskClient, runtime: Runtime, slack_api: SlackStandIn, address: str
) -> None:
    body = {"email": "aiko@example.co.jp", "fields": {"crm_url": address, "department": "IT"}}
    assert post_lead(http, body).status_code == 201
    blocks = posted_card(runtime, slack_api)
    assert links(blocks) == []
    assert "*CRM record*\n" in shown(blocks) and "*Department*\nIT" in shown(blocks)


def test_a_plain_body_may_send_the_records_address_in_fields(
    http: FlaskClient, runtime: Runtime, slack_api: SlackStandIn
) -> None:
    body = {"email": "aiko@example.co.jp", "fields": {"crm_url": "https://crm.example.com/l/7"}}
    assert post_lead(http, body).status_code == 201
    assert links(posted_card(runtime, slack_api)) == [
        ("lead_open_crm", "https://crm.example.com/l/7")
    ]
