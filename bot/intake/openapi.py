"""The OpenAPI description of `/leads` and `/leads/stage`, built from the pydantic models
so it cannot drift."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from bot.intake.auth import SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE_SECONDS
from bot.intake.formats import FORMATS
from bot.intake.schema import LeadPayload
from bot.intake.stage import StageBody
from bot.intake.stage_formats import STAGE_FORMATS

_MAX_BODY_KIB = 64


def _error(description: str, *, with_fields: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string", "description": "What is wrong and what to do."}},
    }
    if with_fields:
        schema["required"].append("fields")
        schema["properties"]["fields"] = {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Every problem at once: field name → what is wrong with it.",
        }
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _version() -> str:
    try:
        return version("baton")
    except PackageNotFoundError:
        return "0"


def _stage_operation() -> dict[str, Any]:
    answer = {
        "type": "object",
        "required": ["id", "stage"],
        "properties": {
            "id": {"type": "integer"},
            "stage": {"type": "string"},
            "duplicate": {"const": True},
        },
    }
    conflict = _error(
        "The move goes backwards, or the lead is already won, lost, disqualified or returned."
    )
    conflict["content"]["application/json"]["schema"]["properties"]["stage"] = {
        "type": "string",
        "description": "Where the lead stands now.",
    }
    return {
        "summary": "Move a lead along the funnel (from a CRM)",
        "operationId": "updateStage",
        "security": [{"signature": [], "timestamp": []}, {"bearer": []}],
        "parameters": [
            {
                "name": "format",
                "in": "query",
                "required": False,
                "description": "The body's shape: Baton's own, a HubSpot deal workflow "
                "webhook, or a Salesforce Opportunity record.",
                "schema": {"type": "string", "enum": ["baton", *STAGE_FORMATS], "default": "baton"},
            }
        ],
        "requestBody": {
            "required": True,
            "description": f"At most {_MAX_BODY_KIB} KiB of UTF-8 JSON. Name the lead by `id`, "
            "or by `source` and `external_id`.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/StageUpdate"}}
            },
        },
        "responses": {
            "200": {
                "description": "Moved; or, with `duplicate`, already there with the same values.",
                "content": {"application/json": {"schema": answer}},
            },
            "400": _error("A field is wrong.", with_fields=True),
            "401": _error("Not authenticated: missing, wrong or stale."),
            "404": _error("No such lead."),
            "409": conflict,
            "503": _error("Intake is not configured, or storage is unavailable."),
        },
    }


@cache
def openapi_document() -> dict[str, Any]:
    lead_schema = LeadPayload.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = lead_schema.pop("$defs", {})
    stage_schema = StageBody.model_json_schema(ref_template="#/components/schemas/{model}")
    defs.update(stage_schema.pop("$defs", {}))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Baton lead intake",
            "version": _version(),
            "description": (
                "Hand a sales-qualified lead to sales. Authenticate with a signature "
                f"({TIMESTAMP_HEADER}: unix seconds; {SIGNATURE_HEADER}: "
                'v1=hex(HMAC-SHA256(BATON_INTAKE_SECRET, "v1:{timestamp}:{raw body}")), '
                f"timestamp within {TOLERANCE_SECONDS} seconds) or with "
                "Authorization: Bearer BATON_INTAKE_TOKEN."
            ),
        },
        "paths": {
            "/leads": {
                "post": {
                    "summary": "Hand off a lead",
                    "operationId": "handOffLead",
                    "security": [{"signature": [], "timestamp": []}, {"bearer": []}],
                    "parameters": [
                        {
                            "name": "format",
                            "in": "query",
                            "required": False,
                            "description": "The body's shape: Baton's own, a HubSpot workflow "
                            "webhook, or a Salesforce record.",
                            "schema": {"type": "string", "enum": list(FORMATS), "default": "baton"},
                        },
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "description": "A re-send with the same key is answered as a duplicate.",
                            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "description": f"At most {_MAX_BODY_KIB} KiB of UTF-8 JSON.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Lead"}}
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Stored; its card is on its way to the route's channel.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["id", "status", "route"],
                                        "properties": {
                                            "id": {"type": "integer"},
                                            "status": {"type": "string"},
                                            "route": {"type": "string"},
                                        },
                                    }
                                }
                            },
                        },
                        "200": {
                            "description": "A re-send of a lead Baton already has; nothing new is posted.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["id", "duplicate"],
                                        "properties": {
                                            "id": {"type": "integer"},
                                            "duplicate": {"const": True},
                                        },
                                    }
                                }
                            },
                        },
                        "400": _error("The body or a field is wrong.", with_fields=True),
                        "401": _error("Not authenticated: missing, wrong or stale."),
                        "413": _error(f"Larger than {_MAX_BODY_KIB} KiB."),
                        "415": _error("Not application/json."),
                        "422": _error("No route matches and there is no default route."),
                        "503": _error("Intake is not configured, or storage is unavailable."),
                    },
                }
            },
            "/leads/stage": {"post": _stage_operation()},
        },
        "components": {
            "schemas": {"Lead": lead_schema, "StageUpdate": stage_schema, **defs},
            "securitySchemes": {
                "signature": {"type": "apiKey", "in": "header", "name": SIGNATURE_HEADER},
                "timestamp": {"type": "apiKey", "in": "header", "name": TIMESTAMP_HEADER},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }
