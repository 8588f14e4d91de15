"""Bad requests to POST /leads: each gets its exact 4xx, a readable error, and writes nothing.

Every case goes through the real Flask app (request parsing, the intake blueprint,
validation, the database) with real signatures; nothing is patched.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from bot.store.database import Database
from tests.support.intake import INTAKE_TOKEN, body_of, post_lead, row_counts, signed

GOOD: dict[str, Any] = {
    "external_id": "0031x00000AbCdE",
    "source": "web-form",
    "name": "Aiko Tanaka",
    "email": "aiko.tanaka@example.co.jp",
    "company": "Example KK",
    "segment": "enterprise",
    "score": 88,
}
GOOD_BODY = json.dumps(GOOD).encode()
BEARER = {"Authorization": f"Bearer {INTAKE_TOKEN}"}


def good(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


@dataclass
class Bad:
    id: str
    status: int
    needle: str  # words the answer must contain (in `error`, or in `fields[field]`)
    payload: Any = field(default_factory=lambda: GOOD)
    field: str | None = None
    headers: Callable[[bytes], dict[str, str]] | None = None
    sign: bool = True
    content_type: str | None = "application/json"
    query: str = ""
    send: Callable[[FlaskClient], TestResponse] | None = None
    also: tuple[str, ...] = ()  # more fields that must be listed in the same answer


def _chunked_70k(http: FlaskClient) -> TestResponse:
    # No Content-Length: the server must stop reading at the limit itself.
    body = b'{"name": "' + b"x" * (70 * 1024) + b'"}'
    return http.post(
        "/leads",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked", **BEARER},
        environ_overrides={"wsgi.input_terminated": True},
    )


def _stamp(offset: int) -> Callable[[bytes], dict[str, str]]:
    return lambda body: signed(body, timestamp=int(time.time()) + offset)


CASES = [
    # --- authentication -------------------------------------------------------------
    Bad("unsigned", 401, "Not authenticated", sign=False),
    Bad("forged signature", 401, "signature is wrong", headers=lambda b: signed(b, secret="guess")),
    Bad("stale timestamp", 401, "stale", headers=_stamp(-600)),
    Bad("timestamp from the future", 401, "stale", headers=_stamp(+600)),
    Bad(
        "timestamp not unix seconds",
        401,
        "Unix seconds",
        headers=lambda b: {**signed(b), "X-Baton-Timestamp": "yesterday"},
    ),
    Bad(
        "signature without timestamp",
        401,
        "without X-Baton-Timestamp",
        headers=lambda b: {"X-Baton-Signature": signed(b)["X-Baton-Signature"]},
        sign=False,
    ),
    Bad(
        "timestamp without signature",
        401,
        "without X-Baton-Signature",
        headers=lambda b: {"X-Baton-Timestamp": str(int(time.time()))},
        sign=False,
    ),
    Bad(
        "body changed after signing",
        401,
        "signature is wrong",
        payload=good(score=99),
        headers=lambda _b: signed(GOOD_BODY),
    ),
    Bad(
        "slack-style v0 signature",
        401,
        "signature is wrong",
        headers=lambda b: {**signed(b), "X-Baton-Signature": "v0=" + "0" * 64},
    ),
    Bad(
        "wrong bearer token",
        401,
        "bearer token is wrong",
        sign=False,
        headers=lambda _b: {"Authorization": "Bearer not-the-token"},
    ),
    Bad(
        "basic auth instead of bearer",
        401,
        "Bearer <token>",
        sign=False,
        headers=lambda _b: {"Authorization": "Basic dXNlcjpwYXNz"},
    ),
    # --- size and content type --------------------------------------------------------
    Bad("70 KiB body", 413, "too large", payload=good(reason="x" * 70 * 1024)),
    Bad("70 KiB chunked body", 413, "too large", send=_chunked_70k),
    Bad("text/plain", 415, "application/json", content_type="text/plain"),
    Bad("no content type", 415, "application/json", content_type=None),
    Bad("form encoded", 415, "application/json", content_type="application/x-www-form-urlencoded"),
    Bad("shift_jis json", 415, "UTF-8", content_type="application/json; charset=shift_jis"),
    # --- the body as a whole ------------------------------------------------------------
    Bad("empty body", 400, "empty", payload=b"", field="body"),
    Bad(
        "truncated json",
        400,
        "not valid JSON",
        payload=b'{"name": "Aiko", "email": "aiko@exa',
        field="body",
    ),
    Bad("json array", 400, "JSON object", payload=[GOOD], field="body"),
    Bad("json null", 400, "JSON object", payload=b"null", field="body"),
    Bad("invalid utf-8", 400, "UTF-8", payload=b'{"name": "\xff\xfe"}', field="body"),
    Bad("NaN score", 400, "NaN", payload=b'{"name": "Aiko", "score": NaN}', field="body"),
    Bad(
        "repeated key",
        400,
        'The key "email" appears twice',
        payload=b'{"name": "Aiko", "email": "a@example.com", "email": "b@example.com"}',
        field="body",
    ),
    Bad(
        "repeated key inside fields",
        400,
        'The key "country" appears twice',
        payload=b'{"name": "Aiko", "fields": {"country": "JP", "country": "US"}}',
        field="body",
    ),
    Bad("nested too deep", 400, "nested too deeply", payload=b"[" * 20000, field="body"),
    Bad("unknown format", 400, "Known formats: baton, hubspot, salesforce", query="?format=zapier"),
    Bad(
        "idempotency key with spaces",
        400,
        "Idempotency-Key",
        headers=lambda b: {**signed(b), "Idempotency-Key": "two words"},
        field="Idempotency-Key",
    ),
    # --- fields -------------------------------------------------------------------------------
    Bad(
        "unknown top-level key",
        400,
        "not a field Baton knows",
        payload=good(nickname="Ai"),
        field="nickname",
    ),
    Bad("name is a number", 400, "must be text", payload=good(name=12345), field="name"),
    Bad("score as text", 400, "must be a number", payload=good(score="85"), field="score"),
    Bad("score out of range", 400, "between 0 and 100", payload=good(score=150), field="score"),
    Bad("negative score", 400, "between 0 and 100", payload=good(score=-1), field="score"),
    Bad("score true", 400, "must be a number", payload=good(score=True), field="score"),
    Bad(
        "external_id true", 400, "must be text", payload=good(external_id=True), field="external_id"
    ),
    Bad(
        "bad email",
        400,
        "not a valid email",
        payload=good(email="aiko(at)example.com"),
        field="email",
    ),
    Bad(
        "sql in email",
        400,
        "not a valid email",
        payload=good(email="x'; DROP TABLE leads; --"),
        field="email",
    ),
    Bad(
        "slack markup in email",
        400,
        "not a valid email",
        payload=good(email="<!channel>@example.com"),
        field="email",
    ),
    Bad(
        "sql in score",
        400,
        "must be a number",
        payload=good(score="1; DROP TABLE leads"),
        field="score",
    ),
    Bad(
        "nulls for name and email",
        400,
        "Give a name or an email",
        payload=good(name=None, email=None),
        field="email",
        also=("name",),
    ),
    Bad("huge name", 400, "at most 300 characters", payload=good(name="A" * 10_000), field="name"),
    Bad(
        "huge reason",
        400,
        "at most 3000 characters",
        payload=good(reason="why " * 1000),
        field="reason",
    ),
    Bad(
        "phone too long", 400, "at most 50 characters", payload=good(phone="0" * 51), field="phone"
    ),
    Bad(
        "company too long once casefolded",
        400,
        "at most 300 characters",
        payload=good(company="ß" * 200),
        field="company",
    ),
    Bad("NUL in name", 400, "U+0000", payload=good(name="Aiko\x00Tanaka"), field="name"),
    Bad(
        "escape char in company",
        400,
        "U+001B",
        payload=good(company="Example\x1b[31mKK"),
        field="company",
    ),
    Bad(
        "bidi override in name", 400, "U+202E", payload=good(name="Aiko\u202eakanaT"), field="name"
    ),
    Bad(
        "lone surrogate in name",
        400,
        "not valid Unicode",
        payload=b'{"name": "Aiko \\ud800", "email": "a@example.com"}',
        field="name",
    ),
    Bad("fields is a list", 400, "object", payload=good(fields=["a", "b"]), field="fields"),
    Bad(
        "fields value is an object",
        400,
        "not a list or an object",
        payload=good(fields={"a": {"b": 1}}),
        field="fields",
    ),
    Bad(
        "too many fields",
        400,
        "at most 50",
        payload=good(fields={f"k{i}": i for i in range(51)}),
        field="fields",
    ),
    Bad(
        "every problem at once",
        400,
        "must be text",
        payload=good(name=5, email="nope", score="high", nickname="Ai"),
        field="name",
        also=("email", "score", "nickname"),
    ),
    Bad(
        "salesforce body with two records",
        400,
        "exactly one record",
        payload={"records": [{"Id": "00Q1"}, {"Id": "00Q2"}]},
        query="?format=salesforce",
        field="records",
    ),
    Bad(
        "hubspot body with a bad email names hubspot's field",
        400,
        "not a valid email",
        payload={
            "vid": 501,
            "properties": {"email": {"value": "nobody"}, "firstname": {"value": "Ken"}},
        },
        query="?format=hubspot",
        field="email",
    ),
]


def _send(http: FlaskClient, case: Bad) -> TestResponse:
    if case.send is not None:
        return case.send(http)
    body = body_of(case.payload)
    headers = case.headers(body) if case.headers else None
    return post_lead(
        http,
        body,
        query=case.query,
        headers=headers,
        sign=case.sign and not (headers and "X-Baton-Signature" in headers),
        content_type=case.content_type,
    )


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_request(http: FlaskClient, app_db: Database, case: Bad) -> None:
    before = row_counts(app_db)
    answer = _send(http, case)
    assert answer.status_code == case.status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/json"
    body = answer.json
    assert isinstance(body, dict)
    error = body["error"]
    assert isinstance(error, str) and len(error) > 15
    text = answer.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text
    if case.field is None:
        assert case.needle in error
    else:
        assert case.status == 400
        assert case.needle in body["fields"][case.field], body["fields"]
        for other in case.also:
            assert other in body["fields"], body["fields"]
    assert row_counts(app_db) == before
