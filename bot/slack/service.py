"""What Slack listeners ask of Baton: one call per interaction, no Slack SDK calls inside.

Listeners in `handlers/` pass the payload's ids and text here; this module runs the
lead lifecycle, reads reports, renders the answer and queues what Slack must be told
afterwards (through the outbox, so delivery sends it once the request is acknowledged).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import AlreadyClaimed, DomainError, InvalidInput, InvalidTransition, NotAllowed
from bot.core.i18n import t
from bot.core.policy import Policy
from bot.leads.lifecycle import LeadService
from bot.leads.reports import QueryKind, Reports, parse_status_query
from bot.leads.states import ALLOWED, DISQUALIFY_REASONS, Action, Outcome
from bot.slack.ids import BlockId, InputId
from bot.slack.render import Message
from bot.slack.render.outcome import NOTE_MAX, message_modal, outcome_modal
from bot.slack.render.status import (
    empty_message,
    help_message,
    history_message,
    list_message,
    overdue_message,
    summary_message,
)
from bot.slack.render.text import ago, one_line, who
from bot.slack.senders import open_view
from bot.store import outbox
from bot.store.database import Database
from bot.store.outbox import Intent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutcomeForm:
    """The values of a submitted outcome modal, as Slack sent them."""

    lead: str
    outcome: str | None
    reason: str | None
    note: str | None


@dataclass(frozen=True)
class Explained:
    """What to tell a user about an error, and the id logged with an unexpected one."""

    text: str
    error_id: str | None = None


class SlackService:
    """Built once per process by the wiring (bot.slack_app) from what the runtime holds."""

    def __init__(self, db: Database, policy: Policy, leads: LeadService, client: WebClient) -> None:
        self.db = db
        self.policy = policy
        self.leads = leads
        self.client = client  # for the calls that cannot wait in the outbox (views.open)
        self.reports = Reports(db, policy, clock=leads.now)

    @property
    def locale(self) -> str:
        return self.policy.locale

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.policy.timezone)

    # --- card buttons -------------------------------------------------------------------

    def claim(self, value: str, user_id: str) -> None:
        """The first click wins (one compare-and-set); the card update is already queued."""
        self.leads.claim(lead_id(value), user_id)

    def log_first_touch(self, value: str, user_id: str) -> None:
        self.leads.log_first_touch(lead_id(value), user_id)

    def release(self, value: str, user_id: str) -> None:
        self.leads.release(lead_id(value), user_id)

    def outcome_modal_for(self, value: str, user_id: str) -> dict[str, Any]:
        """The outcome modal, if this user may set the lead's outcome now (else a DomainError)."""
        lead = self.leads.get(lead_id(value))
        if lead.lead_status not in ALLOWED[Action.OUTCOME]:
            raise InvalidTransition(lead.id, lead.status, Action.OUTCOME)
        if user_id != lead.owner_id and not self.policy.is_manager(user_id):
            raise NotAllowed("error.outcome_forbidden", lead_id=lead.id)
        return outcome_modal(lead, locale=self.locale, tz=self.tz)

    def open_modal(
        self, trigger_id: str, view: dict[str, Any], user_id: str, channel: str | None
    ) -> None:
        """Open a modal right after the ack; if Slack refuses, tell the user to click again."""
        try:
            open_view(self.client, trigger_id, view)
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))
            self.tell(user_id, channel, t("slack.modal_failed", self.locale))

    def submit_outcome(self, user_id: str, form: OutcomeForm) -> dict[str, str] | None:
        """Save the outcome; or the modal's field errors (block id -> message), saving nothing."""
        loc = self.locale
        errors: dict[str, str] = {}
        note = (form.note or "").strip() or None
        if form.outcome not in {o.value for o in Outcome}:
            errors[BlockId.OUTCOME_KIND] = t("outcome.error.choose", loc)
        elif form.outcome == Outcome.DISQUALIFIED:
            if not form.reason:
                errors[BlockId.OUTCOME_REASON] = t("outcome.error.reason_required", loc)
            elif form.reason not in DISQUALIFY_REASONS:
                errors[BlockId.OUTCOME_REASON] = t("outcome.error.reason_unknown", loc)
            elif form.reason == "other" and not note:
                errors[BlockId.OUTCOME_NOTE] = t("outcome.error.note_for_other", loc)
        elif form.outcome == Outcome.RETURNED and not note:
            errors[BlockId.OUTCOME_NOTE] = t("outcome.error.note_for_return", loc)
        if note and len(note) > NOTE_MAX:
            errors[BlockId.OUTCOME_NOTE] = t("outcome.error.note_too_long", loc, limit=NOTE_MAX)
        if errors:
            return errors
        assert form.outcome is not None
        reason = form.reason if form.outcome == Outcome.DISQUALIFIED else None
        try:
            self.leads.set_outcome(
                lead_id(form.lead), user_id, form.outcome, reason=reason, note=note
            )
        except DomainError as exc:  # the lead moved on while the modal was open
            return {BlockId.OUTCOME_KIND: exc.message(loc)}
        return None

    # --- /lead-status and App Home --------------------------------------------------------

    def lead_status(self, user_id: str, text: str) -> Message:
        query = parse_status_query(text)
        loc, tz = self.locale, self.tz
        if query.kind is QueryKind.SUMMARY:
            return summary_message(self.reports.summary(), locale=loc, tz=tz)
        if query.kind is QueryKind.HELP:
            return help_message(locale=loc)
        if query.kind is QueryKind.MINE:
            leads = self.reports.open_leads_of(user_id)
            if not leads:
                return empty_message("report.mine_empty", locale=loc)
            return list_message(t("report.mine_title", loc, n=len(leads)), leads, locale=loc, tz=tz)
        if query.kind is QueryKind.OVERDUE:
            return overdue_message(self.reports.overdue(), locale=loc, tz=tz)
        if query.kind is QueryKind.LEAD:
            assert isinstance(query.value, int)
            history = self.reports.history(query.value)
            if history is None:
                return help_message(locale=loc, not_found=f"#{query.value}")
            return history_message(history, locale=loc, tz=tz)
        assert isinstance(query.value, str)
        if query.kind is QueryKind.EMAIL:
            leads = self.reports.by_email(query.value)
        else:
            leads = self.reports.by_company(query.value)
        if not leads:
            return help_message(locale=loc, not_found=query.value)
        if len(leads) == 1:
            history = self.reports.history(leads[0].id)
            if history is not None:
                return history_message(history, locale=loc, tz=tz)
        title = t("report.matches_title", loc, query=one_line(query.value, 200), n=len(leads))
        return list_message(title, leads, locale=loc, tz=tz)

    def home_opened(self, user_id: str) -> None:
        """Queue a fresh App Home for the user (rendered when it is sent)."""
        with self.db.transaction() as session:
            outbox.queue(
                session, outbox.message(Intent.HOME_PUBLISH, self.leads.now(), user=user_id)
            )

    # --- telling users --------------------------------------------------------------------

    def tell(self, user_id: str, channel: str | None, text: str) -> None:
        """Queue a note only `user_id` sees (ephemeral in `channel`, else a DM)."""
        # This note answers every click that lost a claim race: in a race of fifty, one
        # write transaction for the notes of all the clicks waiting, not one each.
        note = outbox.message(
            Intent.EPHEMERAL, self.leads.now(), user=user_id, channel=channel, text=text
        )
        self.db.together(lambda session: outbox.queue(session, note, at_commit=True))

    def unknown_action(self, user_id: str, channel: str | None) -> None:
        self.tell(user_id, channel, t("slack.unknown_action", self.locale))

    def explain(self, error: Exception) -> Explained:
        """The user's words for an error. Anything not a DomainError is logged with an id."""
        loc = self.locale
        if isinstance(error, AlreadyClaimed):
            when = ago(error.claimed_at, self.leads.now(), loc) if error.claimed_at else ""
            text = t(
                "slack.already_claimed",
                loc,
                lead_id=error.params["lead_id"],
                owner=who(error.owner_id, loc),
                ago=when,
            )
            return Explained(text)
        if isinstance(error, DomainError):
            return Explained(error.message(loc))
        error_id = uuid.uuid4().hex[:8]
        return Explained(t("slack.unexpected", loc, error_id=error_id), error_id)

    def error_modal(self, explained: Explained) -> dict[str, Any]:
        return message_modal(t("outcome.title", self.locale), explained.text)


def lead_id(value: str | None) -> int:
    """A button's or modal's lead id; a value Baton did not write is refused plainly."""
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 12:
        raise InvalidInput("slack.bad_lead_value", value=one_line(text, 40))
    return int(text)


def outcome_form(
    private_metadata: str, values: dict[str, dict[str, dict[str, Any]]]
) -> OutcomeForm:
    """Read the outcome modal's state values (block id -> action id -> value)."""

    def picked(block: str, action: str) -> str | None:
        element = values.get(block, {}).get(action) or {}
        option = element.get("selected_option") or {}
        return option.get("value")

    note = values.get(BlockId.OUTCOME_NOTE, {}).get(InputId.OUTCOME_NOTE, {}).get("value")
    return OutcomeForm(
        lead=private_metadata,
        outcome=picked(BlockId.OUTCOME_KIND, InputId.OUTCOME_KIND),
        reason=picked(BlockId.OUTCOME_REASON, InputId.OUTCOME_REASON),
        note=note,
    )
