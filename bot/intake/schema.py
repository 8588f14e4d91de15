"""What a lead looks like on the way in: one pydantic model for the webhook, the
/handoff modal and `baton import`, so all three accept and refuse the same things.

Lengths match the columns in bot.store.models, so whatever passes here fits the database
on SQLite and PostgreSQL alike; characters a database or Slack would choke on
(NUL and other control characters, lone surrogates, bidi overrides) are refused
with a message that names the field.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.core.i18n import join, t
from bot.leads.handoff import LeadInput

SCORE_MIN = 0
SCORE_MAX = 100
MAX_EXTRAS = 50
MAX_EXTRA_KEY = 100
MAX_EXTRA_VALUE = 2000
MAX_REASON = 3000  # Slack's limit for a section's text, so the card can show it whole
DEFAULT_SOURCE = "webhook"

# Control characters other than tab and newlines; DEL and the C1 range; lone
# surrogates (not storable as UTF-8); bidi overrides (they can disguise a name).
_FORBIDDEN_MULTILINE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
_FORBIDDEN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _check_characters(value: str, *, multiline: bool) -> str:
    found = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN_LINE).search(value)
    if found:
        raise PydanticCustomError(
            "baton_character",
            "contains the character U+{code} at position {position}",
            {"code": f"{ord(found.group()):04X}", "position": found.start() + 1},
        )
    return value


def _line(value: str) -> str | None:
    return _check_characters(value, multiline=False) or None


def _text(value: str) -> str | None:
    return _check_characters(value, multiline=True) or None


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _id_text(value: Any) -> Any:
    """CRMs send record ids as numbers or strings; both mean the same id."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _casefold_fits(value: str | None) -> str | None:
    # The company is also stored casefolded (for search), which can lengthen it: ß → ss.
    if value is not None and len(value.casefold()) > 300:
        raise PydanticCustomError(
            "string_too_long", "String should have at most 300 characters", {"max_length": 300}
        )
    return value


def _email_fits(value: str | None) -> str | None:
    if value is not None:
        _check_characters(value, multiline=False)
        if len(value.lower()) > 320:
            raise PydanticCustomError(
                "string_too_long", "String should have at most 320 characters", {"max_length": 320}
            )
    return value


def _extras(value: Any) -> Any:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PydanticCustomError("dict_type", "Input should be a valid dictionary")
    if len(value) > MAX_EXTRAS:
        raise PydanticCustomError(
            "baton_too_many", "at most {limit} entries", {"limit": MAX_EXTRAS, "given": len(value)}
        )
    for key, item in value.items():
        if not key.strip() or len(key) > MAX_EXTRA_KEY:
            raise PydanticCustomError(
                "baton_extra_key", "bad key {entry!r}", {"entry": key[:40], "limit": MAX_EXTRA_KEY}
            )
        _check_characters(key, multiline=False)
        if isinstance(item, str):
            if len(item) > MAX_EXTRA_VALUE:
                raise PydanticCustomError(
                    "baton_extra_long",
                    "{entry}: at most {limit} characters",
                    {"entry": key[:40], "limit": MAX_EXTRA_VALUE},
                )
            _check_characters(item, multiline=True)
        elif item is not None and not isinstance(item, bool | int | float):
            raise PydanticCustomError(
                "baton_extra_value",
                "{entry}: must be text, a number, true/false or null",
                {"entry": key[:40]},
            )
        elif isinstance(item, float) and not math.isfinite(item):
            raise PydanticCustomError("finite_number", "Input should be a finite number")
    return value


def _line_constraint(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, max_length=max_length, strict=True)


Line50 = Annotated[str, _line_constraint(50), AfterValidator(_line)]
Line100 = Annotated[str, _line_constraint(100), AfterValidator(_line)]
Line200 = Annotated[str, _line_constraint(200), AfterValidator(_line)]
Line300 = Annotated[str, _line_constraint(300), AfterValidator(_line)]
Optional50 = Annotated[Line50 | None, BeforeValidator(_blank_to_none)]
Optional100 = Annotated[Line100 | None, BeforeValidator(_blank_to_none)]
Optional300 = Annotated[Line300 | None, BeforeValidator(_blank_to_none)]
Company = Annotated[Line300 | None, BeforeValidator(_blank_to_none), AfterValidator(_casefold_fits)]
Email = Annotated[EmailStr | None, BeforeValidator(_blank_to_none), AfterValidator(_email_fits)]
Score = Annotated[
    Annotated[float, Field(ge=SCORE_MIN, le=SCORE_MAX, strict=True, allow_inf_nan=False)] | None,
    BeforeValidator(_blank_to_none),
]
Reason = Annotated[
    Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=MAX_REASON, strict=True),
        AfterValidator(_text),
    ]
    | None,
    BeforeValidator(_blank_to_none),
]


