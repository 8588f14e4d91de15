"""`POST /leads` and `GET /leads/openapi.json`: leads from marketing systems over HTTP.

Checks run cheapest first and each refusal says what to fix: intake switched off
(503), too large (413, from Content-Length before reading, and again while
reading a body of unknown length), not JSON (415), not authenticated (401), a
malformed body or fields (400, every field problem at once), no route (422).
Nothing is written until the lead has passed all of them; a 2xx means it is stored.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Request, Response, jsonify, request
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from bot.core.i18n import t
from bot.core.settings import Settings
from bot.intake import forget, stage
from bot.intake.auth import AuthFailure, IntakeCredentials, authenticate
from bot.intake.formats import BATON, FORMATS, FormatProblem
from bot.intake.openapi import openapi_document
from bot.intake.schema import field_problems, validate_lead
from bot.leads.handoff import NoRoute
from bot.leads.lifecycle import LeadService

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 200
_READ_CHUNK = 16 * 1024
INTAKE_ACTOR = "intake"


@dataclass
class Refusal(Exception):
    """An answer other than success: status, catalog key, and what else to say."""

    status: int
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def response(self, locale: str) -> tuple[Response, int, dict[str, str]]:
        body: dict[str, Any] = {"error": t(self.key, locale, **self.params)}
        if self.fields is not None:
            body["fields"] = self.fields
        body.update(self.extra)
        return jsonify(body), self.status, self.headers


def intake_blueprint(settings: Settings, leads: LeadService) -> Blueprint:
    blueprint = Blueprint("intake", __name__)
    credentials = IntakeCredentials(settings.baton_intake_secret, settings.baton_intake_token)

    @blueprint.post("/leads")
    def receive_lead() -> tuple[Response, int, dict[str, str]]:
        locale = _locale(request)
        try:
            return receive(request, credentials, leads, locale)
        except Refusal as refusal:
            return refusal.response(locale)

    @blueprint.post("/leads/stage")
    def receive_stage() -> tuple[Response, int, dict[str, str]]:
        locale = _locale(request)
        try:
            body = parse_json(read_authenticated(request, credentials), locale)
        except Refusal as refusal:
            return refusal.response(locale)
        answer, status = stage.receive(body, request.args.get("format", BATON), leads, locale)
        return jsonify(answer), status, {}

    @blueprint.post("/leads/forget")
    def receive_forget() -> tuple[Response, int, dict[str, str]]:
        locale = _locale(request)
        try:
            body = parse_json(read_authenticated(request, credentials), locale)
        except Refusal as refusal:
            return refusal.response(locale)
        answer, status = forget.receive(body, leads, locale)
        return jsonify(answer), status, {}

    @blueprint.get("/leads/openapi.json")
    def describe() -> Response:
        return jsonify(openapi_document())

    @blueprint.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        if isinstance(exc, HTTPException):
            return exc
        # A fault of Baton's, not of the request: logged in full, answered without details.
        log.exception("intake request failed", exc_info=exc)
        return Refusal(500, "intake.http.internal").response(_locale(request))

    return blueprint


def _locale(req: Request) -> str:
    return req.accept_languages.best_match(["en", "ja"], default="en") or "en"


def receive(
    req: Request, credentials: IntakeCredentials, leads: LeadService, locale: str
) -> tuple[Response, int, dict[str, str]]:
    raw = read_authenticated(req, credentials)
    fmt = req.args.get("format", BATON)
    if fmt not in FORMATS:
        known = ", ".join(FORMATS)
        raise Refusal(
            400,
            "intake.http.unknown_format",
            {"given": fmt[:40], "known": known},
            fields={"format": t("intake.http.unknown_format", locale, given=fmt[:40], known=known)},
        )
    key = _idempotency_key(req, locale)
    body = parse_json(raw, locale)
    try:
        mapped = FORMATS[fmt](body)
    except FormatProblem as problem:
        message = t(problem.key, locale, **problem.params)
        raise Refusal(
            400, "intake.http.invalid", {"count": 1}, fields={problem.where: message}
        ) from None
    try:
        payload = validate_lead(mapped.data)
    except ValidationError as exc:
        problems = field_problems(exc, locale, mapped.origin)
        raise Refusal(
            400, "intake.http.invalid", {"count": len(problems)}, fields=problems
        ) from None
    try:
        result = leads.hand_off(
            payload.to_lead_input(mapped.default_source), actor=INTAKE_ACTOR, idempotency_key=key
        )
    except NoRoute as exc:
        return (
            jsonify(error=exc.message(locale), tried=_jsonable(exc.tried)),
            422,
            {},
        )
    except OperationalError:
        log.exception("could not store a lead")
        raise Refusal(503, "intake.http.unavailable", headers={"Retry-After": "30"}) from None
    lead = result.lead
    if not result.created:
        return jsonify(id=lead.id, duplicate=True), 200, {}
    return jsonify(id=lead.id, status=lead.status, route=lead.route), 201, {}


def read_authenticated(req: Request, credentials: IntakeCredentials) -> bytes:
    """The body of an authenticated request; else a Refusal saying what is wrong, the
    cheapest check first: intake off (503), too large (413), not JSON (415), not signed
    or without the token (401). Shared by every intake endpoint."""
    if not credentials.configured:
        raise Refusal(503, "intake.http.not_configured")
    if req.content_length is not None and req.content_length > MAX_BODY:
        raise Refusal(413, "intake.http.too_large", {"size": req.content_length, "limit": MAX_BODY})
    _check_content_type(req)
    raw = _read_capped(req)
    try:
        authenticate(req.headers, raw, credentials, time.time())
    except AuthFailure as failure:
        raise Refusal(401, failure.key, failure.params) from None
    return raw


def _check_content_type(req: Request) -> None:
    given = req.mimetype or ""
    if given != "application/json":
        raise Refusal(415, "intake.http.content_type", {"given": given or "none"})
    charset = req.mimetype_params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise Refusal(415, "intake.http.charset", {"charset": charset[:40]})


def _read_capped(req: Request) -> bytes:
    """The body, read no further than one byte past the limit (for chunked bodies)."""
    stream = req.stream
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(_READ_CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_BODY:
            raise Refusal(
                413, "intake.http.too_large", {"size": f"> {MAX_BODY}", "limit": MAX_BODY}
            )
    return b"".join(chunks)


def _idempotency_key(req: Request, locale: str) -> str | None:
    key = req.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not (0 < len(key) <= MAX_IDEMPOTENCY_KEY) or not all("!" <= ch <= "~" for ch in key):
        message = t("intake.http.idempotency_key", locale, limit=MAX_IDEMPOTENCY_KEY)
        raise Refusal(
            400,
            "intake.http.idempotency_key",
            {"limit": MAX_IDEMPOTENCY_KEY},
            fields={IDEMPOTENCY_HEADER: message},
        )
    return key


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def parse_json(raw: bytes, locale: str) -> dict[str, Any]:
    def bad(key: str, **params: Any) -> Refusal:
        return Refusal(400, key, params, fields={"body": t(key, locale, **params)})

    if not raw.strip():
        raise bad("intake.http.empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise bad("intake.http.not_utf8", position=exc.start) from None
    try:
        body = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_once_each)
    except RepeatedKey as exc:
        raise bad("intake.http.repeated_key", name=exc.key[:100]) from None
    except json.JSONDecodeError as exc:
        raise bad(
            "intake.http.bad_json", problem=exc.msg, line=exc.lineno, column=exc.colno
        ) from None
    except ValueError as exc:  # NaN or Infinity, which JSON itself does not have
        raise bad("intake.http.json_constant", constant=str(exc)) from None
    except RecursionError:
        raise bad("intake.http.too_deep") from None
    if not isinstance(body, dict):
        raise bad("intake.http.not_object", given=_json_kind(body))
    return body


class RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different: `{"email": "a@…", "email": "b@…"}` is
    refused rather than read as its last value, which another reader of the same body
    (a validator upstream) may not have picked."""
    body: dict[str, Any] = {}
    for key, value in pairs:
        if key in body:
            raise RepeatedKey(key)
        body[key] = value
    return body


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "a number"


def _jsonable(tried: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, str | int | float | bool) else str(v) for k, v in tried.items()}
