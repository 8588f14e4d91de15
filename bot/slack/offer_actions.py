"""What the buttons of an offer do (the DM and App Home): Accept, and Pass… with its
modal. Each answer is a compare-and-set in bot.leads.offers; a refusal is an OfferGone,
told to the clicker by the app's error handler."""

from __future__ import annotations

from typing import Any

from bot.core.errors import DomainError
from bot.core.i18n import t
from bot.leads.offers import offer_for
from bot.slack.ids import BlockId, InputId
from bot.slack.render.offer import pass_modal
from bot.slack.render.text import slack_date
from bot.slack.service import SlackService, lead_id


class OfferActions:
    def __init__(self, slack: SlackService) -> None:
        self.slack = slack

    def accept(self, value: str, user: str, channel: str | None) -> None:
        lead = self.slack.leads.accept_offer(lead_id(value), user)
        locale = self.slack.locale_for(user)
        due = lead.first_touch_due_at
        deadline = slack_date(due, self.slack.tz, locale=locale) if due else "—"
        self.slack.tell(
            user, channel, t("offer.accepted", locale, lead_id=lead.id, deadline=deadline)
        )

    def pass_modal_for(self, value: str, user: str) -> dict[str, Any]:
        """The Pass modal, if the lead is offered to `user` now (else an OfferGone)."""
        lead = self.slack.leads.get(lead_id(value))
        with self.slack.db.read() as session:
            offer_for(session, lead, user)
        return pass_modal(lead, self.slack.locale_for(user)).to_dict()

    def submit_pass(
        self, user: str, metadata: str, values: dict[str, Any]
    ) -> dict[str, str] | None:
        """Pass the lead on; or the modal's error (block id → message), changing nothing."""
        locale = self.slack.locale_for(user)
        reason = (
            (values.get(BlockId.PASS_REASON, {}).get(InputId.PASS_REASON) or {}).get(
                "selected_option"
            )
            or {}
        ).get("value")
        note = (values.get(BlockId.PASS_NOTE, {}).get(InputId.PASS_NOTE) or {}).get("value")
        note = note.strip() if isinstance(note, str) and note.strip() else None
        try:
            lead = self.slack.leads.pass_offer(lead_id(metadata), user, reason=reason, note=note)
        except DomainError as exc:
            return {BlockId.PASS_REASON: exc.message(locale)}
        self.slack.tell(user, None, t("offer.passed", locale, lead_id=lead.id))
        return None
