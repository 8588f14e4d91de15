"""Operating Baton: /healthz, /metrics, Slack's retries, and a database that is down."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from slack_bolt import App
from sqlalchemy import update

from bot.core.policy import Policy
from bot.core.settings import Settings
from bot.delivery.registry import SendContext, Sent
from bot.runtime import Runtime, build_runtime
from bot.slack_app import create_bolt_app
from bot.slack_standin.requests import event_body
from bot.store import outbox
from bot.store.models import Lead, OutboxMessage
from bot.store.outbox import Intent
from bot.web import create_web_app
from tests.delivery.test_delivery import hand_off, notice
from tests.support import senders
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = (
        rf"^{re.escape(name)}(\{{{re.escape(wanted)}\}})? (\S+)$"
        if wanted
        else (rf"^{re.escape(name)} (\S+)$")
    )
    for line in text.splitlines():
        found = re.match(pattern, line)
        if found:
            return float(found.groups()[-1])
    return 0.0


def test_healthz_reports_the_database_delivery_and_the_outbox(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn
) -> None:
    notice(runtime, "C0SALES", 3)
    slack_api.fail("chat.postMessage", error="channel_not_found")
    runtime.delivery.run_once(limit=1)

    answer = slack.http.get("/healthz")
    assert answer.status_code == 200
    body = answer.json
    assert body["ok"] is True and body["database"] == "ok"
    assert body["outbox"]["backlog"] == 2 and body["outbox"]["dead"] == 1
    assert body["delivery"]["state"] == "stopped"  # tests deliver without the thread
    assert "baton retry-failed" in body["warnings"][0]


def test_metrics_count_leads_claims_and_slack_calls_and_show_the_backlog_draining(
    runtime: Runtime, slack: SlackClientSim
) -> None:
    before = slack.http.get("/metrics").text
    [lead, _] = hand_off(runtime, 2)
    runtime.leads.claim(lead, "U0REP1")
    during = slack.http.get("/metrics")
    assert during.status_code == 200 and during.mimetype == "text/plain"
    text = during.text
    assert (
        metric(text, "baton_leads_handed_off_total", route="default")
        - metric(before, "baton_leads_handed_off_total", route="default")
        == 2
    )
    assert (
        metric(text, "baton_claims_total", route="default")
        - metric(before, "baton_claims_total", route="default")
        == 1
    )
    assert (
        metric(text, "baton_time_to_claim_seconds_count", route="default")
        - metric(before, "baton_time_to_claim_seconds_count", route="default")
        == 1
    )
    assert metric(text, "baton_outbox_backlog", kind="card.post") == 2
    assert metric(text, "baton_outbox_oldest_age_seconds") >= 0
    assert metric(text, "baton_database_up") == 1

    with senders.registered(senders.CARDS):
        drain(runtime)
    after = slack.http.get("/metrics").text
    assert metric(after, "baton_outbox_backlog", kind="card.post") == 0
    assert metric(after, "baton_outbox_oldest_age_seconds") == 0
    posted = metric(after, "baton_slack_calls_total", method="chat.postMessage", result="ok")
    assert (
        posted - metric(before, "baton_slack_calls_total", method="chat.postMessage", result="ok")
        == 3
    )  # two cards, one thread reply


def test_metrics_count_first_touches_late_clocks_and_escalations(
    runtime: Runtime, slack: SlackClientSim
) -> None:
    before = slack.http.get("/metrics").text
    [lead] = hand_off(runtime)
    with runtime.db.transaction() as session:  # the claim comes after its deadline
        session.execute(
            update(Lead)
            .where(Lead.id == lead)
            .values(claim_due_at=datetime.now(UTC) - timedelta(minutes=5))
        )
    runtime.leads.claim(lead, "U0REP1")
    runtime.leads.log_first_touch(lead, "U0REP1")
    with runtime.db.transaction() as session:
        outbox.queue(
            session, outbox.message(Intent.DUE_WORK, datetime.now(UTC), lead_id=lead, level=2)
        )

    def escalate(row: OutboxMessage, ctx: SendContext) -> Sent:
        return Sent(result={"ts": ctx.post_message(channel="U0MANAGER1", text="late")["ts"]})

    with senders.registered({**senders.CARDS, Intent.DUE_WORK: escalate}):
        drain(runtime)
    after = slack.http.get("/metrics").text

    def grew(name: str, **labels: str) -> float:
        return metric(after, name, **labels) - metric(before, name, **labels)

    assert grew("baton_time_to_first_touch_seconds_count", route="default") == 1
    assert grew("baton_sla_breaches_total", route="default", clock="claim") == 1
    assert grew("baton_sla_breaches_total", route="default", clock="first_touch") == 0
    # Escalations are counted when they fall due (tests/slack/test_sla_messages.py); a
    # due-work message delivered is counted as one outbox message.
    assert grew("baton_outbox_sent_total", kind="due.send", via="send") == 1
    assert 'level="unknown"' not in after


# --- Slack's retries ------------------------------------------------------------------------


@pytest.fixture
def counting_app(runtime: Runtime) -> tuple[Flask, list[str]]:
    """The real app plus one event listener that records each run (and fails once)."""
    seen: list[str] = []
    bolt: App = create_bolt_app(runtime)

    @bolt.event("app_mention")
    def mentioned(event: dict) -> None:
        seen.append(event["text"])
        if event["text"] == "fail once" and seen.count("fail once") == 1:
            raise RuntimeError("the listener fell over")

    return create_web_app(runtime, bolt), seen


def mention(text: str) -> dict:
    return {"type": "app_mention", "user": "U0REP1", "text": text, "channel": "C0SALES"}


def test_slacks_retries_of_an_event_are_acknowledged_without_running_it_again(
    counting_app: tuple[Flask, list[str]],
) -> None:
    web, seen = counting_app
    slack = SlackClientSim(web.test_client())
    body = event_body(mention("hello"), event_id="Ev0RETRY1")
    assert slack.post(body).status_code == 200
    for retry in ("1", "2"):
        again = slack.post(
            body, **{"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
        )
        assert again.status_code == 200
    assert seen == ["hello"]
    assert slack.post(event_body(mention("another"), event_id="Ev0OTHER")).status_code == 200
    assert seen == ["hello", "another"]


def test_an_event_whose_handling_failed_is_done_by_slacks_retry(
    counting_app: tuple[Flask, list[str]],
) -> None:
    web, seen = counting_app
    slack = SlackClientSim(web.test_client())
    body = event_body(mention("fail once"), event_id="Ev0FAILS")
    assert slack.post(body).status_code >= 500
    assert slack.post(body, **{"X-Slack-Retry-Num": "1"}).status_code == 200
    assert seen == ["fail once", "fail once"]


def test_a_forged_event_takes_no_event_id(counting_app: tuple[Flask, list[str]]) -> None:
    web, seen = counting_app
    body = event_body(mention("hello"), event_id="Ev0FORGED")
    forged = SlackClientSim(web.test_client(), secret="not-the-secret")
    assert forged.post(body).status_code == 401
    assert SlackClientSim(web.test_client()).post(body).status_code == 200
    assert seen == ["hello"]


# --- the database is down -----------------------------------------------------------------


@pytest.fixture
def broken(
    tmp_path: Path, slack_api: SlackStandIn, settings: Settings, policy: Policy
) -> Iterator[SlackClientSim]:
    """Baton whose database cannot be opened."""
    gone = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'missing' / 'dir' / 'baton.db'}"}
    )
    runtime = build_runtime(gone, policy=policy)
    yield SlackClientSim(create_web_app(runtime, create_bolt_app(runtime)).test_client())
    runtime.close()


def test_healthz_is_503_when_the_database_is_unreachable(broken: SlackClientSim) -> None:
    answer = broken.http.get("/healthz")
    assert answer.status_code == 503
    assert answer.json["ok"] is False
    assert answer.json["database"] == "unreachable: OperationalError"


def test_requests_that_need_the_database_get_a_clear_503(broken: SlackClientSim) -> None:
    answer = broken.post(event_body(mention("hello")))
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert answer.json["error"].startswith("The database is unavailable right now")
    assert "Traceback" not in answer.text
    scraped = broken.http.get("/metrics")
    assert scraped.status_code == 200 and "baton_database_up 0.0" in scraped.text
