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
from bot.intake.manual import handoff_again
from bot.leads.funnel_cache import ReportCache
from bot.leads.funnel_report import period_of
from bot.leads.lifecycle import LeadService
from bot.leads.privacy import unconfirmed
from bot.leads.reports import Reports
from bot.leads.states import ALLOWED, Action
from bot.slack.contacts import reports_for
from bot.slack.ids import BlockId
from bot.slack.outcome_form import OutcomeForm, check_outcome_form
from bot.slack.render import Message, with_note
from bot.slack.render.funnel_report import report_message
from bot.slack.render.lead_lists import campaign_message, returned_message
from bot.slack.render.outcome import NOTE_MAX, message_modal, outcome_modal
from bot.slack.render.status import (
    empty_message,
    help_message,
    history_message,
    list_message,
    notice_message,
    overdue_message,
    summary_message,
)
from bot.slack.render.text import ago, one_line, slack_date, who
from bot.slack.senders import open_view
from bot.slack.status_query import AUTO, QueryKind, ReportQuery, StatusQuery, parse_status_query
from bot.slack.team_service import TEAM_QUERIES, TeamService
from bot.store import outbox, people
from bot.store.database import Database
from bot.store.outbox import Intent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Explained:
    """What to tell a user about an error (in their language), and the id logged with an
    unexpected one."""

    text: str
    locale: str
    error_id: str | None = None


