"""A `baton worker` killed mid-delivery: another takes over its rows and its channel's
lane by its heartbeat, not by waiting out its leases.

Every process here runs with a lease of 600 s, far longer than the tests wait: if the
work comes back, the heartbeat brought it back. The crash is staged, not raced: the
stand-in takes the first post and holds its answer (SlackStandIn.stall), the test waits
until the post has arrived, then kills the worker; Slack has that post, the outbox does
not know it, and the process that takes over must find it instead of posting it again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.store.database import Database
from bot.store.models import Heartbeat
from tests.support.processes import (
    Baton,
    enqueue_notices,
    log_events,
    pending,
    posts_per_row,
    wait_until,
)
from tests.support.slack_api import SlackStandIn

pytestmark = pytest.mark.slow

CHANNEL = "C0SALES"
LONG_LEASE = {"BATON_OUTBOX_LEASE_SECONDS": "600"}
# Generous for a busy 2-core machine, and still far short of the 600 s lease.
TAKEOVER_WAIT = 120


class Workers:
    def __init__(
        self, processes: list[Baton], database_url: str, slack_api: SlackStandIn, workdir: Path
    ) -> None:
        self.processes = processes
        self.database_url = database_url
        self.slack_api = slack_api
        self.workdir = workdir

    def start(self) -> Baton:
        process = Baton(
            "worker",
            database_url=self.database_url,
            slack_api=self.slack_api,
            workdir=self.workdir,
            BATON_POST_INTERVAL_SECONDS="0",  # pacing is tested elsewhere
            **LONG_LEASE,
        )
        self.processes.append(process)
        return process.start()

    def killed_while_slack_holds_a_post(self, db: Database) -> tuple[Baton, str]:
        """A worker that posted the first notice (Slack has it, the answer is held) and
        holds the channel's lane, killed; its worker id."""
        first = self.start()
        self.slack_api.wait_held(1, timeout=TAKEOVER_WAIT)
        [worker_id] = heartbeats(db)
        first.kill()
        return first, worker_id


@pytest.fixture
def workers(
    processes: list[Baton], database_url: str, slack_api: SlackStandIn, tmp_path: Path
) -> Workers:
    return Workers(processes, database_url, slack_api, tmp_path)


def heartbeats(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(Heartbeat.worker_id)))


def set_heartbeat(db: Database, worker_id: str, **values: object) -> None:
    with db.transaction() as session:
        session.execute(update(Heartbeat).where(Heartbeat.worker_id == worker_id).values(**values))


def assert_all_posted_once(db: Database, slack_api: SlackStandIn, ids: list[int]) -> None:
    assert pending(db) == 0
    counts = posts_per_row(slack_api)
    assert {i: counts[i] for i in ids} == dict.fromkeys(ids, 1), counts


def took_over(process: Baton, worker_id: str) -> list[dict]:
    return [e for e in log_events(process.log(), "delivery.took_over") if e["worker"] == worker_id]


def test_a_killed_workers_rows_and_lane_are_taken_over_when_its_heartbeat_stops(
    db: Database, slack_api: SlackStandIn, workers: Workers
) -> None:
    ids = enqueue_notices(db, [CHANNEL], 5)
    slack_api.stall("chat.postMessage", landing_in=CHANNEL)
    first = workers.start()
    slack_api.wait_held(1, timeout=TAKEOVER_WAIT)
    [dead] = heartbeats(db)
    # As if it ran on another host: its process id tells nothing, only its heartbeat.
    set_heartbeat(db, dead, host="another-host")
    second = workers.start()
    assert not took_over(second, dead)
    first.kill()
    slack_api.release()

    wait_until(lambda: pending(db) == 0, TAKEOVER_WAIT, second.log)
    [event] = took_over(second, dead)
    assert event["why"] == "heartbeat_stopped", event
    assert event["rows"] >= 1 and event["lanes"] == 1, event
    assert dead not in heartbeats(db)
    assert_all_posted_once(db, slack_api, ids)
    assert second.terminate() == 0


def test_a_worker_restarted_on_the_same_host_takes_over_its_predecessor_at_once(
    db: Database, slack_api: SlackStandIn, workers: Workers
) -> None:
    ids = enqueue_notices(db, [CHANNEL], 5)
    slack_api.stall("chat.postMessage", landing_in=CHANNEL)
    _first, dead = workers.killed_while_slack_holds_a_post(db)
    # Its heartbeat looks alive for an hour: only its process being gone can tell.
    set_heartbeat(db, dead, beat_at=datetime.now(UTC) + timedelta(hours=1))
    slack_api.release()

    restarted = workers.start()
    wait_until(lambda: pending(db) == 0, TAKEOVER_WAIT, restarted.log)
    [event] = took_over(restarted, dead)
    assert event["why"] == "process_gone", event
    assert event["rows"] >= 1 and event["lanes"] == 1, event
    assert_all_posted_once(db, slack_api, ids)
    assert restarted.terminate() == 0
