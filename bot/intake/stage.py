"""`POST /leads/stage`: a CRM tells Baton how far a lead got (meeting booked,
opportunity, won, lost, disqualified), authenticated like `POST /leads`.

Body: the lead as `{"id": N}` or `{"source": S, "external_id": X}`, with `stage` and,
as they apply, `amount`, `currency`, `reason`, `note` and `at` (when it happened in the
CRM; default now). Answers: 200 `{"id", "stage"}` (`"duplicate": true` when the lead
already stood there with the same values: nothing new is written); 404 for an unknown
lead; 409 for a move backwards or from a final stage; 400 with `fields` for bad fields.
The rules themselves are bot.leads.funnel's.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from sqlalchemy.exc import OperationalError

from bot.core.errors import (
    DomainError,
    ExternalLeadNotFound,
    InvalidInput,
    LeadNotFound,
    StageConflict,
)
from bot.core.i18n import t
from bot.intake.formats import BATON, FormatProblem
from bot.intake.schema import field_problems
from bot.intake.stage_formats import STAGE_FORMATS
from bot.leads.funnel import MAX_AMOUNT, StageChange
from bot.leads.lifecycle import LeadService
from bot.leads.states import Outcome

log = logging.getLogger(__name__)

CRM_ACTOR = "crm"
NOTE_MAX = 2000
# A CRM's clock may run a little ahead of Baton's; an `at` further ahead is refused.
CLOCK_SKEW = timedelta(minutes=5)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, strict=True)]


def _digits_as_text(value: Any) -> Any:
    """CRMs send amounts as numbers or as text ("1200000"): both are amounts."""
    if isinstance(value, str):
        return value.replace(",", "").strip() or None
    return value


class StageBody(BaseModel):
    model_config = ConfigDict(extra="forbid", title="Stage update")

    id: int | None = Field(None, gt=0, le=2**31 - 1, strict=True)
    source: Annotated[Text, StringConstraints(max_length=100)] | None = None
    external_id: Annotated[Text, StringConstraints(max_length=200)] | None = None
    stage: Literal["meeting_booked", "opportunity", "won", "lost", "disqualified"]
    amount: Annotated[
        Decimal | None,
        BeforeValidator(_digits_as_text),
        Field(ge=0, le=MAX_AMOUNT, decimal_places=2, allow_inf_nan=False),
    ] = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$", strict=True)] | None = None
    reason: Annotated[Text, StringConstraints(max_length=50)] | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)] | None = (
        None
    )
    at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _one_lead(self) -> StageBody:
        if self.id is None and (self.source is None or self.external_id is None):
            raise ValueError("give the lead's id, or its source and external_id")
        return self


def receive(
    body: dict[str, Any], fmt: str, leads: LeadService, locale: str
) -> tuple[dict[str, Any], int]:
    """The answer's JSON and status for an authenticated body."""
    origin: dict[str, str] = {}
    if fmt in STAGE_FORMATS:
        try:
            body, origin = STAGE_FORMATS[fmt](body)
        except FormatProblem as problem:
            message = t(problem.key, locale, **problem.params)
            error = t("intake.http.invalid", locale, count=1)
            return {"error": error, "fields": {problem.where: message}}, 400
    elif fmt != BATON:
        message = t("intake.stage.unknown_format", locale, given=fmt[:40])
        return {"error": message, "fields": {"format": message}}, 400
    try:
        update = StageBody.model_validate(body)
    except ValidationError as exc:
        # Name the sender's own field (HubSpot's `amount`, Salesforce's `Amount`).
        fields = {origin.get(k, k): v for k, v in _problems(exc, locale).items()}
        return {"error": t("intake.http.invalid", locale, count=len(fields)), "fields": fields}, 400
    now = leads.now()
    if update.at is not None and update.at > now + CLOCK_SKEW:
        message = t("intake.stage.future", locale)
        return {"error": message, "fields": {"at": message}}, 400
    change = StageChange(
        stage=Outcome(update.stage),
        at=update.at or now,
        amount=update.amount,
        currency=update.currency.upper() if update.currency else None,
        reason=update.reason,
        note=update.note or None,
    )
    ref: dict[str, Any] = (
        {"lead_id": update.id}
        if update.id is not None
        else {"source": update.source, "external_id": update.external_id}
    )
    try:
        result = leads.update_stage(change, actor=CRM_ACTOR, **ref)
    except (LeadNotFound, ExternalLeadNotFound) as exc:
        return {"error": exc.message(locale)}, 404
    except StageConflict as exc:
        return {"error": exc.message(locale), "stage": exc.params["status"]}, 409
    except InvalidInput as exc:
        message = exc.message(locale)
        return {"error": message, "fields": {"reason": message}}, 400
    except DomainError as exc:
        return {"error": exc.message(locale)}, 409
    except OperationalError:
        log.exception("could not store a stage update")
        return {"error": t("intake.http.unavailable", locale)}, 503
    answer: dict[str, Any] = {"id": result.lead_id, "stage": result.stage}
    if result.duplicate:
        answer["duplicate"] = True
    return answer, 200


def _problems(exc: ValidationError, locale: str) -> dict[str, str]:
    """Each field's problem; the few this body has that a lead has not, in their words."""
    problems: dict[str, str] = {}
    for item in exc.errors():
        where = ".".join(str(part) for part in item["loc"]) or "body"
        kind = item["type"]
        if kind == "value_error" and where == "body":
            problems.setdefault("id", t("intake.stage.which_lead", locale))
        elif where == "stage" and kind != "missing":
            problems.setdefault("stage", t("intake.stage.unknown_stage", locale))
        elif where == "amount":
            problems.setdefault("amount", t("intake.stage.amount", locale))
        elif where == "currency":
            problems.setdefault("currency", t("intake.stage.currency", locale))
        elif where == "at":
            problems.setdefault("at", t("intake.stage.at", locale))
        elif where == "id" and kind != "missing":
            problems.setdefault("id", t("intake.stage.id", locale))
    # The rest (missing, unknown or too long fields) in the words POST /leads uses; a
    # problem with the body as a whole is the lead reference, said above.
    for field, message in field_problems(exc, locale).items():
        if field != "body":
            problems.setdefault(field, message)
    return problems
