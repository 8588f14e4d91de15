"""Running processes: `baton serve` (HTTP + background work) and `baton worker`.

On SIGTERM (or Ctrl-C) a process stops taking requests, lets the requests it is
answering finish, hands back the outbox rows it holds but has not started, lets the
sends in flight finish, and exits — all within SHUTDOWN_SECONDS. A row whose send is
cut short is never lost: its lease runs out and the next process sends it (after
looking for it in the channel, in case Slack had already accepted it).
"""

from __future__ import annotations

import gc
import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server

from bot.core import logs
from bot.runtime import Runtime

log = logging.getLogger(__name__)
HTTP_THREADS = 16
SHUTDOWN_SECONDS = 10.0
# How the shutdown budget is spent: answering requests in flight, then delivery.
HTTP_DRAIN_SECONDS = 4.0
DELIVERY_STOP_SECONDS = 4.0
LOOP_TICK_SECONDS = 0.25


def run_until_signalled(on_stop: Callable[[], None]) -> threading.Event:
    """Install SIGTERM/SIGINT handlers that call `on_stop` once."""
    stopped = threading.Event()

    def handle(signum: int, _frame: FrameType | None) -> None:
        if not stopped.is_set():
            stopped.set()
            logs.event(log, "process.stopping", signal=signal.Signals(signum).name)
            on_stop()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    return stopped


def serve_http(
    runtime: Runtime,
    wsgi_app: object,
    *,
    port: int,
    background: bool,
    host: str = "0.0.0.0",
    on_stop: Callable[[], None] = lambda: None,
    on_listening: Callable[[], None] = lambda: None,
    **server_options: Any,
) -> None:
    """Serve until SIGTERM, then shut down gracefully (see the module docstring).
    `on_listening` runs once the port is bound (the demo then shows its address);
    `on_stop` as the stop begins (the demo ends its event streams); `server_options`
    are waitress's own."""
    server: Any = create_server(
        wsgi_app,
        host=host,
        port=port,
        threads=HTTP_THREADS,
        clear_untrusted_proxy_headers=True,
        **server_options,
    )
    on_listening()
    socket_map = server._map if hasattr(server, "_map") else server.map
    # Pooled connections for the request threads (as many as the pool keeps), opened
    # before the first request rather than during the first burst of clicks.
    runtime.db.warm(HTTP_THREADS)
    # Business calendars (holiday tables) are built on first use: not on the first click.
    for route in runtime.policy.routes:
        runtime.policy.calendar_for(route)
    # Everything built so far (modules, the ORM's mappings, Bolt, the policy) lives as
    # long as the process: leave it out of the garbage collector's full passes, which
    # otherwise walk all of it while requests wait.
    gc.collect()
    gc.freeze()
    stopping = run_until_signalled(on_stop)
    if background:
        runtime.start_background()
    logs.event(log, "process.serving", port=port, background=background)
    print(f"Baton is listening on http://{host}:{port} (Slack events at /slack/events)", flush=True)
    try:
        while not stopping.is_set():
            wasyncore.loop(timeout=LOOP_TICK_SECONDS, map=socket_map, count=1)
        started = time.monotonic()
        _stop_listening(server)
        unfinished = _drain(server, socket_map, HTTP_DRAIN_SECONDS)
        logs.event(
            log,
            "process.http_drained",
            unfinished=unfinished,
            seconds=round(time.monotonic() - started, 2),
        )
    finally:
        runtime.close(DELIVERY_STOP_SECONDS)
        logs.event(log, "process.stopped")


def _stop_listening(server: Any) -> None:
    # Close only the listening socket; the trigger still wakes the loop for replies.
    wasyncore.dispatcher.close(server)


def _drain(server: Any, socket_map: dict[int, Any], budget: float) -> int:
    """Finish the requests already received; close idle connections. Return how many
    connections still had work when the budget ran out."""
    deadline = time.monotonic() + budget
    busy: list[Any] = []
    while True:
        channels = [ch for ch in list(socket_map.values()) if isinstance(ch, HTTPChannel)]
        busy = [ch for ch in channels if ch.requests or ch.total_outbufs_len]
        for ch in channels:
            if ch not in busy:
                ch.handle_close()
        if not busy or time.monotonic() >= deadline:
            break
        wasyncore.loop(timeout=0.05, map=socket_map, count=1)
    server.task_dispatcher.shutdown(
        cancel_pending=True, timeout=max(deadline - time.monotonic(), 0.1)
    )
    wasyncore.close_all(socket_map)
    return len(busy)


def run_worker(runtime: Runtime) -> None:
    stop = threading.Event()
    run_until_signalled(stop.set)
    runtime.start_background()
    logs.event(log, "process.working")
    print("Baton worker running: SLA scheduler and Slack delivery.", flush=True)
    stop.wait()
    runtime.close(DELIVERY_STOP_SECONDS * 2)
    logs.event(log, "process.stopped")
