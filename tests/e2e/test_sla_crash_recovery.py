"""A `baton worker` killed after Slack took a post of a lead's SLA ladder, before it
heard so.

Slack has the message but the outbox row is not marked sent, so the next worker sends
the row again: it must find the message the dead worker posted (by the outbox row its
metadata names) where Slack keeps it, not post a second one. A DM is read back through
its DM channel's id (Slack refuses a user id there); a reply in the card's thread is
only in conversations.replies, not in the channel's history.

The crash is staged, not raced: the stand-in takes the post and holds its answer
(SlackStandIn.stall), the test waits until the post has arrived, then kills the worker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import update

from bot.store.database import Database
from bot.store.models import SlackMessage
from bot.store.outbox import Intent
from tests.support.processes import SHORT_LEASE, Baton, wait_until
from tests.support.sla import (
    MANAGER,
    MANAGER_DM,
    ONE_LEVEL,
    handed_off_an_hour_ago,
    outbox_rows,
    unsent_rows,
)
from tests.support.slack_api import Call, SlackStandIn
from tests.support.slack_app import BOT_TOKEN

pytestmark = pytest.mark.slow

# A claim nudge due half an hour ago, its claim deadline an hour away: it goes out as
# soon as a worker runs, as a reply in the lead's card thread, and nothing else does.
NUDGE_ONLY = f"""
timezone: UTC
roles: {{managers: [{MANAGER}]}}
routes:
  - name: default
    channel: C0SALES
    calendar: always
    claim_within: 2h
    first_touch_within: 1d
    remind_before: 90m
    escalate:
      - after: 0s
        notify: [managers]
"""


class Crash:
    """Workers on one database, the first killed while Slack holds its answer."""

    def __init__(
        self, processes: list[Baton], database_url: str, slack_api: SlackStandIn, workdir: Path
    ) -> None:
        self.processes = processes
        self.database_url = database_url
        self.slack_api = slack_api
        self.workdir = workdir

    def worker(self) -> Baton:
        process = Baton(
            "worker",
            database_url=self.database_url,
            slack_api=self.slack_api,
            workdir=self.workdir,
            # Slack's per-channel pacing is tested elsewhere; here it would only wait.
            BATON_POST_INTERVAL_SECONDS="0",
            **SHORT_LEASE,
        )
        self.processes.append(process)
        return process.start()

    def kill_once_slack_has_it(self) -> Call:
        """Run a worker until Slack has the post the test stalled; kill it, then let Slack
        answer (to nobody). The post Slack took."""
        first = self.worker()
        [held] = self.slack_api.wait_held(1, timeout=120)
        first.kill()
        self.slack_api.release()
        assert held.response is not None and held.response["ok"]
        return held

    def resend(self, db: Database, kind: str) -> None:
        """A new worker sends what is left of `kind`; stopped, it has finished every send
        in flight, so what Slack holds afterwards is final."""
        second = self.worker()
        wait_until(lambda: unsent_rows(db, kind) == 0, 120, second.log)
        assert second.terminate() == 0, second.log()[-3000:]


@pytest.fixture
def crash(
    processes: list[Baton], database_url: str, slack_api: SlackStandIn, tmp_path: Path
) -> Crash:
    return Crash(processes, database_url, slack_api, tmp_path)


def with_a_real_card(db: Database, slack_api: SlackStandIn, lead_id: int) -> str:
    """Post the lead's card to the stand-in (handed_off_an_hour_ago only records one), so
    replies go into a thread Slack has; its ts."""
    client = WebClient(token=BOT_TOKEN, base_url=slack_api.url)
    card = str(client.chat_postMessage(channel="C0SALES", text="card")["ts"])
    with db.transaction() as s:
        s.execute(update(SlackMessage).where(SlackMessage.lead_id == lead_id).values(ts=card))
    return card


def assert_recorded_once(db: Database, kind: str, held: Call) -> None:
    [row] = outbox_rows(db, kind)
    assert row.sent_at is not None and row.dead_at is None and row.attempts >= 2, row
    assert held.response is not None
    # The message Slack took from the dead worker is the one on record.
    assert (row.result or {}).get("ts") == held.response["ts"], row.result


def test_an_escalation_dm_slack_took_before_the_worker_died_is_not_sent_again(
    db: Database, slack_api: SlackStandIn, tmp_path: Path, crash: Crash
) -> None:
    (tmp_path / "baton.yml").write_text(ONE_LEVEL, encoding="utf-8")
    handed_off_an_hour_ago(db, ONE_LEVEL, 1)
    slack_api.stall("chat.postMessage", landing_in=MANAGER_DM)

    held = crash.kill_once_slack_has_it()
    [row] = outbox_rows(db)
    assert row.sent_at is None, "the worker died before it could record the DM"
    assert len(slack_api.messages(MANAGER_DM)) == 1

    crash.resend(db, Intent.DUE_WORK)
    dms = slack_api.messages(MANAGER_DM)
    assert len(dms) == 1, f"the manager got {len(dms)} escalation DMs: {dms}"
    assert_recorded_once(db, Intent.DUE_WORK, held)


def test_a_claim_nudge_slack_took_before_the_worker_died_is_not_sent_again(
    db: Database, slack_api: SlackStandIn, tmp_path: Path, crash: Crash
) -> None:
    (tmp_path / "baton.yml").write_text(NUDGE_ONLY, encoding="utf-8")
    [lead_id] = handed_off_an_hour_ago(db, NUDGE_ONLY, 1)
    card = with_a_real_card(db, slack_api, lead_id)
    slack_api.stall("chat.postMessage", landing_in="C0SALES")

    held = crash.kill_once_slack_has_it()
    assert held.args.get("thread_ts") == card
    [row] = outbox_rows(db)
    assert row.sent_at is None, "the worker died before it could record the nudge"

    crash.resend(db, Intent.DUE_WORK)
    replies = [m for m in slack_api.messages("C0SALES") if m["ts"] != card]
    assert len(replies) == 1, f"{len(replies)} nudges in the card's thread: {replies}"
    assert_recorded_once(db, Intent.DUE_WORK, held)


def test_a_timeline_reply_slack_took_before_the_worker_died_is_not_sent_again(
    db: Database, slack_api: SlackStandIn, tmp_path: Path, crash: Crash
) -> None:
    (tmp_path / "baton.yml").write_text(ONE_LEVEL, encoding="utf-8")
    [lead_id] = handed_off_an_hour_ago(db, ONE_LEVEL, 1)
    card = with_a_real_card(db, slack_api, lead_id)
    # The escalation goes to the manager's DM; the timeline event it adds ("escalated
    # to ...") is a reply in the card's thread, posted through delivery's own client.
    slack_api.stall("chat.postMessage", landing_in="C0SALES")

    held = crash.kill_once_slack_has_it()
    assert held.args.get("thread_ts") == card
    [row] = outbox_rows(db, Intent.THREAD_EVENT)
    assert row.sent_at is None, "the worker died before it could record the reply"

    crash.resend(db, Intent.THREAD_EVENT)
    replies = [m for m in slack_api.messages("C0SALES") if m["ts"] != card]
    assert len(replies) == 1, f"{len(replies)} timeline replies in the card's thread: {replies}"
    assert_recorded_once(db, Intent.THREAD_EVENT, held)
