"""Actions in escalation DMs: reassign the lead, snooze its reminders.

"Claim it myself" and "Log first touch" in DMs use the card's `lead_claim` and
`lead_touch` action ids (in blocks `baton_escalation:<id>` / `baton_nudge:<id>`), so the
card's listeners (handlers/lead_actions.py) handle them.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot.core.errors import DomainError
from bot.slack import dm_actions
from bot.slack.payloads import channel_of
from bot.slack.render import escalation as render
from bot.slack.service import SlackService, lead_id
from handlers.modals import button_opens_modal

log = logging.getLogger(__name__)


def register(app: App, slack: SlackService) -> None:
    @app.action(render.REASSIGN_ACTION)
    def reassign(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        """The user select "Reassign to…": the new owner gets a DM, their clock starts.
        A refusal (not the owner, a manager or an escalation target; a closed lead) is a
        DomainError, answered to the clicker by the app's error handler."""
        lead_id = render.lead_id_from_block(action.get("block_id"))
        new_owner = action.get("selected_user")
        if lead_id is None or not new_owner:
            log.warning("lead_reassign without a lead or a user: %r", action.get("block_id"))
            ack()
            return
        user = body["user"]["id"]
        locale = slack.locale_for(user)
        dm_actions.reassign(slack.leads, lead_id, user, new_owner, channel_of(body), locale)
        ack()

    def snooze_modal(user: str, value: str) -> dict[str, Any]:
        lead = slack.leads.get(lead_id(value))
        return render.snooze_modal(lead, slack.locale_for(user)).to_dict()

    button_opens_modal(app, slack, render.SNOOZE_ACTION, snooze_modal)

    @app.view(render.SNOOZE_CALLBACK)
    def snooze_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        chosen = values.get(render.SNOOZE_UNTIL_BLOCK, {}).get("choice", {})
        choice = (chosen.get("selected_option") or {}).get("value")
        reason = values.get(render.SNOOZE_REASON_BLOCK, {}).get("reason", {}).get("value")
        user = body["user"]["id"]
        locale = slack.locale_for(user)
        try:
            dm_actions.snooze(
                slack.leads, lead_id(view.get("private_metadata")), user, choice, reason, locale
            )
        except DomainError as exc:
            block = (
                render.SNOOZE_REASON_BLOCK
                if exc.key == "sla.snooze.reason_required"
                else render.SNOOZE_UNTIL_BLOCK
            )
            ack(response_action="errors", errors={block: exc.message(locale)})
            return
        ack()
