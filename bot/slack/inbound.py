"""Requests from Slack, before Bolt: retries acknowledged once, every request counted.

Slack re-sends an Events API delivery (with X-Slack-Retry-Num) when it did not get a
200 within 3 seconds, possibly while the first is still being handled. Each event id
is taken once, in the database, before the listeners run; a delivery whose id was
already taken is acknowledged with a 200 and nothing else happens. If handling fails
(an exception or a 5xx), the id is given back so Slack's next retry does the work.
Interactions are not retried by Slack; a double click is two requests, and the
lifecycle's compare-and-set decides them.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import parse_qsl

from flask import Request, Response
from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.adapter.flask.handler import to_flask_response
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.core import logs, metrics
from bot.core.clock import Now
from bot.slack.payloads import INTERACTIONS, Unreadable, channel_of, unreadable, user_of
from bot.store.database import Database
from bot.store.models import InboundEvent

log = logging.getLogger(__name__)
KEEP_EVENT_IDS = timedelta(days=1)
SLOW_ACK_SECONDS = 1.0  # Slack gives up on an answer after 3 s
PRUNE_EVERY = 500


class InboundEvents:
    """Event ids taken, so each Events API delivery has its effect once."""

    def __init__(self, db: Database, clock: Now) -> None:
        self.db = db
        self.now = clock
        self._taken = 0

    def take(self, event_id: str) -> bool:
        """True the first time `event_id` is seen; False for a retry or a replay."""
        now = self.now()
        try:
            with self.db.transaction() as session:
                session.add(InboundEvent(event_id=event_id[:100], received_at=now))
        except IntegrityError:
            return False
        self._taken += 1
        if self._taken % PRUNE_EVERY == 0:
            self.prune()
        return True

    def give_back(self, event_id: str) -> None:
        with self.db.transaction() as session:
            session.execute(delete(InboundEvent).where(InboundEvent.event_id == event_id[:100]))

    def prune(self) -> int:
        with self.db.transaction() as session:
            result = session.execute(
                delete(InboundEvent).where(InboundEvent.received_at < self.now() - KEEP_EVENT_IDS)
            )
            return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class Peek:
    """What a Slack request is, read without trusting it (for logs, metrics, dedupe)."""

    kind: str  # event, block_actions, view_submission, command, ...
    event_id: str | None = None
    action_id: str | None = None
    lead_id: int | None = None
    interaction: bool = False  # a form-encoded `payload` (clicks, modals, shortcuts)


def read(body: bytes, content_type: str | None) -> tuple[Peek, dict[str, Any] | None]:
    """Parse a (signed) Slack request body once, as Bolt would: what it is, and the body
    for Bolt; kind "unreadable" and no body when Bolt could not read it."""
    try:
        text = body.decode("utf-8")
        if (content_type or "").startswith("application/json") or text.startswith("{"):
            data = json.loads(text or "{}")
            if not _well_formed(data):
                return Peek("unreadable"), None
            event_id = data.get("event_id")
            kind = str(data.get("type") or "unknown")[:40]
            return Peek(kind, event_id if isinstance(event_id, str) and event_id else None), data
        form = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=100))
        if "payload" not in form:
            return Peek("command" if "command" in form else "unknown"), form
        payload = json.loads(form["payload"])
        if not _well_formed(payload):
            return Peek("unreadable"), None
        actions = payload.get("actions")
        first = actions[0] if isinstance(actions, list) and actions else None
        action = first if isinstance(first, dict) else {}
        value = str(action.get("value") or "")
        return Peek(
            str(payload.get("type") or "unknown")[:40],
            action_id=str(action.get("action_id") or "")[:60] or None,
            lead_id=int(value) if value.isdigit() and len(value) < 12 else None,
            interaction=True,
        ), payload
    except (ValueError, TypeError, AttributeError, IndexError):  # incl. bad UTF-8 and JSON
        return Peek("unreadable"), None


class ParsedBoltRequest(BoltRequest):
    """A BoltRequest for a body SlackEndpoint has already parsed: a click's form-encoded
    JSON payload is a few kilobytes to unquote and decode, and was being read twice."""

    def __init__(self, request: Request, raw_body: str, body: dict[str, Any]) -> None:
        query = request.query_string.decode("utf-8")
        super().__init__(body="", query=query, headers=request.headers)  # type: ignore[arg-type]
        self.raw_body = raw_body  # what a lazy listener's copy parses again
        self.body = body
        self.context = build_context(BoltContext({}), body)


# Parts of Slack's payloads Bolt reads without checking their type (`view.get(...)`): a
# payload where they have another shape is refused before it gets there. Others may be
# null or, in some payloads, a plain id string.
_OBJECTS = ("view", "event")
_OBJECTS_OR_NULL = ("message", "container", "state")
_OBJECTS_OR_IDS = ("user", "team", "channel", "enterprise")
# (An interaction's `actions` are checked with its other parts: bot.slack.payloads.)
_OBJECT_LISTS = ("authorizations",)


def _well_formed(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    for key, value in data.items():
        if key in _OBJECTS and not isinstance(value, dict):
            return False
        if key in _OBJECTS_OR_NULL and not isinstance(value, dict | None):
            return False
        if key in _OBJECTS_OR_IDS and not isinstance(value, dict | str | None):
            return False
        if key in _OBJECT_LISTS and not (
            isinstance(value, list) and all(isinstance(item, dict) for item in value)
        ):
            return False
    return True


def _error(status: int, message: str) -> Response:
    return Response(json.dumps({"error": message}), status=status, mimetype="application/json")


class Notes(Protocol):
    """How the people behind an interaction Baton cannot read are told (SlackService)."""

    def unreadable_click(self, user_id: str, channel: str | None) -> None: ...

    def unreadable_view(self, user_id: str) -> dict[str, Any]: ...


class SlackEndpoint:
    """POST /slack/events: take event ids once, then hand the request to Bolt.

    An interaction of a shape its listeners cannot read never reaches them: from someone
    Slack names, it is answered 200 with a note to them (an ephemeral message for a
    click, the modal replaced by one for a submission); from no one, 400."""

    def __init__(self, app: App, db: Database, clock: Now, secret: str, notes: Notes):
        self.app = app
        self.events = InboundEvents(db, clock)
        self.verifier = SignatureVerifier(secret)
        self.notes = notes

    def __call__(self, request: Request) -> Response:
        started = time.monotonic()
        raw = request.get_data(cache=True)
        retry = request.headers.get("X-Slack-Retry-Num")
        # Nothing unsigned is parsed: a forged request costs one HMAC and a 401.
        signed = self._signed(request, raw)
        seen, body = read(raw, request.content_type) if signed else (Peek("unsigned"), None)
        fields = {"slack_kind": seen.kind, "action_id": seen.action_id, "lead_id": seen.lead_id}
        with logs.bound(**fields):
            response = self._handle(request, raw, body, seen, retry)
            elapsed = time.monotonic() - started
            metrics.ACK_LATENCY.labels(seen.kind).observe(elapsed)
            logs.event(
                log,
                "slack.request",
                _level(response.status_code, elapsed),
                status=response.status_code,
                duration_ms=round(elapsed * 1000, 1),
                retry_num=retry,
                event_id=seen.event_id,
            )
        return response

    def _handle(
        self,
        request: Request,
        raw: bytes,
        body: dict[str, Any] | None,
        seen: Peek,
        retry: str | None,
    ) -> Response:
        if seen.kind == "unsigned":
            return _error(401, "This request is not signed by Slack (or too old); refused.")
        if body is None:
            return _error(400, "This is not a Slack request body Baton can read.")
        if seen.interaction:
            refused = self._unreadable(body)
            if refused is not None:
                return refused
        bolt_request = ParsedBoltRequest(request, raw.decode("utf-8"), body)
        event_id = seen.event_id
        if event_id is None:
            return to_flask_response(self.app.dispatch(bolt_request))
        if not self.events.take(event_id):
            logs.event(log, "slack.duplicate_event_acknowledged", retry_num=retry)
            return Response("", status=200)
        try:
            response = to_flask_response(self.app.dispatch(bolt_request))
        except BaseException:
            self.events.give_back(event_id)
            raise
        if response.status_code >= 500:
            self.events.give_back(event_id)
        return response

    def _unreadable(self, payload: dict[str, Any]) -> Response | None:
        user = user_of(payload)
        kind = payload.get("type")
        if not isinstance(kind, str) or kind not in INTERACTIONS or user is None:
            return _error(400, "This interaction names no Slack user or kind Baton knows.")
        problem = unreadable(payload)
        if problem is Unreadable.CLICK:
            self.notes.unreadable_click(user, channel_of(payload))
            return Response("", status=200)
        if problem is Unreadable.VIEW:
            answer = {"response_action": "update", "view": self.notes.unreadable_view(user)}
            return Response(json.dumps(answer), status=200, mimetype="application/json")
        return None

    def _signed(self, request: Request, body: bytes) -> bool:
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or len(timestamp) > 12 or not signature:
            return False
        try:
            return self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
        except (ValueError, TypeError):  # e.g. a body that is not UTF-8
            return False


def _level(status: int, elapsed: float) -> int:
    """How loudly to log a request from Slack. Routine acknowledgements are counted in
    the metrics (baton_ack_latency_seconds, baton_http_requests) and logged at DEBUG:
    at INFO, a line each was about a tenth of the CPU time of a burst of fifty clicks. What
    needs a look is logged: refusals and errors, and answers slow enough to worry about
    Slack's 3-second limit."""
    if elapsed >= SLOW_ACK_SECONDS:
        return logging.WARNING
    return logging.INFO if status >= 400 else logging.DEBUG


def request_id() -> str:
    return uuid.uuid4().hex[:16]
