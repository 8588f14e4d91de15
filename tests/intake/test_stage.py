"""POST /leads/stage: a CRM moves a lead along the funnel, signed like POST /leads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from bot.runtime import Runtime
from bot.store.models import Lead, LeadEvent
from tests.support.intake import post_lead, row_counts
from tests.support.slack_app import drain


def stage(http: FlaskClient, body: Any, **kwargs: Any) -> TestResponse:
    return post_lead(http, body, path="/leads/stage", **kwargs)


@pytest.fixture
def lead_id(http: FlaskClient, runtime: Runtime) -> int:
    answer = post_lead(
        http,
        {"source": "hubspot", "external_id": "701", "email": "aya@example.co.jp", "name": "Aya"},
    )
    assert answer.status_code == 201
    lead_id = int(answer.json["id"])  # type: ignore[index]
    runtime.leads.claim(lead_id, "U0REP1")
    return lead_id


def lead(runtime: Runtime, lead_id: int) -> Lead:
    return runtime.leads.get(lead_id)


def test_a_crm_jumps_from_claimed_to_won(http: FlaskClient, runtime: Runtime, lead_id: int) -> None:
    answer = stage(http, {"id": lead_id, "stage": "won", "amount": 1200000, "currency": "jpy"})
    assert (answer.status_code, answer.json) == (200, {"id": lead_id, "stage": "won"})
    won = lead(runtime, lead_id)
    assert (won.status, won.amount, won.currency) == ("won", Decimal("1200000"), "JPY")
    assert won.won_at is not None and won.first_touch_at == won.won_at
    assert won.opportunity_at is None  # skipped, not invented
    [event] = [e for e in runtime.leads.timeline(lead_id) if e.kind == "stage"]
    assert (event.actor, event.detail["outcome"], event.detail["amount"]) == (
        "crm",
        "won",
        "1200000",
    )


def test_by_source_and_external_id_with_the_time_it_happened(
    http: FlaskClient, runtime: Runtime, lead_id: int
) -> None:
    at = datetime.now(UTC) - timedelta(hours=3)
    body = {"source": "hubspot", "external_id": "701", "stage": "meeting_booked"}
    answer = stage(http, {**body, "at": at.isoformat()})
    assert answer.status_code == 200 and answer.json["stage"] == "meeting_booked"  # type: ignore[index]
    assert lead(runtime, lead_id).meeting_booked_at == at.replace(microsecond=at.microsecond)


def test_the_same_update_again_is_a_duplicate_and_writes_nothing(
    http: FlaskClient, runtime: Runtime, lead_id: int
) -> None:
    body = {"id": lead_id, "stage": "lost", "reason": "price", "note": "Chose the cheaper one"}
    assert stage(http, body).status_code == 200
    before = row_counts(runtime.db)
    again = stage(http, body)
    assert (again.status_code, again.json) == (
        200,
        {"id": lead_id, "stage": "lost", "duplicate": True},
    )
    assert row_counts(runtime.db) == before


@pytest.mark.parametrize(
    ("first", "then", "says"),
    [
        ("won", "opportunity", "is already won, which is final"),
        ("opportunity", "meeting_booked", "cannot go back to meeting booked"),
        ("lost", "won", "is already lost, which is final"),
    ],
)
def test_backwards_or_from_a_final_stage_is_a_conflict(
    http: FlaskClient, runtime: Runtime, lead_id: int, first: str, then: str, says: str
) -> None:
    assert stage(http, {"id": lead_id, "stage": first}).status_code == 200
    before = row_counts(runtime.db)
    answer = stage(http, {"id": lead_id, "stage": then})
    assert answer.status_code == 409
    assert says in answer.json["error"] and answer.json["stage"] == first  # type: ignore[index]
    assert row_counts(runtime.db) == before


def test_an_unknown_lead_is_not_found(http: FlaskClient, lead_id: int) -> None:
    assert stage(http, {"id": lead_id + 1000, "stage": "won"}).status_code == 404
    answer = stage(http, {"source": "hubspot", "external_id": "nope", "stage": "won"})
    assert answer.status_code == 404
    assert answer.json == {"error": "No lead from hubspot has the id nope."}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stage": "won"}, "id"),
        ({"source": "hubspot", "stage": "won"}, "id"),
        ({"id": 1, "stage": "closedwon"}, "stage"),
        ({"id": 1}, "stage"),
        ({"id": 1, "stage": "won", "amount": -5}, "amount"),
        ({"id": 1, "stage": "won", "amount": "lots"}, "amount"),
        ({"id": 1, "stage": "won", "amount": 1.005}, "amount"),
        ({"id": 1, "stage": "won", "currency": "JP¥"}, "currency"),
        ({"id": 1, "stage": "won", "at": "yesterday"}, "at"),
        ({"id": 1, "stage": "won", "at": "2026-12-03T10:00:00"}, "at"),
        ({"id": "1", "stage": "won"}, "id"),
        ({"id": 1, "stage": "won", "colour": "red"}, "colour"),
        ({"id": 1, "stage": "lost", "reason": "too_expensive"}, "reason"),
        ({"id": 1, "stage": "disqualified"}, "reason"),
    ],
)
def test_bad_fields_say_which_and_change_nothing(
    http: FlaskClient, runtime: Runtime, lead_id: int, body: dict[str, Any], field: str
) -> None:
    body = {**body, "id": lead_id} if body.get("id") == 1 else body
    before = row_counts(runtime.db)
    answer = stage(http, body)
    assert answer.status_code == 400, answer.json
    assert field in answer.json["fields"], answer.json  # type: ignore[index]
    assert row_counts(runtime.db) == before
    assert lead(runtime, lead_id).status == "claimed"


def test_a_future_time_is_refused(http: FlaskClient, lead_id: int) -> None:
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    answer = stage(http, {"id": lead_id, "stage": "won", "at": later})
    assert answer.status_code == 400 and "at" in answer.json["fields"]  # type: ignore[index]


def test_unsigned_is_refused_and_japanese_answers_in_japanese(
    http: FlaskClient, lead_id: int
) -> None:
    assert stage(http, {"id": lead_id, "stage": "won"}, sign=False).status_code == 401
    answer = stage(http, {"id": lead_id, "stage": "bogus"}, headers={"Accept-Language": "ja"})
    assert answer.status_code == 400
    assert answer.json["fields"]["stage"].startswith("meeting_booked、opportunity")  # type: ignore[index]


def test_the_card_and_thread_show_the_deal(
    http: FlaskClient, runtime: Runtime, lead_id: int, slack_api: Any
) -> None:
    drain(runtime)
    slack_api.clear()
    assert stage(http, {"id": lead_id, "stage": "won", "amount": "1,200,000"}).status_code == 200
    drain(runtime)
    [update] = slack_api.calls("chat.update")
    assert "*Won* ¥1,200,000" in str(update.args["blocks"])
    [reply] = [c for c in slack_api.calls("chat.postMessage") if c.args.get("thread_ts")]
    assert reply.args["text"] == "📈 The CRM moved the lead to won: ¥1,200,000"
    with runtime.db.read() as session:
        kinds = session.scalars(select(LeadEvent.kind).where(LeadEvent.lead_id == lead_id)).all()
    assert kinds[-1] == "stage"


# --- as CRMs send them ----------------------------------------------------------------


def test_a_hubspot_deal_webhook_closed_won(
    http: FlaskClient, runtime: Runtime, lead_id: int
) -> None:
    """A deal workflow's "Send a webhook", all properties in HubSpot's own shape; the
    lead is the deal's contact, handed off from HubSpot as contact 701."""
    body = {
        "objectId": 9001,
        "properties": {
            "dealstage": {"value": "closedwon"},
            "amount": {"value": "1200000"},
            "deal_currency_code": {"value": "JPY"},
            "hs_is_closed_won": {"value": "true"},
        },
        "associations": {"associatedContactIds": [701]},
    }
    answer = stage(http, body, query="?format=hubspot")
    assert (answer.status_code, answer.json) == (200, {"id": lead_id, "stage": "won"})
    assert lead(runtime, lead_id).amount == Decimal("1200000")


