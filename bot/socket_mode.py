"""`baton socket`: the same Bolt app over Socket Mode, for a workspace without a public URL.

Slack delivery and the SLA scheduler run in the same process, as in `baton serve`.
"""

from __future__ import annotations

import logging
import threading

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.runtime import Runtime
from bot.server import run_until_signalled

log = logging.getLogger(__name__)


class SocketModeRefused(Exception):
    """Slack would not open a Socket Mode connection; the message says why."""


def run_socket_mode(runtime: Runtime, app: App, app_token: str) -> None:
    """Connect, serve until SIGTERM/SIGINT, then close the connection and stop background work."""
    handler = SocketModeHandler(app, app_token)
    stop = threading.Event()
    run_until_signalled(stop.set)
    runtime.start_background()
    try:
        handler.connect()
    except SlackApiError as exc:
        runtime.close()
        raise SocketModeRefused(
            f"Slack refused the Socket Mode connection ({exc.response.get('error')}). "
            "Check SLACK_APP_TOKEN (an app-level token, xapp-…, with connections:write) "
            "and that Socket Mode is enabled in the app's settings."
        ) from None
    print("Baton is connected to Slack over Socket Mode.", flush=True)
    try:
        stop.wait()
    finally:
        handler.close()
        runtime.close()
