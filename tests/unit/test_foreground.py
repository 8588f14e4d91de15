"""Delivery waits for a quiet moment between requests, but never for long."""

from __future__ import annotations

import threading
import time

from bot.delivery.foreground import QUIET_SECONDS, Foreground
from bot.runtime import Runtime
from bot.web import create_web_app


def test_quiet_at_once_when_no_request_is_in_flight() -> None:
    foreground = Foreground()
    began = time.monotonic()
    assert foreground.wait_quiet(at_most=1.0)
    assert time.monotonic() - began < 0.5


def test_waits_for_the_request_in_flight_to_be_answered() -> None:
    foreground = Foreground()
    foreground.enter()
    answered_at: list[float] = []

    def answer() -> None:
        time.sleep(0.1)
        answered_at.append(time.monotonic())
        foreground.leave()

    thread = threading.Thread(target=answer)
    thread.start()
    assert foreground.wait_quiet(at_most=5.0)
    quiet_at = time.monotonic()
    thread.join()
    assert answered_at and quiet_at >= answered_at[0] + QUIET_SECONDS


def test_a_request_that_never_ends_holds_background_work_only_so_long() -> None:
    foreground = Foreground()
    foreground.enter()
    began = time.monotonic()
    assert not foreground.wait_quiet(at_most=0.05)
    assert 0.05 <= time.monotonic() - began < 1.0


def test_a_request_arriving_in_the_gap_of_a_burst_keeps_it_waiting() -> None:
    foreground = Foreground()
    results: list[bool] = []
    foreground.enter()
    waiter = threading.Thread(target=lambda: results.append(foreground.wait_quiet(at_most=5.0)))
    waiter.start()
    # A burst: each request starts just after the previous one ends, so the count
    # touches zero between them without it being quiet.
    for _ in range(20):
        foreground.leave()
        foreground.enter()
        time.sleep(QUIET_SECONDS / 5)
    still_waiting = waiter.is_alive()
    foreground.leave()
    waiter.join()
    assert still_waiting
    assert results == [True]


def test_the_web_app_counts_each_request_until_it_is_answered(runtime: Runtime) -> None:
    web = create_web_app(runtime).test_client()
    seen: list[int] = []

    @web.application.get("/_probe")
    def probe() -> str:
        seen.append(runtime.foreground.in_flight)
        return "ok"

    assert web.get("/_probe").status_code == 200
    assert web.get("/no-such-page").status_code == 404
    assert seen == [1]
    assert runtime.foreground.in_flight == 0
