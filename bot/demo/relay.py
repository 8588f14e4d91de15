"""What a person does on the demo page, made into what Slack would send Baton.

Each click, modal submission and slash command becomes the request Slack itself would
post to `/slack/events`: the same payload shape (bot.slack_standin.requests), a real
signature, over HTTP to the running Baton. What Baton answers in the request's own
response (a modal's field errors, a slash command's reply) is applied here the way
Slack applies it; everything else Baton says comes back through the stand-in's Web API.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from bot.slack_standin import requests as slack_requests
from bot.slack_standin.server import SlackStandIn
from bot.slack_standin.workspace import Workspace, dm_for

TIMEOUT_SECONDS = 10.0


class RelayError(Exception):
    """A request the page made that cannot be relayed; the message says why."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


class Relay:
    def __init__(self, standin: SlackStandIn, base_url: str, signing_secret: str) -> None:
        self.standin = standin
        self.events_url = f"{base_url}/slack/events"
        self.signing_secret = signing_secret

    # --- what the page does ----------------------------------------------------------

    def action(
        self,
        user: str,
        action: dict[str, Any],
        *,
        conversation: str | None = None,
        message_ts: str | None = None,
        view_id: str | None = None,
    ) -> Answer:
        """A click on an interactive element of a message, or of a modal or Home view."""
        view = self._view(user, view_id) if view_id else None
        message = None if view else self._message(user, conversation, message_ts)
        channel = conversation or dm_for(user)
        body = slack_requests.block_action_body(
            str(action.get("action_id", "")),
            str(action.get("value", "")),
            user=user,
            channel=channel,
            message_ts=message_ts or "",
            response_url=self.standin.person_response_url(user, channel),
            trigger_id=self.standin.issue_trigger(user),
            block_id=str(action.get("block_id", "")),
            view=view,
            action=_element(action),
            message=message,
        )
        return self._post(body)

    def submit(self, user: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """The modal's submit button: {"ok": true} or {"ok": false, "errors": {...}}."""
        view = self._view(user, view_id)
        body = slack_requests.view_submission_body(
            str(view.get("callback_id", "")),
            values,
            user=user,
            private_metadata=str(view.get("private_metadata", "")),
            view_id=view_id,
            trigger_id=self.standin.issue_trigger(user),
            view=view,
        )
        answer = self._post(body)
        reply = answer.body
        what = reply.get("response_action")
        if what == "errors":
            return {"ok": False, "errors": reply.get("errors") or {}}
        with self.standin.locked() as workspace:
            _apply_submission(workspace, user, view_id, what, reply.get("view"))
        return {"ok": True}

    def close(self, user: str, view_id: str) -> None:
        with self.standin.locked() as workspace:
            workspace.close_modal(user, view_id)

    def command(self, user: str, conversation: str, text: str) -> Answer:
        """A slash command typed in the message box: '/lead-status mine'."""
        command, _, rest = text.strip().partition(" ")
        if not command.startswith("/") or len(command) < 2:
            raise RelayError("type a slash command, such as /lead-status or /handoff")
        body = slack_requests.slash_command_body(
            command,
            rest.strip(),
            user=user,
            channel=conversation,
            response_url=self.standin.person_response_url(user, conversation),
            trigger_id=self.standin.issue_trigger(user),
        )
        answer = self._post(body)
        if answer.body.get("text") or answer.body.get("blocks"):
            # An answer in the acknowledgement shows as the response_url's would.
            with self.standin.locked() as workspace:
                workspace.respond(user, conversation, answer.body)
        return answer

    def home_opened(self, user: str) -> Answer:
        return self._post(slack_requests.app_home_opened_body(user))

    # --- reading what the stand-in holds ---------------------------------------------------

    def _view(self, user: str, view_id: str) -> dict[str, Any]:
        with self.standin.locked() as workspace:
            for view in [*workspace.modals.get(user, []), workspace.homes.get(user) or {}]:
                if view.get("id") == view_id:
                    return dict(view)
        raise RelayError(f"no open view {view_id} for {user}: it was closed or replaced")

    def _message(
        self, user: str, conversation: str | None, ts: str | None
    ) -> dict[str, Any] | None:
        if not conversation or not ts:
            return None
        with self.standin.locked() as workspace:
            kept = workspace.messages.get(conversation, []) + [
                m for m in workspace.ephemerals.get(conversation, []) if m.get("for_user") == user
            ]
            found = next((m for m in kept if m.get("ts") == ts), None)
        if found is None:
            raise RelayError(f"no message {ts} in {conversation}")
        return dict(found)

    # --- the request ------------------------------------------------------------------

    def _post(self, body: str) -> Answer:
        headers = slack_requests.signed_headers(self.signing_secret, body)
        request = urllib.request.Request(
            self.events_url, data=body.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return Answer(response.status, _json(response.read()))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, _json(exc.read()))
        except OSError as exc:
            raise RelayError(f"Baton did not answer: {exc}") from exc


def _element(action: dict[str, Any]) -> dict[str, Any]:
    """The clicked element as Slack describes it in `actions[0]`."""
    kind = str(action.get("type") or "button")
    element: dict[str, Any] = {"type": kind, "action_id": str(action.get("action_id", ""))}
    if kind == "button":
        element["value"] = str(action.get("value", ""))
        element["text"] = {"type": "plain_text", "text": str(action.get("text") or "button")}
    for key in ("selected_option", "selected_user", "selected_date", "selected_options"):
        if key in action:
            element[key] = action[key]
    return element


def _apply_submission(workspace: Workspace, user: str, view_id: str, what: Any, view: Any) -> None:
    """What Slack does with a submission's acknowledgement."""
    stack = workspace.modals.get(user, [])
    index = next((i for i, v in enumerate(stack) if v.get("id") == view_id), None)
    if index is None:
        return
    if what == "update" and isinstance(view, dict):
        stack[index] = {**view, "id": view_id}
    elif what == "push" and isinstance(view, dict):
        stack.append({**view, "id": f"{view_id}.{len(stack)}"})
    elif what == "clear":
        stack.clear()
    else:  # no response_action: this view closes
        del stack[index:]
    workspace.notify(kind="modal", user=user)


def _json(raw: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
