"""Typed domain errors. Each carries a catalog key, so Slack shows it in the user's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.i18n import t


class DomainError(Exception):
    """A request that cannot be done as asked; its message is meant for the person who asked."""

    key = "error.generic"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.message("en"))

    def message(self, locale: str) -> str:
        return t(self.key, locale, **self._rendered_params(locale))

    def _rendered_params(self, locale: str) -> dict[str, Any]:
        return self.params


class LeadNotFound(DomainError):
    key = "error.lead_not_found"

    def __init__(self, lead_id: int) -> None:
        super().__init__(lead_id=lead_id)


class ExternalLeadNotFound(DomainError):
    """No lead came from `source` with the CRM's id `external_id`."""

    key = "error.external_lead_not_found"

    def __init__(self, source: str, external_id: str) -> None:
        super().__init__(source=source, external_id=external_id)


class AlreadyClaimed(DomainError):
    key = "error.already_claimed"

    def __init__(self, lead_id: int, owner_id: str, claimed_at: datetime | None) -> None:
        self.owner_id = owner_id
        self.claimed_at = claimed_at
        super().__init__(lead_id=lead_id, owner_id=owner_id)


class NotAllowed(DomainError):
    """The person is not allowed to do this (their role, or not the owner)."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        super().__init__(**params)


class InvalidTransition(DomainError):
    """The lead's state does not allow this action (a closed lead cannot be claimed...)."""

    key = "error.invalid_transition"

    def __init__(self, lead_id: int, status: str, action: str) -> None:
        super().__init__(lead_id=lead_id, status=status, action=action)

    def _rendered_params(self, locale: str) -> dict[str, Any]:
        return {
            "lead_id": self.params["lead_id"],
            "status": t(f"status.{self.params['status']}", locale),
            "action": t(f"action.{self.params['action']}", locale),
        }


class InvalidInput(DomainError):
    """A value given with the request is wrong (a missing or unknown reason code...)."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        super().__init__(**params)


class StageConflict(DomainError):
    """A stage update that would move a lead backwards, or on from a final stage."""

    def __init__(self, key: str, *, lead_id: int, status: str, stage: str | None = None) -> None:
        self.key = key
        super().__init__(lead_id=lead_id, status=status, stage=stage or "")

    def _rendered_params(self, locale: str) -> dict[str, Any]:
        stage = self.params["stage"]
        return {
            "lead_id": self.params["lead_id"],
            "status": t(f"status.{self.params['status']}", locale),
            "stage": t(f"status.{stage}", locale) if stage else "",
        }
