"""manifest.yml (HTTP), manifest.socket.yml (Socket Mode) and the registered listeners
must agree: every command, event and shortcut the app listens for is declared in both,
and everything declared is listened for."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import handlers
from bot.runtime import Runtime
from bot.slack.ids import ActionId, HomeActionId
from bot.slack_standin import requests as signing
from tests.support.slack_app import SlackClientSim

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
SOCKET_MANIFEST = MANIFEST.with_name("manifest.socket.yml")
EVENTS_PATH = "/slack/events"


class Recorder:
    """Stands where the Bolt App stands in `handlers.register` and notes what is registered."""

    def __init__(self) -> None:
        self.commands: set[str] = set()
        self.events: set[str] = set()
        self.shortcuts: set[str] = set()
        self.interactive: list[str] = []

    @staticmethod
    def _decorator(*args: Any, **_kwargs: Any) -> Any:
        # Supports both @app.x(...) on a function and app.x(...)(ack=..., lazy=[...]).
        return args[0] if args else None

    def _key(self, constraint: Any) -> str:
        if isinstance(constraint, re.Pattern):
            return constraint.pattern
        if isinstance(constraint, dict):
            return str(constraint.get("type") or constraint.get("callback_id"))
        return str(constraint)

    def command(self, constraint: Any, *_a: Any, **_k: Any) -> Callable[..., Any]:
        self.commands.add(self._key(constraint))
        return self._decorator

    def event(self, constraint: Any, *_a: Any, **_k: Any) -> Callable[..., Any]:
        self.events.add(self._key(constraint))
        return self._decorator

    def shortcut(self, constraint: Any, *_a: Any, **_k: Any) -> Callable[..., Any]:
        self.shortcuts.add(self._key(constraint))
        return self._decorator

    global_shortcut = message_shortcut = shortcut

    def action(self, constraint: Any, *_a: Any, **_k: Any) -> Callable[..., Any]:
        self.interactive.append(self._key(constraint))
        return self._decorator

    block_action = view = view_submission = view_closed = options = action

    def error(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return func

    use = middleware = error

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"App.{name} is not covered by the manifest check; add it here")


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(params=[MANIFEST, SOCKET_MANIFEST], ids=["http", "socket"])
def manifest(request: pytest.FixtureRequest) -> dict[str, Any]:
    return load(request.param)


@pytest.fixture
def registered(runtime: Runtime) -> Recorder:
    recorder = Recorder()
    handlers.register(recorder, runtime)  # type: ignore[arg-type]
    return recorder


def declared_commands(manifest: dict[str, Any]) -> set[str]:
    return {c["command"] for c in manifest["features"].get("slash_commands", [])}


def declared_events(manifest: dict[str, Any]) -> set[str]:
    return set(manifest["settings"].get("event_subscriptions", {}).get("bot_events", []))


def declared_shortcuts(manifest: dict[str, Any]) -> set[str]:
    return {s["callback_id"] for s in manifest["features"].get("shortcuts", [])}


def test_commands_events_and_shortcuts_match(
    manifest: dict[str, Any], registered: Recorder
) -> None:
    assert declared_commands(manifest) == registered.commands
    assert declared_events(manifest) == registered.events
    assert declared_shortcuts(manifest) == registered.shortcuts


def test_every_action_id_has_its_own_listener(registered: Recorder) -> None:
    """handlers/fallback.py leaves every ActionId and HomeActionId to its own listener, so
    one without (a url button's click included) would go unanswered and Slack would show
    a warning."""
    assert {action.value for action in [*ActionId, *HomeActionId]} <= set(registered.interactive)


def test_interactivity_home_and_scopes_follow_the_listeners(
    manifest: dict[str, Any], registered: Recorder
) -> None:
    settings, features = manifest["settings"], manifest["features"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    if registered.interactive or registered.shortcuts:
        assert settings["interactivity"]["is_enabled"] is True
    if "app_home_opened" in registered.events:
        assert features["app_home"]["home_tab_enabled"] is True
    assert ("commands" in scopes) == bool(registered.commands)
    assert "chat:write" in scopes  # every card, reply and note
    assert features["bot_user"]["display_name"]


def test_every_request_url_is_the_one_endpoint() -> None:
    manifest = load(MANIFEST)
    assert manifest["settings"]["socket_mode_enabled"] is False
    urls = [c["url"] for c in manifest["features"].get("slash_commands", [])]
    urls.append(manifest["settings"]["event_subscriptions"]["request_url"])
    urls.append(manifest["settings"]["interactivity"]["request_url"])
    urls += [s.get("url", EVENTS_PATH) for s in manifest["features"].get("shortcuts", [])]
    assert urls and all(url.endswith(EVENTS_PATH) for url in urls)


def test_the_app_answers_everything_the_manifest_declares(
    manifest: dict[str, Any], slack: SlackClientSim
) -> None:
    """Bolt answers 404 to a request no listener takes."""
    for command in declared_commands(manifest):
        assert slack.command(command, "help").status_code == 200, command
    for event in declared_events(manifest):
        body = signing.event_body({"type": event, "user": "U0REP1", "tab": "home"})
        assert slack.post(body).status_code == 200, event
    for callback_id in declared_shortcuts(manifest):
        assert slack.shortcut(callback_id).status_code == 200, callback_id


def test_the_socket_mode_manifest_is_the_http_one_without_urls() -> None:
    """Same scopes, commands, shortcuts, events and settings; Socket Mode on, and no
    request URL, which Slack would call instead of the socket."""
    http, socket = load(MANIFEST), load(SOCKET_MANIFEST)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "url" not in json.dumps(socket)
    for command in http["features"].get("slash_commands", []):
        del command["url"]
    del http["settings"]["event_subscriptions"]["request_url"]
    del http["settings"]["interactivity"]["request_url"]
    http["settings"]["socket_mode_enabled"] = True
    assert socket == http
