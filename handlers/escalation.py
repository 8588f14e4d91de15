"""Actions in escalation DMs: reassign the lead, snooze its reminders.

"Claim it myself" and "Log first touch" in DMs use the card's `lead_claim` and
`lead_touch` action ids (in blocks `baton_escalation:<id>` / `baton_nudge:<id>`), so the
card's listeners (handlers/lead_actions.py) handle them.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.errors import DomainError
from bot.slack import dm_actions
from bot.slack.render import escalation as render
from bot.slack.senders import open_view
from bot.slack.service import SlackService
from handlers.lead_actions import channel_of

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

    def ack_snooze(ack: Ack) -> None:
        ack()

    def open_snooze_modal(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        # The trigger id expires 3 s after the click, so the modal opens straight from here
        # (a lazy listener: after the ack, on Bolt's thread), not through the outbox.
        lead = slack.leads.get(int(action["value"]))
        view = render.snooze_modal(lead, slack.locale_for(body["user"]["id"])).to_dict()
        open_view(client, body["trigger_id"], view)

    app.action(render.SNOOZE_ACTION)(ack=ack_snooze, lazy=[open_snooze_modal])

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
                slack.leads, int(view["private_metadata"]), user, choice, reason, locale
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
