"""Every Slack identifier Baton uses: actions, views, blocks, commands, events.

The action IDs of lead buttons are part of the external contract (docs/architecture.md,
"The external contract in code"): cards already posted keep their buttons, so these
values never change.
"""

from __future__ import annotations

import enum


class ActionId(enum.StrEnum):
    """Buttons on lead cards and DMs; each button's value is the lead id."""

    CLAIM = "lead_claim"
    TOUCH = "lead_touch"
    RELEASE = "lead_release"
    OUTCOME = "lead_outcome"
    REASSIGN = "lead_reassign"
    SNOOZE = "lead_snooze"
    # A link to the lead's CRM record (a `url` button): Slack still sends
    # block_actions for it, which is acknowledged and does nothing else.
    OPEN_CRM = "lead_open_crm"
    # On the DM telling marketing a lead was returned: the /handoff modal, filled in
    # with the returned lead, to hand it off again as a new lead.
    HANDOFF_AGAIN = "lead_handoff_again"
    # On the DM offering a lead to one rep (and in their App Home): take it, or pass it on
    # (Pass opens a modal for an optional reason).
    ACCEPT = "lead_accept"
    PASS = "lead_pass"


class HomeActionId(enum.StrEnum):
    """Controls of the App Home tab that are not about one lead."""

    AWAY_UNTIL = "home_away_until"  # a date picker: away through that date
    AWAY = "home_away"  # "Away until further notice" (or until the date picked)
    BACK = "home_back"


class ViewId(enum.StrEnum):
    """callback_id of modals."""

    OUTCOME = "lead_outcome_modal"
    PASS = "lead_pass_modal"  # private_metadata: the lead id


class BlockId(enum.StrEnum):
    CARD_ACTIONS = "lead_actions"
    CARD_LINKS = "lead_links"  # the card's link to the CRM record
    # input blocks of the outcome modal (the keys of its response_action errors)
    OUTCOME_KIND = "outcome_kind"
    OUTCOME_REASON = "outcome_reason"
    OUTCOME_NOTE = "outcome_note"
    OUTCOME_AMOUNT = "outcome_amount"
    PASS_REASON = "pass_reason"
    PASS_NOTE = "pass_note"
    HOME_AWAY = "home_away"


class InputId(enum.StrEnum):
    """action_id of inputs inside modals."""

    OUTCOME_KIND = "outcome_kind_select"
    OUTCOME_REASON = "outcome_reason_select"
    OUTCOME_NOTE = "outcome_note_text"
    OUTCOME_AMOUNT = "outcome_amount_number"
    PASS_REASON = "pass_reason_select"
    PASS_NOTE = "pass_note_text"


class Command(enum.StrEnum):
    LEAD_STATUS = "/lead-status"


class Event(enum.StrEnum):
    APP_HOME_OPENED = "app_home_opened"
