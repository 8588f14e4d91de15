"""What Slack sends with an interaction, read in one place: who sent it, from where, and
whether its shape is one Baton can act on. Every listener and the error handler read
the sender and the channel here, so a payload of another shape is answered plainly
instead of failing somewhere inside (`"user"` as a string, `"actions": []`, a modal
without its `state`)."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import Any

_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
# The interaction payloads Slack sends an app like Baton (and Bolt dispatches).
INTERACTIONS = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
    }
)


class Unreadable(enum.StrEnum):
    CLICK = "click"  # block_actions without a usable action
    VIEW = "view"  # view_submission without a usable view


def user_of(body: Mapping[str, Any] | Any) -> str | None:
    """The Slack user id of whoever sent `body` (an interaction's `user.id`, a command's
    `user_id`); None when the body does not name one the way Slack does."""
    if not isinstance(body, Mapping):
        return None
    user = body.get("user")
    found = user.get("id") if isinstance(user, Mapping) else body.get("user_id")
    return found if isinstance(found, str) and _USER.match(found) else None


def channel_of(body: Mapping[str, Any] | Any) -> str | None:
    """The channel an interaction came from; None for a Home tab, a modal, or a body
    without one."""
    if not isinstance(body, Mapping):
        return None
    for holder, key in (("channel", "id"), ("container", "channel_id")):
        part = body.get(holder)
        value = part.get(key) if isinstance(part, Mapping) else None
        if isinstance(value, str) and value:
            return value
    return None


def unreadable(payload: Mapping[str, Any]) -> Unreadable | None:
    """Whether an interaction lacks what its listener reads: a click's action (with a
    string action_id and value), a submitted modal's callback_id, private_metadata and
    state.values."""
    kind = payload.get("type")
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions:
            return Unreadable.CLICK
        for action in actions:
            if not isinstance(action, Mapping) or not isinstance(action.get("action_id"), str):
                return Unreadable.CLICK
            if not isinstance(action.get("value", ""), str | None):
                return Unreadable.CLICK
    elif kind == "view_submission":
        view = payload.get("view")
        state = view.get("state") if isinstance(view, Mapping) else None
        if (
            not isinstance(view, Mapping)
            or not isinstance(view.get("callback_id"), str)
            or not isinstance(view.get("private_metadata", ""), str)
            or not isinstance(state, Mapping)
            or not isinstance(state.get("values"), Mapping)
        ):
            return Unreadable.VIEW
    return None