class SlackService:
    """Built once per process by the wiring (bot.slack_app) from what the runtime holds."""

    def __init__(self, db: Database, policy: Policy, leads: LeadService, client: WebClient) -> None:
        self.db = db
        self.policy = policy
        self.leads = leads
        self.client = client  # for the calls that cannot wait in the outbox (views.open)
        self.reports = Reports(db, policy, clock=leads.now)
        self.report_cache = ReportCache(db, policy, clock=leads.now)
        # /lead-status away, back and pool, and App Home's away controls
        self.team = TeamService(db, policy, clock=leads.now, locale_for=self.locale_for)

    def locale_for(self, user_id: str | None) -> str:
        """The language to answer `user_id` in: their choice, else their Slack language,
        else the policy's (bot.store.people). When Slack has not been asked about them
        for a day, a look-up is queued: nothing here waits for Slack."""
        return self._reader(user_id).locale if user_id else self.policy.locale

    def _reader(self, user_id: str) -> people.Reader:
        now = self.leads.now()
        reader = people.reader(self.db, user_id, self.policy.locale, now)
        if reader.should_ask:
            self.db.together(lambda session: people.ask(session, user_id, now))
        return reader

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
        locale = self.locale_for(user_id)
        return outcome_modal(lead, locale=locale, tz=self.tz, currency=self.policy.currency)

    def handoff_again_modal(self, value: str, user_id: str) -> dict[str, Any]:
        """The /handoff modal filled in with a returned lead (a "Hand off again" click), if
        this user may hand off (else a DomainError)."""
        return handoff_again(self.leads, user_id, self.locale_for(user_id), lead_id(value))

    def open_modal(
        self, trigger_id: str, view: dict[str, Any], user_id: str, channel: str | None
    ) -> None:
        """Open a modal right after the ack; if Slack refuses, tell the user to click again."""
        try:
            open_view(self.client, trigger_id, view)
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))
            self.tell(user_id, channel, t("slack.modal_failed", self.locale_for(user_id)))

    def submit_outcome(self, user_id: str, form: OutcomeForm) -> dict[str, str] | None:
        """Save the outcome; or the modal's field errors (block id -> message), saving nothing."""
        loc = self.locale_for(user_id)
        checked = check_outcome_form(form)
        if checked.errors:
            return {block: t(key, loc, limit=NOTE_MAX) for block, key in checked.errors.items()}
        assert form.outcome is not None
        try:
            self.leads.set_outcome(
                lead_id(form.lead),
                user_id,
                form.outcome,
                reason=checked.reason,
                note=checked.note,
                amount=checked.amount,
                currency=self.policy.currency if checked.amount is not None else None,
            )
        except DomainError as exc:  # the lead moved on while the modal was open
            return {BlockId.OUTCOME_KIND: exc.message(loc)}
        return None

    # --- /lead-status and App Home --------------------------------------------------------

    def lead_status(self, user_id: str, text: str) -> Message:
        query = parse_status_query(text)
        if query.kind is QueryKind.LANGUAGE:
            return self._language(user_id, str(query.value))
        if query.kind is QueryKind.REPORT and query.report is not None:
            return self._report(user_id, query.report)
        if query.kind in TEAM_QUERIES:
            return self.team.answer(user_id, query)
        reader = self._reader(user_id)
        answer = self._leads_answer(user_id, query, reader)
        if query.kind is not QueryKind.HELP and unconfirmed(self.policy, reader.guest):
            # Slack has not yet said whether they are a guest: asked (`_reader`), answered
            # within seconds; until then the leads come without the people.
            return with_note(answer, t("report.contacts_unconfirmed", reader.locale))
        return answer

    def _leads_answer(self, user_id: str, query: StatusQuery, reader: people.Reader) -> Message:
        loc, tz = reader.locale, self.tz
        # without contact details for some (bot.slack.contacts)
        reports = reports_for(self.reports, self.policy, user_id, reader.guest)
        if query.kind is QueryKind.SUMMARY:
            return summary_message(reports.summary(), locale=loc, tz=tz)
        if query.kind is QueryKind.HELP:
            return help_message(locale=loc)
        if query.kind is QueryKind.MINE:
            leads = reports.open_leads_of(user_id)
            if not leads:
                return empty_message("report.mine_empty", locale=loc)
            return list_message(t("report.mine_title", loc, n=len(leads)), leads, locale=loc, tz=tz)
        if query.kind is QueryKind.OVERDUE:
            return overdue_message(reports.overdue(), locale=loc, tz=tz)
        if query.kind is QueryKind.RETURNED:
            return returned_message(reports.returned(), locale=loc, tz=tz)
        if query.kind is QueryKind.CAMPAIGN:
            assert isinstance(query.value, str)
            found = reports.by_campaign(query.value)
            return campaign_message(found, query.value, locale=loc, tz=tz)
        if query.kind is QueryKind.LEAD:
            assert isinstance(query.value, int)
            history = reports.history(query.value)
            if history is None:
                return help_message(locale=loc, not_found=f"#{query.value}")
            return history_message(history, locale=loc, tz=tz)
        assert isinstance(query.value, str)
        if query.kind is QueryKind.EMAIL:
            leads = reports.by_email(query.value)
        else:
            leads = reports.by_company(query.value)
        if not leads:
            return help_message(locale=loc, not_found=query.value)
        if len(leads) == 1:
            history = reports.history(leads[0].id)
            if history is not None:
                return history_message(history, locale=loc, tz=tz)
        title = t("report.matches_title", loc, query=one_line(query.value, 200), n=len(leads))
        return list_message(title, leads, locale=loc, tz=tz)

    def _report(self, user_id: str, asked: ReportQuery) -> Message:
        """`/lead-status report …`: the funnel report, in the ack like every answer."""
        loc = self.locale_for(user_id)
        if asked.unknown is not None:
            unknown = t("report.funnel.unknown", loc, word=one_line(asked.unknown, 40))
            return notice_message(unknown, t("report.funnel.usage", loc))
        now = self.leads.now()
        period = period_of(asked.period, now, self.tz)
        answer = self.report_cache.report(period, asked.by)
        queued = []
        if answer is None:
            # Many leads and no snapshot yet: prepared off the acknowledgement path and
            # sent as a DM (bot/slack/report_senders.py); from then on kept ready.
            queued.append(
                outbox.message(Intent.REPORT, now, to=user_id, period=asked.period, by=asked.by)
            )
        if asked.chart:
            # Drawn and uploaded by delivery (a second of work and three Slack calls): the
            # acknowledgement cannot wait for it.
            queued.append(
                outbox.message(Intent.CHART, now, to=user_id, period=asked.period, by=asked.by)
            )
        if queued:
            self.db.together(lambda session: outbox.queue(session, *queued, at_commit=True))
        notes = [t("report.funnel.chart_coming", loc)] if asked.chart else []
        if answer is None:
            return notice_message(t("report.funnel.preparing", loc), *notes)
        if answer.as_of is not None:
            as_of = slack_date(answer.as_of, self.tz, locale=loc, now=now)
            notes.insert(0, t("report.funnel.as_of", loc, at=as_of))
        note = "\n".join(notes) or None
        return report_message(answer.report, locale=loc, tz=self.tz, note=note)

    def _language(self, user_id: str, wanted: str) -> Message:
        """`/lead-status lang [ja|en|auto]`: set, or show, the language Baton writes to
        `user_id` in (answered in that language)."""
        changed = wanted in ("ja", "en", AUTO)
        if changed:
            with self.db.transaction() as session:
                people.choose(session, user_id, people.chosen(wanted))
                # The Home tab, if they have one, is redrawn in the new language.
                home = outbox.message(Intent.HOME_PUBLISH, self.leads.now(), user=user_id)
                outbox.queue(session, home)
        reader = self._reader(user_id)
        loc = reader.locale
        language = t(f"lang.name.{loc}", loc)
        if changed:
            return notice_message(
                t("lang.auto" if wanted == AUTO else "lang.set", loc, language=language)
            )
        if wanted:
            first = t("lang.unknown", loc, given=one_line(wanted, 40))
        else:
            first = t(f"lang.from_{reader.source}", loc, language=language)
        return notice_message(first, t("lang.how", loc))

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
        self.tell(user_id, channel, t("slack.unknown_action", self.locale_for(user_id)))

    def unreadable_click(self, user_id: str, channel: str | None) -> None:
        self.tell(user_id, channel, t("slack.unreadable_click", self.locale_for(user_id)))

    def unreadable_view(self, user_id: str) -> dict[str, Any]:
        loc = self.locale_for(user_id)
        return message_modal(t("slack.modal_error_title", loc), t("slack.unreadable_view", loc))

    def explain(self, error: Exception, user_id: str | None) -> Explained:
        """`user_id`'s words for an error. Anything not a DomainError is logged with an id."""
        try:
            loc = self.locale_for(user_id)
        except Exception:  # the database is down too: the policy's language will do
            log.warning("could not look up the language of %s", user_id, exc_info=True)
            loc = self.policy.locale
        if isinstance(error, AlreadyClaimed):
            when = ago(error.claimed_at, self.leads.now(), loc) if error.claimed_at else ""
            text = t(
                "slack.already_claimed",
                loc,
                lead_id=error.params["lead_id"],
                owner=who(error.owner_id, loc),
                ago=when,
            )
            return Explained(text, loc)
        if isinstance(error, DomainError):
            return Explained(error.message(loc), loc)
        error_id = uuid.uuid4().hex[:8]
        return Explained(t("slack.unexpected", loc, error_id=error_id), loc, error_id)

    def error_modal(self, explained: Explained) -> dict[str, Any]:
        return message_modal(t("slack.modal_error_title", explained.locale), explained.text)


def lead_id(value: str | None) -> int:
    """A button's or modal's lead id; a value Baton did not write is refused plainly."""
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 12:
        raise InvalidInput("slack.bad_lead_value", value=one_line(text, 40))
    return int(text)
