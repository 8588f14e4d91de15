"""Helpers for intake tests: signed webhook requests and table row counts."""

from __future__ import annotations

import json
import time
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from bot.core.settings import Settings
from bot.intake.auth import signed_headers
from bot.intake.modal import Field
from bot.store.database import Database
from bot.store.models import DueWork, Lead, LeadEvent, OutboxMessage
from bot.store.outbox import Intent
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET

INTAKE_SECRET = "test-intake-secret"
INTAKE_TOKEN = "test-intake-token"
JSON = "application/json"


def intake_settings(database_url: str, slack_api: SlackStandIn, **more: Any) -> Settings:
    """Settings for an app on the stand-in with both intake credentials configured."""
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.url,
        database_url=database_url,
        baton_intake_secret=INTAKE_SECRET,
        baton_intake_token=INTAKE_TOKEN,
        **more,
    )


def body_of(payload: Any) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def signed(
    body: bytes, *, secret: str = INTAKE_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    return signed_headers(secret, body, int(time.time()) if timestamp is None else timestamp)


def post_lead(
    http: FlaskClient,
    payload: Any,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    sign: bool = True,
    content_type: str | None = JSON,
    path: str = "/leads",
) -> TestResponse:
    """POST /leads (or `path`) the way a marketing system does: JSON, signed unless told
    otherwise."""
    body = body_of(payload)
    sent: dict[str, str] = {}
    if content_type is not None:
        sent["Content-Type"] = content_type
    if sign:
        sent.update(signed(body))
    sent.update(headers or {})
    return http.post(f"{path}{query}", data=body, headers=sent)


def row_counts(db: Database) -> dict[str, int]:
    """Rows that bad input must not add. A look-up of the person's Slack language is not
    one: the first interaction with someone queues it, whatever they sent."""
    with db.read() as session:
        counts = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Lead, LeadEvent, DueWork)
        }
        counts["outbox"] = (
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind != str(Intent.LOOK_UP_PERSON))
            )
            or 0
        )
        return counts


def modal_state(**fields: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """A submitted modal's state.values, shaped the way Slack sends each element type."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for name, value in fields.items():
        field = Field[name.upper()]
        if field is Field.SEGMENT:
            option = (
                None
                if value is None
                else {"text": {"type": "plain_text", "text": value}, "value": value}
            )
            entry = {"type": "static_select", "selected_option": option}
        elif field is Field.EMAIL:
            entry = {"type": "email_text_input", "value": value}
        elif field is Field.SCORE:
            entry = {"type": "number_input", "value": value}
        else:
            entry = {"type": "plain_text_input", "value": value}
        values[field.value] = {"value": entry}
    return values


MODAL_GOOD: dict[str, Any] = {
    "name": "Aiko Tanaka",
    "email": "aiko.tanaka@example.co.jp",
    "company": "Example KK",
    "title": "Head of IT",
    "score": "88",
    "segment": "enterprise",
    "reason": "Asked for pricing for 40 seats; budget approved.",
    "notes": "Prefers email before 10:00.",
}
