"""HubSpot and Salesforce bodies, as those systems send them, mapped onto Baton's fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.intake.formats import from_hubspot, from_salesforce, full_name, number
from bot.store.database import Database
from bot.store.models import Lead
from tests.support.intake import post_lead

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def only_lead(db: Database) -> Lead:
    with db.read() as session:
        [lead] = session.scalars(select(Lead))
        return lead


def test_hubspot_workflow_body_with_all_properties(http: FlaskClient, app_db: Database) -> None:
    body = sample("hubspot_all_properties.json")
    answer = post_lead(http, body, query="?format=hubspot")
    assert answer.status_code == 201, answer.json
    assert answer.json["route"] == "default"
    lead = only_lead(app_db)
    assert (lead.source, lead.external_id) == ("hubspot", "3234574")
    assert lead.name == "Aiko Tanaka"
    assert lead.email == "aiko.tanaka@example.co.jp"
    assert lead.company == "Example KK"  # the contact's own company property wins
    assert (lead.title, lead.phone) == ("Head of IT", "+81 3-1234-5678")
    assert lead.score == 100.0  # HubSpot score 135, clamped to Baton's 0-100
    assert lead.campaign == "Demo request"
    assert lead.extras == {
        "country": "Japan",
        "lifecyclestage": "salesqualifiedlead",
        "hs_lead_status": "NEW",
        "hs_analytics_source": "ORGANIC_SEARCH",
        "crm_url": "https://app.hubspot.com/contacts/62515/contact/3234574",
        "hubspot_portal": 62515,
    }
    again = post_lead(http, body, query="?format=hubspot")
    assert again.status_code == 200 and again.json == {"id": lead.id, "duplicate": True}


def test_hubspot_customized_body_in_japanese(http: FlaskClient, app_db: Database) -> None:
    answer = post_lead(http, sample("hubspot_custom_body.json"), query="?format=hubspot")
    assert answer.status_code == 201, answer.json
    assert answer.json["route"] == "enterprise"
    lead = only_lead(app_db)
    assert lead.external_id == "3234575"
    assert lead.name == "山田 太郎"  # family name first, as Japanese names are written
    assert (lead.company, lead.title) == ("株式会社サンプル", "情報システム部 部長")
    assert lead.score == 72.0
    assert lead.reason == "300名規模での導入を検討中。予算確保済み。"
    assert lead.extras == {"country": "Japan", "lifecyclestage": "salesqualifiedlead"}


def test_hubspot_company_falls_back_to_the_associated_company() -> None:
    body = sample("hubspot_all_properties.json")
    del body["properties"]["company"]
    mapped = from_hubspot(body)
    assert mapped.data["company"] == "Example Kabushiki Kaisha"
    assert mapped.origin["company"] == "associated-company.name"


def test_salesforce_lead_record(http: FlaskClient, app_db: Database) -> None:
    answer = post_lead(http, sample("salesforce_lead.json"), query="?format=salesforce")
    assert answer.status_code == 201, answer.json
    assert answer.json["route"] == "enterprise"
    lead = only_lead(app_db)
    assert (lead.source, lead.external_id) == ("salesforce", "00Q5g00000AbCdEEAV")
    assert (lead.name, lead.email, lead.company) == (
        "Ken Sato",
        "ken.sato@example.com",
        "Northwind Traders",
    )
    assert (lead.title, lead.phone) == ("VP Operations", "(415) 555-0134")
    assert lead.score == 88.0
    assert lead.segment == "enterprise"
    assert lead.campaign == "Web"
    assert lead.reason == "Requested pricing for 40 seats after the webinar."
    assert lead.extras == {
        "country": "United States",
        "Status": "Open - Not Contacted",
        "Rating": "Hot",
        "Industry": "Technology",
        "NumberOfEmployees": 1200,
        "LeadSource": "Web",
        "OwnerId": "0055g00000ABCDEAA4",
        "City": "San Francisco",
        "State": "CA",
        "AnnualRevenue": 250000000,
        "salesforce_object": "Lead",
    }  # attributes.url is an API path, not a page: no crm_url without the org's address


def test_salesforce_contact_from_a_query_result(http: FlaskClient, app_db: Database) -> None:
    answer = post_lead(http, sample("salesforce_contact_query.json"), query="?format=salesforce")
    assert answer.status_code == 201, answer.json
    lead = only_lead(app_db)
    assert lead.external_id == "0035g00000XyZ12AAB"
    assert lead.name == "鈴木 花子"
    assert lead.company == "サンプル商事株式会社"  # from the related Account
    assert lead.phone == "090-1234-5678"
    assert lead.extras["country"] == "Japan"
    assert lead.extras["salesforce_object"] == "Contact"


def test_errors_name_the_senders_field(http: FlaskClient) -> None:
    body = sample("salesforce_lead.json") | {"Email": "ken at example", "Title": 7}
    answer = post_lead(http, body, query="?format=salesforce")
    assert answer.status_code == 400
    assert set(answer.json["fields"]) == {"Email", "Title"}
    hub = sample("hubspot_custom_body.json") | {"jobtitle": ["a", "b"], "hubspotscore": "high"}
    answer = post_lead(http, hub, query="?format=hubspot")
    assert answer.status_code == 400
    assert set(answer.json["fields"]) == {"jobtitle", "hubspotscore"}


def test_salesforce_field_names_are_case_insensitive() -> None:
    mapped = from_salesforce({"id": "00Q1", "EMAIL": "a@example.com", "lastname": "Ito"})
    assert mapped.data == {"external_id": "00Q1", "email": "a@example.com", "name": "Ito"}


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Aiko", "Tanaka", "Aiko Tanaka"),
        ("太郎", "山田", "山田 太郎"),
        ("タロウ", "ヤマダ", "ヤマダ タロウ"),
        ("", "Tanaka", "Tanaka"),
        (None, None, None),
        (" Ken ", None, "Ken"),
    ],
)
def test_full_name(first: Any, last: Any, expected: Any) -> None:
    assert full_name(first, last) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("72", 72.0),
        ("１,２０", 100.0),
        ("-5", 0.0),
        (55, 55.0),
        ("", None),
        ("high", "high"),
        (True, True),
    ],
)
def test_number(given: Any, expected: Any) -> None:
    assert number(given) == expected


# --- the CRM record's address (extras["crm_url"], a button on the card) -------------------


@pytest.mark.parametrize(
    ("profile_url", "kept"),
    [
        ("https://app.hubspot.com/contacts/62515/contact/3234574", True),
        ("javascript:alert(1)", False),
        ("/contacts/62515/contact/3234574", False),
        ("https://app.hubspot.com/" + "x" * 3000, False),  # longer than an extra may be
        (7, False),
    ],
)
def test_hubspot_profile_url_is_kept_only_when_a_browser_can_open_it(
    profile_url: Any, kept: bool
) -> None:
    mapped = from_hubspot(sample("hubspot_all_properties.json") | {"profile-url": profile_url})
    assert mapped.data["fields"].get("crm_url") == (profile_url if kept else None)


def test_a_hubspot_body_without_profile_url_gets_the_contacts_record_address() -> None:
    body = {"hs_object_id": "701", "email": "aya@example.jp", "portalId": 62515}
    expected = "https://app.hubspot.com/contacts/62515/record/0-1/701"
    assert from_hubspot(body).data["fields"]["crm_url"] == expected
    assert "crm_url" not in from_hubspot({"hs_object_id": "701", "email": "a@b.jp"}).data.get(
        "fields", {}
    )


def test_salesforce_absolute_attributes_url_is_the_crm_url() -> None:
    url = "https://example.my.salesforce.com/lightning/r/Lead/00Q5g00000AbCdEEAV/view"
    body = sample("salesforce_lead.json")
    body["attributes"]["url"] = url
    assert from_salesforce(body).data["fields"]["crm_url"] == url


@pytest.mark.parametrize("key", ["instance_url", "InstanceUrl"])
def test_salesforce_relative_url_with_the_orgs_address_opens_the_record(key: str) -> None:
    lead = sample("salesforce_lead.json")
    wrapped = {"records": [lead], key: "https://example.my.salesforce.com/"}
    expected = "https://example.my.salesforce.com/00Q5g00000AbCdEEAV"
    assert from_salesforce(wrapped).data["fields"]["crm_url"] == expected
    assert from_salesforce(lead | {key: "ftp://example.com"}).data["fields"].get("crm_url") is None