def test_a_hubspot_customized_body_and_its_stage_names(
    http: FlaskClient, runtime: Runtime, lead_id: int
) -> None:
    body = {"contact_id": "701", "dealstage": "appointmentscheduled"}
    assert stage(http, body, query="?format=hubspot").json["stage"] == "meeting_booked"  # type: ignore[index]
    body = {"contact_id": "701", "dealstage": "closedlost", "closed_lost_reason": "Budget cut"}
    assert stage(http, body, query="?format=hubspot").json["stage"] == "lost"  # type: ignore[index]
    assert lead(runtime, lead_id).outcome_note == "Budget cut"


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"dealstage": "closedwon"}, "contact_id", "Name the lead"),
        ({"contact_id": "701", "dealstage": "12345678"}, "dealstage", "“12345678”"),
        ({"contact_id": "701", "dealstage": "closedwon", "amount": "lots"}, "amount", "amount"),
    ],
)
def test_hubspot_problems_name_hubspots_fields(
    http: FlaskClient, lead_id: int, body: dict[str, Any], field: str, says: str
) -> None:
    answer = stage(http, body, query="?format=hubspot")
    assert answer.status_code == 400
    assert says in answer.json["fields"][field], answer.json  # type: ignore[index]


def test_a_salesforce_opportunity_record(http: FlaskClient, runtime: Runtime, lead_id: int) -> None:
    with runtime.db.transaction() as session:
        session.get(Lead, lead_id).external_id = "00Q5g00000AbCdE"  # type: ignore[union-attr]
        session.get(Lead, lead_id).source = "salesforce"  # type: ignore[union-attr]
    open_deal = {
        "attributes": {"type": "Opportunity"},
        "Id": "0065g00000XyZ",
        "StageName": "Proposal/Price Quote",
        "IsClosed": False,
        "IsWon": False,
        "Amount": 800000,
        "ConvertedLeadId": "00Q5g00000AbCdE",
    }
    assert stage(http, open_deal, query="?format=salesforce").json["stage"] == "opportunity"  # type: ignore[index]
    won = {**open_deal, "StageName": "Closed Won", "IsClosed": True, "IsWon": True}
    answer = stage(http, {"records": [won]}, query="?format=salesforce")
    assert (answer.status_code, answer.json) == (200, {"id": lead_id, "stage": "won"})
    assert lead(runtime, lead_id).amount == Decimal("800000")


def test_salesforce_without_the_lead_and_an_unknown_format(http: FlaskClient, lead_id: int) -> None:
    answer = stage(http, {"Id": "006", "IsWon": True}, query="?format=salesforce")
    assert answer.status_code == 400 and "Lead__c" in answer.json["fields"]  # type: ignore[index]
    answer = stage(http, {"id": lead_id, "stage": "won"}, query="?format=pipedrive")
    assert answer.status_code == 400 and "format=hubspot" in answer.json["error"]  # type: ignore[index]
