"""Actions in escalation DMs: reassign the lead, snooze its reminders.

"Claim it myself" and "Log first touch" in DMs use the card's `lead_claim` and
`lead_touch` action ids (in blocks `baton_escalation:<id>` / `baton_nudge:<id>`), so the
card's listeners (handlers/lead_actions.py) handle them.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.core.errors import DomainError
from bot.slack import dm_actions
from bot.slack.payloads import channel_of
from bot.slack.render import escalation as render
from bot.slack.service import SlackService, lead_id

log = logging.getLogger(__name__)
SNOOZE_VIEW = "baton_snooze_view"  # context key: the modal the ack step approved


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

    def approve_snooze(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        # Read before the ack, so a value that is not a lead's is told at once; the
        # trigger id expires 3 s after the click, so the modal opens straight after the
        # ack (a lazy listener), not through the outbox.
        lead = slack.leads.get(lead_id(action.get("value")))
        context[SNOOZE_VIEW] = render.snooze_modal(
            lead, slack.locale_for(body["user"]["id"])
        ).to_dict()
        ack()

    def open_snooze_modal(body: dict[str, Any], context: BoltContext) -> None:
        view = context.get(SNOOZE_VIEW)
        if view:
            slack.open_modal(body["trigger_id"], view, body["user"]["id"], channel_of(body))

    app.action(render.SNOOZE_ACTION)(ack=approve_snooze, lazy=[open_snooze_modal])

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
