"""Structured logs: JSON lines with context, and nothing secret or personal in them."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.core import logs
from bot.leads.handoff import LeadInput
from bot.runtime import Runtime
from bot.store.models import Lead, OutboxMessage
from tests.support import senders
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import BOT_TOKEN, SIGNING_SECRET, SlackClientSim, drain

NAME = "Hanako Yamada"
EMAIL = "hanako.yamada@example.co.jp"
PHONE = "+81-90-1234-5678"


def copy_of(lead: Lead) -> Lead:
    columns = {c.key: getattr(lead, c.key) for c in Lead.__table__.columns}
    return Lead(**columns)


@contextmanager
def capture(level: int) -> Iterator[io.StringIO]:
    """Log lines as Baton writes them at `level`, into a string."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved_level = root.level
    handler = logs.configure(level, stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    with capture(logging.DEBUG) as stream:
        yield stream


def test_every_line_is_json_with_context_and_nothing_secret_or_personal(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn, captured: io.StringIO
) -> None:
    lead = runtime.leads.hand_off(
        LeadInput(source="web", name=NAME, email=EMAIL, phone=PHONE, company="Acme")
    ).lead
    with senders.registered(senders.CARDS):
        drain(runtime)  # the card is up, so the claim below updates it in place
        runtime.leads.claim(lead.id, "U0REP1")
        slack_api.fail("chat.postMessage", status=500)
        slack_api.fail("chat.update", error="message_not_found")
        runtime.delivery.run_once()
        for _ in range(3):
            runtime.delivery.run_once()
            with runtime.db.transaction() as session:  # retry now, not after the backoff
                session.execute(update(OutboxMessage).values(available_at=lead.created_at))
        drain(runtime)
    # A request whose payload carries the lead's details, which no listener handles.
    values = {"b": {"a": {"type": "plain_text_input", "value": f"{NAME} {EMAIL} {PHONE}"}}}
    slack.submit("unknown_modal", values)
    try:
        raise ValueError(f"cannot parse {EMAIL} with {BOT_TOKEN}")
    except ValueError:
        logging.getLogger("bot.test").exception("something broke")
    try:  # a database error about a statement carrying the lead's details
        with runtime.db.transaction() as session:
            session.add(copy_of(lead))
    except IntegrityError:
        logging.getLogger("bot.test").exception("could not store")

    text = captured.getvalue()
    for secret in (BOT_TOKEN, SIGNING_SECRET, NAME, EMAIL, PHONE, "Hanako", "hanako"):
        assert secret not in text, f"{secret!r} leaked into the logs"
    lines = [json.loads(line) for line in text.splitlines()]
    assert all({"ts", "level", "logger", "event"} <= line.keys() for line in lines)
    sent = [
        line for line in lines if line["event"] == "outbox.sent" and line["kind"] != "notice.post"
    ]
    assert sent and all(line["lead_id"] == lead.id and line["route"] == "default" for line in sent)
    retried = next(line for line in lines if line["event"] == "outbox.retry")
    assert retried["error"] == "chat.postMessage C0SALES: http_500"
    calls = [line for line in lines if line["event"] == "slack.call"]
    assert {"chat.postMessage", "chat.update"} <= {line["method"] for line in calls}
    assert all(
        line["slack_request_id"].startswith("req") for line in calls if line["result"] == "ok"
    )
    requests = [line for line in lines if line["event"] == "slack.request"]
    assert requests and all(
        line["path"] == "/slack/events" and line["request_id"] for line in requests
    )
    assert any(line["event"] == "outbox.dead" and line["level"] == "error" for line in lines)
    bolt = [line for line in lines if line["logger"].startswith("slack_bolt")]
    assert any("[payload omitted]" in line["event"] for line in bolt)  # Bolt quotes payloads


def test_routine_acks_are_counted_not_logged_and_refusals_are_logged(
    runtime: Runtime, slack: SlackClientSim
) -> None:
    with capture(logging.INFO) as stream:
        lead = runtime.leads.hand_off(LeadInput(source="web", name="A", email="a@example.com"))
        assert slack.click("lead_claim", str(lead.lead.id), user="U0REP1").status_code == 200
        assert slack.http.post("/slack/events", data="payload=%7B%7D").status_code == 401
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    requests = [line for line in lines if line["event"] == "slack.request"]
    assert [(line["status"], line["slack_kind"]) for line in requests] == [(401, "unsigned")]
    assert requests[0]["level"] == "info"


def test_text_lines_for_people_carry_the_time_level_event_and_fields() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved_level = root.level
    handler = logs.configure(logging.INFO, stream, fmt="text")
    try:
        with logs.bound(request_id="r-1", lead_id=7):
            logs.event(
                logging.getLogger("bot.test"),
                "lead.claimed",
                logging.WARNING,
                by="U0REP1",
                note="two words",
                token=BOT_TOKEN,
            )
        logs.event(logging.getLogger("bot.test"), "lead.quiet", logging.DEBUG)
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)
    [line] = stream.getvalue().splitlines()
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d WARNING lead\.claimed  request_id=r-1 lead_id=7 by=U0REP1 "
        r'note="two words" token=\[redacted\]',
        line,
    ), line
    # Not a terminal and no format asked for: JSON.
    with capture(logging.INFO) as piped:
        logs.event(logging.getLogger("bot.test"), "lead.claimed", lead_id=7)
    assert json.loads(piped.getvalue())["lead_id"] == 7