class LeadPayload(BaseModel):
    """A sales-qualified lead as marketing hands it over. Give at least a name or an email."""

    model_config = ConfigDict(extra="forbid", title="Lead")

    external_id: Annotated[
        Line200 | None, BeforeValidator(_id_text), BeforeValidator(_blank_to_none)
    ] = Field(
        None, description="The sending system's id; with `source` it makes a re-send a duplicate."
    )
    source: Optional100 = Field(
        None, description=f'The sending system, e.g. "hubspot". Default: "{DEFAULT_SOURCE}".'
    )
    name: Optional300 = Field(None, description="The person's full name.")
    email: Email = Field(None, description="The person's email address.")
    company: Company = Field(None, description="The person's company.")
    title: Optional300 = Field(None, description="Job title.")
    phone: Optional50 = Field(None, description="Phone number, as written.")
    score: Score = Field(None, description=f"Lead score, a number from {SCORE_MIN} to {SCORE_MAX}.")
    segment: Optional100 = Field(
        None, description="Segment, e.g. enterprise; routes may match on it."
    )
    region: Optional100 = Field(None, description="Region, e.g. APAC; routes may match on it.")
    campaign: Optional300 = Field(None, description="The campaign that produced the lead.")
    reason: Reason = Field(None, description="Why marketing says this is a sales-qualified lead.")
    fields: Annotated[dict[str, Any], BeforeValidator(_extras)] = Field(
        default_factory=dict,
        json_schema_extra={
            "maxProperties": MAX_EXTRAS,
            "additionalProperties": {
                "type": ["string", "number", "boolean", "null"],
                "maxLength": MAX_EXTRA_VALUE,
            },
        },
        description=(
            f"Free-form extras shown on the card: up to {MAX_EXTRAS} keys, values text "
            f"(at most {MAX_EXTRA_VALUE} characters), numbers, true/false or null."
        ),
    )

    @model_validator(mode="after")
    def _name_or_email(self) -> LeadPayload:
        if self.name is None and self.email is None:
            raise PydanticCustomError("baton_name_or_email", "give a name or an email (or both)")
        return self

    def to_lead_input(self, default_source: str = DEFAULT_SOURCE) -> LeadInput:
        return LeadInput(
            source=self.source or default_source,
            external_id=self.external_id,
            name=self.name,
            email=self.email,
            company=self.company,
            title=self.title,
            phone=self.phone,
            score=self.score,
            segment=self.segment,
            region=self.region,
            campaign=self.campaign,
            reason=self.reason,
            extras={k.strip(): v for k, v in self.fields.items()},
        )


FIELD_NAMES: tuple[str, ...] = tuple(LeadPayload.model_fields)

# pydantic error types → catalog keys; anything else falls back to a generic message.
_MESSAGES = {
    "missing": "intake.field.missing",
    "extra_forbidden": "intake.field.unknown",
    "string_type": "intake.field.not_text",
    "string_too_long": "intake.field.too_long",
    "float_type": "intake.field.not_number",
    "float_parsing": "intake.field.not_number",
    "finite_number": "intake.field.not_finite",
    "greater_than_equal": "intake.field.score_range",
    "less_than_equal": "intake.field.score_range",
    "dict_type": "intake.field.not_object",
    "value_error": "intake.field.email",
    "baton_character": "intake.field.character",
    "string_unicode": "intake.field.unicode",
    "baton_too_many": "intake.field.too_many",
    "baton_extra_key": "intake.field.extra_key",
    "baton_extra_long": "intake.field.extra_long",
    "baton_extra_value": "intake.field.extra_value",
    "baton_name_or_email": "intake.field.name_or_email",
}


# email-validator explains a refused address in English; its reasons, by the words that
# tell them apart, as catalog keys (the first match wins), so each language says it.
_EMAIL_REASONS: tuple[tuple[str, str], ...] = (
    ("full-width", "intake.email.full_width_at"),
    ("small commercial at", "intake.email.full_width_at"),
    ("must have an @-sign", "intake.email.no_at"),
    ("something before the @-sign", "intake.email.nothing_before"),
    ("something after the @-sign", "intake.email.nothing_after"),
    ("too long", "intake.email.too_long"),
    ("cannot be separated by so many", "intake.email.too_long"),
    ("should have a period", "intake.email.domain"),
    ("period", "intake.email.periods"),
    ("unsafe characters", "intake.email.unsafe"),
    ("special-use or reserved", "intake.email.reserved"),
    ("display name", "intake.email.extra"),
    ("angle bracket", "intake.email.extra"),
    ("anything after the email address", "intake.email.extra"),
    ("before the @-sign", "intake.email.chars_before"),
    ("the part after the @-sign contains", "intake.email.chars_after"),
    ("after the @-sign after idna", "intake.email.chars_after"),
    ("the part after the @-sign", "intake.email.domain"),
)


def _email_reason(reason: object, locale: str) -> str:
    """Why email-validator refused an address, in the reader's language."""
    text = str(reason).lower()
    key = next((key for words, key in _EMAIL_REASONS if words in text), "intake.email.other")
    return t(key, locale)


def field_problems(
    error: ValidationError, locale: str = "en", origin: dict[str, str] | None = None
) -> dict[str, str]:
    """Every problem, keyed by field, in words a sender can act on.

    `origin` renames Baton's fields to the sender's (HubSpot's `jobtitle` for `title`),
    so the answer names the field the sender actually sent.
    """
    problems: dict[str, str] = {}
    for item in error.errors():
        loc = [str(part) for part in item["loc"]]
        kind = item["type"]
        keys = ["name", "email"] if kind == "baton_name_or_email" else [".".join(loc) or "body"]
        params = dict(item.get("ctx") or {})
        params.setdefault("max_length", "")
        if kind == "value_error":
            params["reason"] = _email_reason(params.get("reason", ""), locale)
        params["kind"] = kind
        params.setdefault("code", "")
        params.setdefault("position", "")
        params.setdefault("limit", "")
        params.setdefault("entry", "")
        params.update(min=SCORE_MIN, max=SCORE_MAX, known=join(FIELD_NAMES, locale))
        key = _MESSAGES.get(kind, "intake.field.invalid")
        for field in keys:
            shown = (origin or {}).get(field, field)
            problems.setdefault(shown, t(key, locale, **params))
    return problems


def validate_lead(data: Any) -> LeadPayload:
    """Raises ValidationError listing every problem at once."""
    return LeadPayload.model_validate(data)
