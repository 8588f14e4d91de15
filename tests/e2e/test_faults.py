"""Faults against real `baton` processes: Slack down or rate-limiting, the process killed
or stopped mid-burst, the database restarting. Counts are exact: every accepted outbox
row is posted once, none missing, none twice.

The rows are notices (the `notice.post` sender); the same engine carries cards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack_standin import requests as signing
from bot.store.database import Database
from bot.store.models import OutboxMessage
from tests.support.processes import (
    Baton,
    enqueue_notices,
    leased_rows,
    log_events,
    pending,
    posts_per_row,
    request,
    wait_until,
)
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SIGNING_SECRET

pytestmark = pytest.mark.slow
SHORT_LEASE = {"BATON_OUTBOX_LEASE_SECONDS": "3"}


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def processes() -> Iterator[list[Baton]]:
    started: list[Baton] = []
    yield started
    for process in started:
        process.stop()


def launch(
    processes: list[Baton],
    command: str,
    database_url: str,
    slack_api: SlackStandIn,
    tmp_path: Path,
    **env: str,
) -> Baton:
    process = Baton(
        command, database_url=database_url, slack_api=slack_api, workdir=tmp_path, **env
    )
    processes.append(process)
    return process.start()


def assert_each_posted_once(slack_api: SlackStandIn, ids: list[int]) -> None:
    counts = posts_per_row(slack_api)
    missing = [i for i in ids if counts[i] == 0]
    doubled = {i: n for i, n in counts.items() if n > 1}
    assert not missing and not doubled, f"missing {missing[:20]}, posted twice or more {doubled}"
    assert sorted(counts) == sorted(ids)


def test_slack_answering_500_for_a_while_then_recovering_posts_everything_once(
    database_url: str, db: Database, slack_api: SlackStandIn, tmp_path: Path, processes: list
) -> None:
    # Slack is down for 4 seconds here (the issue says 30; the backoff is the same, only
    # shorter to wait for), counted from Baton's first call so a slow start still meets it.
    ids = enqueue_notices(db, ["C0A", "C0B", "C0C"], 8)
    slack_api.fail_for(4.0, status=500, from_first_call=True)
    worker = launch(processes, "worker", database_url, slack_api, tmp_path)
    wait_until(lambda: pending(db) == 0, 120, worker.log)

    assert_each_posted_once(slack_api, ids)
    assert any(c.status == 500 for c in slack_api.calls("chat.postMessage"))
    assert '"event": "outbox.retry"' in worker.log()


def test_429_on_every_third_call_delivers_everything_and_honours_retry_after(
    database_url: str, db: Database, slack_api: SlackStandIn, tmp_path: Path, processes: list
) -> None:
    retry_after = 3  # longer than the 1-second pacing, so waiting it out is visible
    slack_api.fail_every(3, method="chat.postMessage", status=429, retry_after=retry_after)
    ids = enqueue_notices(db, ["C0A", "C0B", "C0C", "C0D"], 4)
    worker = launch(processes, "worker", database_url, slack_api, tmp_path)
    wait_until(lambda: pending(db) == 0, 120, worker.log)

    assert_each_posted_once(slack_api, ids)
    calls = slack_api.calls("chat.postMessage")
    limited = [c for c in calls if c.status == 429]
    assert limited
    for refused in limited:
        channel = refused.args["channel"]
        later = [c for c in calls if c.args["channel"] == channel and c.at > refused.at]
        if later:
            assert later[0].at - refused.at >= retry_after, (channel, later[0].at - refused.at)


def test_sigkill_of_serve_mid_burst_then_restart_posts_every_row_exactly_once(
    database_url: str, db: Database, slack_api: SlackStandIn, tmp_path: Path, processes: list
) -> None:
    channels = [f"C0K{i:02d}" for i in range(50)]
    ids = enqueue_notices(db, channels, 10)  # a 500-message burst
    serve = launch(processes, "serve", database_url, slack_api, tmp_path, **SHORT_LEASE)
    wait_until(lambda: len(slack_api.successful_calls("chat.postMessage")) >= 100, 60, serve.log)

    # The next post is accepted by Slack, but the process dies before it hears so.
    slack_api.stall("chat.postMessage")
    wait_until(lambda: bool(slack_api.held), 30, serve.log)
    serve.kill()
    slack_api.release()
    [held] = slack_api.held
    held_row = held.args["metadata"]["event_payload"]["outbox_id"]
    assert pending(db) > 0

    again = launch(processes, "serve", database_url, slack_api, tmp_path, **SHORT_LEASE)
    wait_until(lambda: pending(db) == 0, 180, again.log)

    assert_each_posted_once(slack_api, ids)
    recovered = slack_api.calls("conversations.history")
    assert recovered and all(c.args["include_all_metadata"] in ("1", "true") for c in recovered)
    assert '"event": "outbox.recovered_post"' in again.log()
    # The post Slack accepted from the killed process is the one on record for its row.
    assert held.response is not None
    with db.read() as session:
        row = session.get(OutboxMessage, held_row)
        assert row is not None and row.result is not None
        assert row.result["ts"] == held.response["ts"]


def test_sigterm_stops_within_ten_seconds_and_loses_no_row(
    database_url: str, db: Database, slack_api: SlackStandIn, tmp_path: Path, processes: list
) -> None:
    ids = enqueue_notices(db, ["C0A", "C0B", "C0C", "C0D"], 10)
    # Slack takes the fifth post and holds its answer: a send is in flight when the
    # signal comes, the other channels' rows queued behind their pace.
    slack_api.stall("chat.postMessage", after=4)
    serve = launch(processes, "serve", database_url, slack_api, tmp_path)
    [held] = slack_api.wait_held(1, timeout=60)
    held_row = held.args["metadata"]["event_payload"]["outbox_id"]
    # It holds the rest too: the rows queued behind their channels' pace.
    assert serve.proc is not None and leased_rows(db) > {held_row}

    started = time.monotonic()
    serve.proc.send_signal(signal.SIGTERM)
    # It hands back every row it has not started (the sends in flight elsewhere finish),
    # then waits for the one Slack has not answered: answer it now, within the 4 s the
    # process gives its sends to finish.
    wait_until(lambda: leased_rows(db) == {held_row}, 30, serve.log, every=0.02)
    slack_api.release()
    assert serve.proc.wait(15) == 0
    assert time.monotonic() - started < 10
    with pytest.raises(OSError):
        request(f"{serve.url}/healthz", timeout=2)
    [stopped] = log_events(serve.log(), "delivery.stopped")
    assert stopped["unfinished"] == 0, stopped
    assert stopped["released"] == pending(db) > 0, stopped
    assert not leased_rows(db)  # handed back: the next process need not wait for leases
    # The send in flight finished: its row is sent, once, recorded with Slack's answer.
    assert posts_per_row(slack_api)[held_row] == 1
    with db.read() as session:
        row = session.get(OutboxMessage, held_row)
        assert row is not None and row.sent_at is not None and row.attempts == 1
        assert held.response is not None and (row.result or {}).get("ts") == held.response["ts"]

    worker = launch(processes, "worker", database_url, slack_api, tmp_path)
    wait_until(lambda: pending(db) == 0, 120, worker.log)
    assert_each_posted_once(slack_api, ids)
    assert not slack_api.calls("conversations.history")  # nothing was left half-sent


# --- the database restarting ----------------------------------------------------------------

PG_RESTART = os.environ.get("BATON_TEST_PG_RESTART") == "1" or os.environ.get("CI", "").lower() in (
    "1",
    "true",
    "yes",
)


@pytest.mark.skipif(
    not PG_RESTART, reason="restarts the shared PostgreSQL server: set BATON_TEST_PG_RESTART=1"
)
def test_postgres_restarting_under_load_answers_503_then_recovers_by_itself(
    database_url: str, db: Database, slack_api: SlackStandIn, tmp_path: Path, processes: list
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("restarts PostgreSQL")
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    serve = launch(processes, "serve", database_url, slack_api, tmp_path)
    before = enqueue_notices(db, ["C0A", "C0B"], 3)

    answers: list[tuple[str, int, bytes]] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            for path, body in (("/healthz", None), ("/slack/events", "event")):
                data, headers = None, {}
                if body:
                    text = signing.event_body({"type": "app_mention", "text": "hi", "user": "U1"})
                    data = text.encode()
                    headers = signing.signed_headers(SIGNING_SECRET, text)
                try:
                    status, content = request(serve.url + path, data=data, headers=headers)
                except OSError:
                    continue
                answers.append((path, status, content))
            time.sleep(0.05)

    # With the database up: /healthz is 200; an event is taken and, with no listener
    # for it in this build, answered 404 by Bolt. With it down: 503 and a JSON error.
    normal = {("/healthz", 200), ("/slack/events", 200), ("/slack/events", 404)}

    def seen(*, normally: bool) -> set[str]:
        """The paths answered so far normally (or not)."""
        return {p for p, s, _ in list(answers) if ((p, s) in normal) == normally}

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    # The load is running (both paths answered) before the database goes away.
    wait_until(lambda: seen(normally=True) == {"/healthz", "/slack/events"}, 30, serve.log)
    # Restarted in two steps, so that requests meet it down (waited for, not raced); it
    # is started again whatever happens in between.
    pg_ctl = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main"]
    try:
        subprocess.run([*pg_ctl, "stop"], check=True, timeout=60)
        wait_until(lambda: bool(seen(normally=False)), 30, serve.log)
    finally:
        subprocess.run([*pg_ctl, "start"], check=True, timeout=60)
    wait_until(lambda: serve.get("/healthz")[0] == 200, 60, serve.log)
    after = enqueue_notices(db, ["C0A", "C0B"], 3)
    wait_until(lambda: pending(db) == 0, 120, serve.log)
    stop.set()
    thread.join(5)

    failures = [(p, s, c) for p, s, c in answers if (p, s) not in normal]
    assert failures, "the restart was not seen by any request"
    for path, status, content in failures:
        assert status == 503, (path, status, content[:300])
        assert "error" in json.loads(content) or json.loads(content).get("ok") is False
    assert Counter(posts_per_row(slack_api)) == Counter({i: 1 for i in before + after})
