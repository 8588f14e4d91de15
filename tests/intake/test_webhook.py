"""POST /leads through the real web app: what is stored, what is answered, what is posted."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.core.policy import parse_policy
from bot.core.settings import Settings
from bot.intake.schema import LeadPayload
from bot.intake.stage import StageBody
from bot.runtime import build_runtime
from bot.store.database import Database
from bot.store.models import Lead, LeadEvent, OutboxMessage
from bot.store.outbox import Intent
from bot.web import create_web_app
from tests.support.intake import INTAKE_TOKEN, post_lead, row_counts
from tests.support.policies import STANDARD

LEAD: dict[str, Any] = {
    "external_id": "00Q5g00000XyZab",
    "source": "marketo",
    "name": "Aiko Tanaka",
    "email": "Aiko.Tanaka@Example.co.jp",
    "company": "Example KK",
    "title": "CTO",
    "phone": "+81 3-1234-5678",
    "score": 92.5,
    "segment": "enterprise",
    "region": "APAC",
    "campaign": "2026 Tokyo summit",
    "reason": "Asked for a demo for 40 seats.",
    "fields": {"country": "JP", "employees": 1200, "budget_confirmed": True, "note": None},
}


def lead_rows(db: Database) -> list[Lead]:
    with db.read() as session:
        return list(session.scalars(select(Lead).order_by(Lead.id)))


def card_rows(db: Database, lead_id: int) -> list[OutboxMessage]:
    with db.read() as session:
        return list(
            session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.lead_id == lead_id, OutboxMessage.kind == str(Intent.POST_CARD)
                )
            )
        )


def test_a_signed_lead_is_stored_routed_and_its_card_queued(
    http: FlaskClient, app_db: Database
) -> None:
    answer = post_lead(http, LEAD)
    assert answer.status_code == 201, answer.json
    assert answer.json == {"id": answer.json["id"], "status": "unclaimed", "route": "enterprise"}
    [lead] = lead_rows(app_db)
    assert lead.id == answer.json["id"]
    assert (lead.source, lead.external_id) == ("marketo", "00Q5g00000XyZab")
    assert lead.email == "aiko.tanaka@example.co.jp"
    assert (lead.name, lead.company, lead.title, lead.phone) == (
        "Aiko Tanaka",
        "Example KK",
        "CTO",
        "+81 3-1234-5678",
    )
    assert lead.score == 92.5
    assert (lead.segment, lead.region, lead.campaign) == ("enterprise", "APAC", "2026 Tokyo summit")
    assert lead.reason == "Asked for a demo for 40 seats."
    assert lead.extras == LEAD["fields"]
    assert lead.handed_off_by == "intake"
    with app_db.read() as session:
        kinds = list(session.scalars(select(LeadEvent.kind).where(LeadEvent.lead_id == lead.id)))
    assert kinds == ["handed_off"]
    assert len(card_rows(app_db, lead.id)) == 1


def test_a_bearer_token_works_too(http: FlaskClient, app_db: Database) -> None:
    answer = post_lead(
        http,
        {"email": "ken@example.com"},
        sign=False,
        headers={"Authorization": f"Bearer {INTAKE_TOKEN}"},
    )
    assert answer.status_code == 201
    assert answer.json["route"] == "default"
    [lead] = lead_rows(app_db)
    assert lead.source == "webhook"  # the default when the sender names none


def test_a_resend_is_a_duplicate_and_posts_nothing_new(http: FlaskClient, app_db: Database) -> None:
    first = post_lead(http, LEAD)
    counts = row_counts(app_db)
    for _ in range(3):
        again = post_lead(http, {**LEAD, "score": 40})  # same (source, external_id)
        assert again.status_code == 200
        assert again.json == {"id": first.json["id"], "duplicate": True}
    assert row_counts(app_db) == counts
    assert len(card_rows(app_db, first.json["id"])) == 1
    assert lead_rows(app_db)[0].score == 92.5  # the first lead stands


def test_the_same_external_id_from_another_source_is_another_lead(http: FlaskClient) -> None:
    first = post_lead(http, LEAD)
    other = post_lead(http, {**LEAD, "source": "hubspot"})
    assert other.status_code == 201
    assert other.json["id"] != first.json["id"]


def test_idempotency_key_makes_a_resend_a_duplicate(http: FlaskClient, app_db: Database) -> None:
    key = {"Idempotency-Key": "form-submission-7f3a9c"}
    first = post_lead(http, {"name": "Ken Sato"}, headers=key)
    again = post_lead(http, {"name": "Ken Sato", "company": "changed"}, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == {"id": first.json["id"], "duplicate": True}
    assert len(lead_rows(app_db)) == 1


def test_without_external_id_source_and_email_deduplicate(
    http: FlaskClient, app_db: Database
) -> None:
    lead = {"source": "web-form", "name": "Ken Sato", "email": "ken@example.com"}
    first = post_lead(http, lead)
    again = post_lead(http, {**lead, "email": "KEN@example.com"})
    elsewhere = post_lead(http, {**lead, "source": "trade-show"})
    assert (first.status_code, again.status_code, elsewhere.status_code) == (201, 200, 201)
    assert again.json["id"] == first.json["id"]
    assert len(lead_rows(app_db)) == 2


def test_sql_and_slack_markup_in_text_are_kept_verbatim(
    http: FlaskClient, app_db: Database
) -> None:
    tricky = {
        "name": "Robert'); DROP TABLE leads;--",
        "company": "<!channel> <@U0MANAGER1> *bold* & <https://evil.example|click>",
        "reason": "1' OR '1'='1\nsecond line\twith a tab",
        "email": "bobby@example.com",
        "fields": {"sql": "'; DELETE FROM outbox; --", "絵文字": "🎉 株式会社"},
    }
    answer = post_lead(http, tricky)
    assert answer.status_code == 201
    [lead] = lead_rows(app_db)
    assert (lead.name, lead.company, lead.reason) == (
        tricky["name"],
        tricky["company"],
        tricky["reason"],
    )
    assert lead.extras == tricky["fields"]
    assert row_counts(app_db)["outbox"] == 1


def test_japanese_text_is_accepted(http: FlaskClient, app_db: Database) -> None:
    answer = post_lead(
        http,
        {
            "name": "山田 太郎",
            "company": "株式会社サンプル",
            "title": "情報システム部 部長",
            "email": "yamada@example.jp",
        },
    )
    assert answer.status_code == 201
    assert lead_rows(app_db)[0].company == "株式会社サンプル"


def test_errors_follow_accept_language(http: FlaskClient) -> None:
    answer = post_lead(http, {"name": 5}, headers={"Accept-Language": "ja,en;q=0.5"})
    assert answer.status_code == 400
    assert "文字列" in answer.json["fields"]["name"]
    assert "問題が1件" in answer.json["error"]


def test_blank_strings_count_as_absent(http: FlaskClient, app_db: Database) -> None:
    answer = post_lead(http, {"name": "  Ken  ", "email": "", "company": "   ", "score": None})
    assert answer.status_code == 201
    [lead] = lead_rows(app_db)
    assert (lead.name, lead.email, lead.company, lead.score) == ("Ken", None, None, None)


def test_openapi_is_generated_from_the_model(http: FlaskClient) -> None:
    answer = http.get("/leads/openapi.json")
    assert answer.status_code == 200
    doc = answer.json
    assert doc["openapi"].startswith("3.")
    post = doc["paths"]["/leads"]["post"]
    assert set(post["responses"]) >= {"200", "201", "400", "401", "413", "415", "422"}
    lead = doc["components"]["schemas"]["Lead"]
    assert lead["additionalProperties"] is False
    assert set(lead["properties"]) == set(LeadPayload.model_fields)
    assert lead["properties"]["score"]["anyOf"][0] == {
        "type": "number",
        "minimum": 0,
        "maximum": 100,
    }
    [fmt] = [p for p in post["parameters"] if p["name"] == "format"]
    assert fmt["schema"]["enum"] == ["baton", "hubspot", "salesforce"]
    stage = doc["paths"]["/leads/stage"]["post"]
    assert set(stage["responses"]) >= {"200", "400", "401", "404", "409"}
    body = doc["components"]["schemas"]["StageUpdate"]
    assert body["additionalProperties"] is False
    assert set(body["properties"]) == set(StageBody.model_fields)
    assert set(body["properties"]["stage"]["enum"]) == {
        "meeting_booked",
        "opportunity",
        "won",
        "lost",
        "disqualified",
    }


def test_get_on_leads_is_405_in_json(http: FlaskClient) -> None:
    answer = http.get("/leads")
    assert answer.status_code == 405
    assert "not allowed" in answer.json["error"]


# --- configurations other than the usual ---------------------------------------------


NO_DEFAULT = STANDARD.split("  - name: default")[0]


@pytest.fixture
def strict_http(settings: Settings) -> Any:
    runtime = build_runtime(settings, policy=parse_policy(NO_DEFAULT))
    yield runtime, create_web_app(runtime).test_client()
    runtime.close()


def test_no_route_and_no_default_is_422_naming_the_fields_tried(strict_http: Any) -> None:
    runtime, http = strict_http
    answer = post_lead(http, {"name": "Ken", "segment": "smb", "region": "EMEA"})
    assert answer.status_code == 422
    assert "default" in answer.json["error"]
    assert "segment='smb'" in answer.json["error"] and "region='EMEA'" in answer.json["error"]
    assert answer.json["tried"] == {"source": "webhook", "segment": "smb", "region": "EMEA"}
    assert row_counts(runtime.db)["leads"] == 0
    assert post_lead(http, {"name": "Ken", "segment": "enterprise"}).status_code == 201


def test_without_credentials_intake_is_503_and_says_what_to_set(settings: Settings) -> None:
    bare = settings.model_copy(update={"baton_intake_secret": None, "baton_intake_token": None})
    runtime = build_runtime(bare, policy=parse_policy(STANDARD))
    try:
        http = create_web_app(runtime).test_client()
        for headers in (None, {"Authorization": f"Bearer {INTAKE_TOKEN}"}):
            answer = post_lead(http, LEAD, headers=headers)
            assert answer.status_code == 503
            assert "BATON_INTAKE_SECRET" in answer.json["error"]
            assert "BATON_INTAKE_TOKEN" in answer.json["error"]
        assert row_counts(runtime.db)["leads"] == 0
    finally:
        runtime.close()


def test_only_a_token_configured_refuses_signatures_and_says_so(settings: Settings) -> None:
    runtime = build_runtime(
        settings.model_copy(update={"baton_intake_secret": None}), policy=parse_policy(STANDARD)
    )
    try:
        http: FlaskClient = create_web_app(runtime).test_client()
        signed_answer = post_lead(http, LEAD)
        assert signed_answer.status_code == 401
        assert "BATON_INTAKE_SECRET is not set" in signed_answer.json["error"]
        ok = post_lead(http, LEAD, sign=False, headers={"Authorization": f"Bearer {INTAKE_TOKEN}"})
        assert ok.status_code == 201
    finally:
        runtime.close()


def test_dedupe_window_comes_from_the_policy(settings: Settings) -> None:
    policy = parse_policy(STANDARD + "\nintake:\n  dedupe_window: 2h\n")
    runtime = build_runtime(settings, policy=policy)
    try:
        assert runtime.leads.dedupe_window.total_seconds() == 7200
    finally:
        runtime.close()
