"""Requests into the app as Slack sends them: exact raw bodies plus real signatures.

The demo turns each click on its page into one of these; the tests send them too.

The bodies follow the payloads Slack posts to a Bolt app (interactivity as
form-encoded ``payload=<json>``, slash commands as plain form fields, events
as JSON), so ``BoltRequest(body=..., headers=...)`` or an HTTP POST to the
app's endpoint goes through signature verification and parsing unchanged.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any, Literal
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.slack_standin.workspace import APP_ID, BOT_USER_ID, TEAM_ID

TEAM_DOMAIN = "baton-test"
# Slack still sends the legacy verification token; Bolt ignores it.
VERIFICATION_TOKEN = "legacy-verification-token"
# Nothing listens on port 9 locally, so a test that forgets to pass a stand-in
# response_url fails fast instead of reaching hooks.slack.com.
UNREACHABLE_RESPONSE_URL = "http://127.0.0.1:9/respond/unset"

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

_sequence = itertools.count(1)


def _trigger_id() -> str:
    return f"{int(time.time())}.{next(_sequence)}.0b7a1e5c9d3f2a4b6c8d0e1f2a3b4c5d"


def _action_ts() -> str:
    return f"{time.time():.6f}"


def _form_payload(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)})


def signed_headers(
    secret: str,
    body: str,
    timestamp: int | None = None,
    *,
    content_type: Literal["form", "json"] | None = None,
) -> dict[str, str]:
    """Headers Slack attaches to ``body``; content type guessed from the body unless given."""
    ts = int(time.time()) if timestamp is None else timestamp
    kind = content_type or ("json" if body.lstrip().startswith("{") else "form")
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(ts), body=body)
    if signature is None:
        raise ValueError("SignatureVerifier produced no signature")
    return {
        "content-type": JSON if kind == "json" else FORM,
        "x-slack-request-timestamp": str(ts),
        "x-slack-signature": signature,
    }


def _user(user: str, team: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team}


def block_action_body(
    action_id: str,
    value: str,
    *,
    user: str = "U0REP1",
    channel: str = "C0SALES",
    message_ts: str = "1763700000.000100",
    team: str = TEAM_ID,
    response_url: str | None = None,
    trigger_id: str | None = None,
    block_id: str = "b",
    view: dict[str, Any] | None = None,
    action: dict[str, Any] | None = None,
    message: dict[str, Any] | None = None,
) -> str:
    """A button click; with ``view`` it comes from a modal or Home tab instead of a message.
    ``action`` replaces the clicked element's part (a select's ``selected_option`` or
    ``selected_user``); ``message`` is the message clicked in, as Slack holds it."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user, team),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or _trigger_id(),
        "team": {"id": team, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "type": "button",
                "text": {"type": "plain_text", "text": value[:75] or "button", "emoji": True},
                "action_ts": _action_ts(),
            }
        ],
    }
    if action is not None:
        payload["actions"] = [{"block_id": block_id, "action_ts": _action_ts(), **action}]
    if view is not None:
        # Actions inside views carry the view itself and no channel or message.
        payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
        payload["view"] = view
        payload["state"] = view.get("state", {"values": {}})
        if response_url is not None:
            payload["response_url"] = response_url
        return _form_payload(payload)
    payload["container"] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": False,
    }
    payload["channel"] = {"id": channel, "name": channel.lower()}
    payload["message"] = message or {
        "type": "message",
        "ts": message_ts,
        "user": BOT_USER_ID,
        "bot_id": "BBATON",
        "team": team,
        "text": "",
    }
    payload["state"] = {"values": {}}
    payload["response_url"] = response_url or UNREACHABLE_RESPONSE_URL
    return _form_payload(payload)


def slash_command_body(
    command: str,
    text: str = "",
    *,
    user: str = "U0REP1",
    channel: str = "C0SALES",
    response_url: str | None = None,
    trigger_id: str | None = None,
    team: str = TEAM_ID,
) -> str:
    return urlencode(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url or UNREACHABLE_RESPONSE_URL,
            "trigger_id": trigger_id or _trigger_id(),
        }
    )


def view_submission_body(
    callback_id: str,
    state_values: dict[str, dict[str, dict[str, Any]]],
    *,
    user: str = "U0REP1",
    private_metadata: str = "",
    view_id: str = "V1",
    team: str = TEAM_ID,
    trigger_id: str | None = None,
    view: dict[str, Any] | None = None,
) -> str:
    """A modal submitted; ``state_values`` is Slack's ``{block_id: {action_id: {...}}}``.
    ``view``: the modal as Slack holds it (its blocks, title and ids), when known."""
    payload: dict[str, Any] = {
        "type": "view_submission",
        "team": {"id": team, "domain": TEAM_DOMAIN},
        "user": _user(user, team),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or _trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state_values},
            "hash": f"{int(time.time())}.{view_id}",
            "title": {"type": "plain_text", "text": "Baton", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "external_id": "",
            "app_installed_team_id": team,
            "bot_id": "BBATON",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    if view is not None:
        payload["view"] = {**payload["view"], **view, "state": {"values": state_values}}
    return _form_payload(payload)


def event_body(event: dict[str, Any], *, event_id: str | None = None, team: str = TEAM_ID) -> str:
    """An Events API ``event_callback`` envelope around ``event``."""
    now = int(time.time())
    inner = {"event_ts": f"{now}.000100", **event}
    return json.dumps(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team,
            "api_app_id": APP_ID,
            "event": inner,
            "type": "event_callback",
            "event_id": event_id or f"Ev{now}{next(_sequence):06d}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{next(_sequence)}",
        },
        ensure_ascii=False,
    )


def app_home_opened_body(user: str, *, tab: str = "home", team: str = TEAM_ID) -> str:
    # The channel is the bot's DM with the user, named as SlackStandIn names DMs.
    return event_body(
        {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": tab}, team=team
    )


def shortcut_body(
    callback_id: str,
    *,
    user: str = "U0REP1",
    trigger_id: str | None = None,
    team: str = TEAM_ID,
) -> str:
    """A global shortcut (from the lightning menu or search), not a message shortcut."""
    payload = {
        "type": "shortcut",
        "token": VERIFICATION_TOKEN,
        "action_ts": _action_ts(),
        "team": {"id": team, "domain": TEAM_DOMAIN},
        "user": _user(user, team),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or _trigger_id(),
    }
    return _form_payload(payload)
