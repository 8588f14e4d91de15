"""Outgoing webhooks through real HTTP: a local receiver, the Slack stand-in, both databases."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.core.policy import Policy, parse_policy
from bot.core.settings import Settings
from bot.delivery import webhooks
from bot.delivery.dead_letters import problems
from bot.leads.funnel import StageChange
from bot.leads.handoff import LeadInput
from bot.leads.states import Outcome
from bot.runtime import Runtime, build_runtime
from bot.store.models import LeadEvent, OutboxMessage, Person
from bot.store.outbox import Intent
from tests.e2e.test_cli import baton
from tests.support.clock import FakeClock
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain
from tests.support.webhook_receiver import HOLD, Receiver

CRM_SECRET = "crm-shared-secret"
ZAP_SECRET = "zap-shared-secret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver().running() as running:
        yield running


@pytest.fixture
def policy(receiver: Receiver) -> Policy:
    return parse_policy(
        STANDARD
        + f"""
webhooks:
  - url: {receiver.url}/crm
    events: [handed_off, claimed, outcome, stage]
    secret: {CRM_SECRET}
  - url: {receiver.url}/zap
    events: [claimed]
    secret: {ZAP_SECRET}
"""
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def runtime(settings: Settings, policy: Policy, clock: FakeClock) -> Iterator[Runtime]:
    built = build_runtime(settings, policy=policy, clock=clock)
    yield built
    built.close()


def hand_off(runtime: Runtime, **fields: str) -> int:
    data = {"source": "hubspot", "external_id": "701", "name": "Aiko Tanaka"} | fields
    return runtime.leads.hand_off(LeadInput(email="aiko@example.co.jp", **data)).lead.id


def verifies(secret: str, received_headers: dict[str, str], body: bytes) -> bool:
    """The receiver's check, written from the README rather than with Baton's code."""
    timestamp = received_headers["X-Baton-Timestamp"]
    expected = hmac.new(secret.encode(), f"v1:{timestamp}:".encode() + body, hashlib.sha256)
    return hmac.compare_digest(f"v1={expected.hexdigest()}", received_headers["X-Baton-Signature"])


def webhook_rows(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.db.read() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == Intent.WEBHOOK)
                .order_by(OutboxMessage.id)
            )
        )


def test_each_subscribed_event_goes_once_to_each_webhook_signed_with_its_secret(
    runtime: Runtime, receiver: Receiver, clock: FakeClock
) -> None:
    lead = hand_off(runtime)
    clock.advance(minutes=3)
    runtime.leads.claim(lead, "U0REP1")
    runtime.leads.log_first_touch(lead, "U0REP1", note="Called")  # nobody subscribes
    assert all(row.lead_id is None for row in webhook_rows(runtime))  # not in the lead's line
    drain(runtime)
    drain(runtime)  # nothing is sent twice

    crm, zap = receiver.at("/crm"), receiver.at("/zap")
    assert [r.json["event"] for r in crm] == ["handed_off", "claimed"]
    assert [r.json["event"] for r in zap] == ["claimed"]
    assert all(verifies(CRM_SECRET, r.headers, r.body) for r in crm)
    assert verifies(ZAP_SECRET, zap[0].headers, zap[0].body)
    assert not verifies(CRM_SECRET, zap[0].headers, zap[0].body)

    with runtime.db.read() as session:
        events = {e.kind: e for e in session.scalars(select(LeadEvent))}
    claimed = crm[1].json
    assert (
        crm[1].headers["Idempotency-Key"]
        == str(events["claimed"].id)
        == str(zap[0].json["event_id"])
    )
    assert claimed["event_id"] == events["claimed"].id
    assert crm[0].json["event_id"] == events["handed_off"].id  # written at the commit
    assert crm[1].headers["Content-Type"].startswith("application/json")
    assert claimed["at"] == events["claimed"].at.isoformat()
    assert claimed["lead"] == {
        "id": lead,
        "source": "hubspot",
        "external_id": "701",
        "status": "contacted",  # as the lead stands when it is sent
        "stage": None,
    }
    assert claimed["actor"] == "U0REP1"
    # The stand-in answers users.info with profile.email, as Slack does with
    # users:read.email; Baton keeps it with the person's locale.
    assert claimed["owner"] == {"slack_id": "U0REP1", "email": "u0rep1@example.com"}
    assert claimed["times"]["claimed"] == clock().isoformat()
    assert claimed["times"]["handed_off"] == (clock() - timedelta(minutes=3)).isoformat()
    assert claimed["times"]["won"] is None
    assert {k: claimed[k] for k in webhooks.DETAIL_FIELDS} == dict.fromkeys(webhooks.DETAIL_FIELDS)
    assert crm[0].json["actor"] == "intake"
    assert crm[0].json["owner"] == claimed["owner"]  # the lead as it stands when sent
    with runtime.db.read() as session:
        person = session.get(Person, "U0REP1")
        assert person is not None and person.email == "u0rep1@example.com"


def test_a_stage_update_carries_the_deal(
    runtime: Runtime, receiver: Receiver, clock: FakeClock
) -> None:
    lead = hand_off(runtime)
    runtime.leads.claim(lead, "U0REP1")
    clock.advance(days=9)
    change = StageChange(Outcome.WON, clock(), amount=Decimal("1200000"), currency="JPY")
    runtime.leads.update_stage(change, source="hubspot", external_id="701")
    drain(runtime)

    [stage] = [r.json for r in receiver.at("/crm") if r.json["event"] == "stage"]
    assert stage["actor"] == "crm"
    assert stage["lead"]["status"] == stage["lead"]["stage"] == "won"
    assert stage["times"]["won"] == clock().isoformat()
    assert (stage["outcome"], stage["amount"], stage["currency"]) == ("won", "1200000", "JPY")


def test_a_503_is_retried_and_the_event_is_delivered_once(
    runtime: Runtime, receiver: Receiver, clock: FakeClock
) -> None:
    receiver.answer(503)
    hand_off(runtime)
    drain(runtime)
    [row] = webhook_rows(runtime)
    assert row.sent_at is None and row.dead_at is None and row.failures == 1
    assert row.failure is not None and row.failure["error"] == "webhook_http_503"
    assert row.available_at > clock()  # delivery's backoff

    clock.advance(minutes=10)
    drain(runtime)
    drain(runtime)
    first, second = receiver.at("/crm")
    assert first.body == second.body  # the same event, the same key: a receiver can dedupe
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    [row] = webhook_rows(runtime)
    assert row.sent_at is not None and row.result == {
        "webhook": 0,
        "event_id": first.json["event_id"],
        "status": 200,
    }


def test_a_400_is_a_dead_letter_in_healthz_until_retry_failed_sends_it(
    runtime: Runtime,
    receiver: Receiver,
    slack: SlackClientSim,
    slack_api: SlackStandIn,
    clock: FakeClock,
    database_url: str,
) -> None:
    receiver.answer(400, body='{"error": "unknown field lead.stage"}')
    hand_off(runtime)
    drain(runtime)
    [row] = webhook_rows(runtime)
    assert row.dead_at is not None
    assert row.failure == {
        "method": "webhook",
        "channel": receiver.url,  # the receiver's host, never the hook's secret path
        "error": "webhook_http_400",
        "status": 400,
        "detail": '{"error": "unknown field lead.stage"}',
    }
    health = slack.http.get("/healthz").json
    assert health["outbox"]["dead"] == 1 and "baton retry-failed" in health["warnings"][0]
    [problem] = problems(runtime.db)
    assert problem.message() == (
        f"The webhook receiver at <{receiver.url}> refused Baton's lead events "
        "(webhook_http_400) — fix the receiver, or that webhook's url or secret in "
        "baton.yml. (1 message waiting)"
    )
    dms = [c.args["text"] for c in slack_api.successful_calls("chat.postMessage")]
    assert any("could not deliver a lead event to a webhook" in text for text in dms)

    done = baton("retry-failed", "--error", "webhook_http_400", env={"DATABASE_URL": database_url})
    assert done.returncode == 0 and "Re-queued 1 message;" in done.stdout, done.stderr
    clock.set(datetime.now(UTC) + timedelta(minutes=1))  # the command used the real time
    drain(runtime)
    assert len(receiver.at("/crm")) == 2
    [row] = webhook_rows(runtime)
    assert row.sent_at is not None and row.dead_at is None


def test_a_receiver_that_never_answers_is_retried_after_the_timeout(
    runtime: Runtime, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 0.2)
    receiver.answer(HOLD)
    hand_off(runtime)
    drain(runtime)
    [row] = webhook_rows(runtime)
    assert row.sent_at is None and row.dead_at is None
    assert row.failure is not None and row.failure["error"] == "webhook_network"


def test_a_slow_receiver_holds_back_no_slack_post(
    runtime: Runtime, receiver: Receiver, slack_api: SlackStandIn
) -> None:
    receiver.answer(HOLD)
    runtime.delivery.start()
    try:
        hand_off(runtime)
        assert receiver.arrived.wait(30)  # the webhook's POST is waiting for its answer...
        posted = threading.Event()
        for _ in range(3000):  # ...while the card goes to Slack (a bounded wait, not a sleep)
            if slack_api.successful_calls("chat.postMessage"):
                posted.set()
                break
            posted.wait(0.01)
        assert posted.is_set()
        [row] = webhook_rows(runtime)
        assert row.sent_at is None
    finally:
        receiver.release()
        runtime.delivery.stop()


def test_events_nobody_subscribes_to_queue_nothing(runtime: Runtime, receiver: Receiver) -> None:
    lead = hand_off(runtime)
    drain(runtime)
    before = len(webhook_rows(runtime))
    runtime.leads.claim(lead, "U0REP1")
    runtime.leads.release(lead, "U0REP1")
    runtime.leads.claim(lead, "U0REP2")
    # claimed twice (two webhooks each), released never
    assert len(webhook_rows(runtime)) - before == 4
    drain(runtime)
    assert [r.json["event"] for r in receiver.at("/zap")] == ["claimed", "claimed"]
    assert "released" not in [r.json["event"] for r in receiver.received]


def test_a_429_waits_and_then_delivers_once(
    runtime: Runtime, receiver: Receiver, clock: FakeClock
) -> None:
    receiver.answer(429)
    hand_off(runtime)
    drain(runtime)
    [row] = webhook_rows(runtime)
    assert row.sent_at is None and row.dead_at is None and row.available_at > clock()
    clock.advance(minutes=1)
    drain(runtime)
    assert len(receiver.at("/crm")) == 2
    [row] = webhook_rows(runtime)
    assert row.sent_at is not None


class TestEscalations:
    @pytest.fixture
    def policy(self, receiver: Receiver) -> Policy:
        return parse_policy(
            STANDARD
            + f"""
webhooks:
  - url: {receiver.url}/crm
    events: [escalated]
    secret: {CRM_SECRET}
"""
        )

    def test_an_escalation_is_an_event_too(
        self, runtime: Runtime, receiver: Receiver, clock: FakeClock
    ) -> None:
        lead_id = hand_off(runtime, segment="smb")  # the default route: 30 minutes to claim
        clock.advance(minutes=31)
        runtime.scheduler.run_due()
        drain(runtime)
        drain(runtime)
        [received] = receiver.at("/crm")
        event = received.json
        assert (event["event"], event["lead"]["id"], event["actor"]) == (
            "escalated",
            lead_id,
            "system",
        )
        assert verifies(CRM_SECRET, received.headers, received.body)
