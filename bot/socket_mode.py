"""`baton socket`: the same Bolt app over Socket Mode, for a workspace without a public URL.

Slack delivery and the SLA scheduler run in the same process, as in `baton serve`.
"""

from __future__ import annotations

import logging
import sys
import threading

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core import logs
from bot.runtime import Runtime
from bot.server import run_until_signalled

log = logging.getLogger(__name__)


class SocketModeRefused(Exception):
    """Slack would not open a Socket Mode connection; the message says why."""


# Waits between attempts to reach Slack: doubling from the first to the last, then the last.
RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 60.0
_TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})


def run_socket_mode(runtime: Runtime, app: App, app_token: str) -> None:
    """Connect, serve until SIGTERM/SIGINT, then close the connection and stop background work."""
    handler = SocketModeHandler(app, app_token)
    stop = threading.Event()
    run_until_signalled(stop.set)
    runtime.start_background()
    try:
        connected = connect(handler, stop)
    except SocketModeRefused:
        runtime.close()
        raise
    if connected:
        print("Baton is connected to Slack over Socket Mode.", flush=True)
    try:
        stop.wait()
    finally:
        handler.close()
        runtime.close()


def connect(handler: SocketModeHandler, stop: threading.Event) -> bool:
    """Open the connection; while Slack cannot be reached, say so in one line and try again,
    waiting longer each time. False if stopped before connecting; SocketModeRefused if
    Slack answered no."""
    wait = RETRY_FIRST_SECONDS
    while not stop.is_set():
        try:
            # Say once what failed and what to do, rather than slack_sdk's own lines.
            # (The Socket Mode client logs as the Bolt app, its Web API calls as slack_sdk.)
            with logs.quiet_unless_debug(
                "slack_bolt.App", "slack_sdk.web.base_client", below=logging.CRITICAL
            ):
                handler.connect()
            return True
        except SlackApiError as exc:
            if exc.response.status_code not in _TRANSIENT_STATUS:
                raise SocketModeRefused(
                    f"Slack refused the Socket Mode connection ({exc.response.get('error')}). "
                    "Check SLACK_APP_TOKEN (an app-level token, xapp-…, with connections:write) "
                    "and that Socket Mode is enabled in the app's settings."
                ) from None
            problem = f"Slack answered {exc.response.status_code}"
        except (OSError, SlackClientError) as exc:  # URLError and refused sockets included
            problem = str(getattr(exc, "reason", None) or exc) or type(exc).__name__
        handler.client.wss_uri = None  # the next attempt asks Slack for a new address
        if stop.is_set():
            break
        print(
            f"baton socket: cannot reach Slack ({problem}); trying again in {wait:.0f} s. "
            "Check the network, a proxy or SLACK_API_URL.",
            file=sys.stderr,
            flush=True,
        )
        stop.wait(wait)
        wait = min(wait * 2, RETRY_MAX_SECONDS)
    return False
