"""The demo's page and its API (`/` and `/demo/api/…`), beside Baton's own endpoints.

Only the page itself may call the API: every request must carry the run's token (the
server writes it into the page) and, when the browser names an origin, come from the
page's own. Bad input gets a 4xx with a JSON error saying what is wrong; nothing here
reaches Baton except through the signed requests the relay makes.

Live updates are server-sent events: the stand-in tells a listener of each change, the
listener puts it on every open stream's queue, and the stream writes it at once (the
demo's server flushes every write). A stream ends after STREAM_SECONDS and the browser
reconnects, so no request thread is held for good.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, send_from_directory

from bot.core.clock import Now
from bot.demo import people
from bot.demo.relay import Relay, RelayError
from bot.slack_standin.server import SlackStandIn
from bot.slack_standin.workspace import BOT_USER_ID, Change, dm_for

STATIC = Path(__file__).parent / "static"
STREAM_SECONDS = 25.0
KEEPALIVE_SECONDS = 10.0


class Changes:
    """Fans the stand-in's changes out to every open event stream."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._streams: list[queue.SimpleQueue[Change]] = []

    def __call__(self, change: Change) -> None:
        with self._lock:
            for stream in self._streams:
                stream.put(change)

    def stream(self, stop: threading.Event) -> Iterator[str]:
        mine: queue.SimpleQueue[Change] = queue.SimpleQueue()
        with self._lock:
            self._streams.append(mine)
        try:
            yield "retry: 500\n\n"
            waited = 0.0
            while waited < STREAM_SECONDS and not stop.is_set():
                try:
                    change = mine.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    waited += KEEPALIVE_SECONDS
                    yield ": still here\n\n"
                    continue
                yield f"data: {json.dumps(change)}\n\n"
        finally:
            with self._lock:
                self._streams.remove(mine)


def demo_blueprint(
    standin: SlackStandIn,
    relay: Relay,
    *,
    token: str,
    locale: str,
    channels: list[dict[str, str]],
    hand_off_sample: Callable[[], dict[str, Any]],
    post_weekly_report: Callable[[], None],
    stopping: threading.Event,
    now: Now,
) -> Blueprint:
    page = Blueprint("demo", __name__)
    changes = Changes()
    standin.listen(changes)

    @page.before_request
    def only_the_page() -> Response | None:
        if request.path == "/" or request.path.startswith("/demo/static/"):
            return None
        given = request.headers.get("X-Demo-Token") or request.args.get("token")
        origin = request.headers.get("Origin")
        if given != token or (origin and origin != request.host_url.rstrip("/")):
            return _error(403, "this endpoint answers only the demo page it served")
        return None

    @page.get("/")
    def index() -> Response:
        html = (STATIC / "index.html").read_text(encoding="utf-8")
        response = Response(html.replace("{{DEMO_TOKEN}}", token), mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response

    @page.get("/demo/static/<path:name>")
    def static(name: str) -> Response:
        return send_from_directory(STATIC, name, max_age=0)

    # --- reading ------------------------------------------------------------------------

    @page.get("/demo/api/workspace")
    def workspace() -> Response:
        return jsonify(
            name="Baton demo" if locale == "en" else "Baton デモ",
            locale=locale,
            people=[person.shown(locale) for person in people.PEOPLE],
            channels=channels,
            bot={"id": BOT_USER_ID, "name": people.BOT_NAME},
        )

    @page.get("/demo/api/conversation")
    def conversation() -> Response:
        user, conversation_id = _person(), _arg("id")
        with standin.locked() as kept:
            messages = [
                m
                for m in kept.messages.get(conversation_id, [])
                if m.get("thread_ts") in (None, m["ts"])
            ]
            messages += [
                {**m, "ephemeral": True}
                for m in kept.ephemerals.get(conversation_id, [])
                if m.get("for_user") == user
            ]
        messages.sort(key=lambda m: float(m["ts"]))
        return jsonify(id=conversation_id, messages=messages)

    @page.get("/demo/api/thread")
    def thread() -> Response:
        _person()
        conversation_id, ts = _arg("id"), _arg("ts")
        with standin.locked() as kept:
            messages = [
                dict(m)
                for m in kept.messages.get(conversation_id, [])
                if ts in (m["ts"], m.get("thread_ts"))
            ]
        return jsonify(id=conversation_id, ts=ts, messages=messages)

    @page.get("/demo/api/home")
    def home() -> Response:
        user = _person()
        with standin.locked() as kept:
            return jsonify(view=kept.homes.get(user))

    @page.get("/demo/api/modal")
    def modal() -> Response:
        user = _person()
        with standin.locked() as kept:
            stack = kept.modals.get(user) or []
            return jsonify(view=stack[-1] if stack else None)

    @page.get("/demo/api/events")
    def events() -> Response:
        _person()
        response = Response(changes.stream(stopping), mimetype="text/event-stream")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Accel-Buffering"] = "no"
        return response

    # --- acting -------------------------------------------------------------------------

    @page.post("/demo/api/action")
    def action() -> Response:
        body = _body()
        user = _person(body)
        element = body.get("action")
        if not isinstance(element, dict) or not element.get("action_id"):
            return _error(400, "action: give the clicked element's action_id (and value)")
        answer = relay.action(
            user,
            element,
            conversation=_optional(body, "conversation"),
            message_ts=_optional(body, "message_ts"),
            view_id=_optional(body, "view_id"),
        )
        return _relayed(answer.status)

    @page.post("/demo/api/submit")
    def submit() -> Response:
        body = _body()
        user = _person(body)
        values = body.get("values")
        if not isinstance(values, dict):
            return _error(400, "values: give the modal's inputs as Slack's state.values")
        return jsonify(relay.submit(user, str(body.get("view_id") or ""), values))

    @page.post("/demo/api/close")
    def close() -> Response:
        body = _body()
        relay.close(_person(body), str(body.get("view_id") or ""))
        return jsonify(ok=True)

    @page.post("/demo/api/command")
    def command() -> Response:
        body = _body()
        user = _person(body)
        where = _optional(body, "channel") or dm_for(user)
        answer = relay.command(user, where, str(body.get("text") or ""))
        return _relayed(answer.status)

    @page.post("/demo/api/home-opened")
    def home_opened() -> Response:
        return _relayed(relay.home_opened(_person(_body())).status)

    @page.post("/demo/api/sample-lead")
    def sample_lead() -> Response:
        return jsonify(ok=True, lead=hand_off_sample())

    @page.post("/demo/api/weekly-report")
    def weekly_report() -> Response:
        post_weekly_report()
        return jsonify(ok=True, week_ending=(now() - timedelta(seconds=1)).isoformat())

    @page.errorhandler(RelayError)
    def refused(exc: RelayError) -> Response:
        return _error(400, str(exc))

    return page


def _person(body: dict[str, Any] | None = None) -> str:
    user = str((body or {}).get("as") or request.args.get("as") or "")
    if user not in people.BY_ID:
        abort(_error(400, f"as: {user or '(nothing)'} is not a person of the demo workspace"))
    return user


def _arg(name: str) -> str:
    value = request.args.get(name)
    if not value:
        abort(_error(400, f"{name}: missing"))
    return value


def _optional(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    return str(value) if value else None


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(_error(400, "the body must be a JSON object"))
    return body


def _relayed(status: int) -> Response:
    if status >= 500:
        return _error(502, f"Baton failed to answer ({status}); its log says why")
    if status >= 400:
        return _error(400, f"Baton refused the request ({status}); its log says why")
    return jsonify(ok=True)


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response
