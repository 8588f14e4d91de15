"""The day's listing of the workspace's members (`users.list`, bot/delivery/people.py):
everyone's language and guest flag known before their first request, so a member's very
first /lead-status shows the leads' contact details, in their language. Through the
real app, the real WebClient and the stand-in."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery import people as people_sender
from bot.leads.handoff import LeadInput
from bot.runtime import Runtime
from bot.store import people
from bot.store.models import OutboxMessage, Person
from bot.store.outbox import Intent
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain

NAME, EMAIL = "Aya Nakamura", "aya@example.co.jp"


def listed(runtime: Runtime) -> dict[str, Person]:
    with runtime.db.read() as session:
        return {p.user_id: p for p in session.scalars(select(Person))}


def ask(slack: SlackClientSim, text: str, user: str) -> str:
    answer = slack.command("/lead-status", text, user=user)
    assert answer.status_code == 200
    return json.dumps(json.loads(answer.data), ensure_ascii=False)


def test_the_listing_keeps_each_members_language_and_guest_flag_and_skips_bots(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    slack_api.users["U0MKT9"] = {"locale": "ja-JP"}
    slack_api.users["U0REP9"] = {}
    slack_api.users["U0GUEST9"] = {"is_restricted": True}
    slack_api.users["U0SINGLE9"] = {"is_ultra_restricted": True}
    slack_api.users["U0GONE9"] = {"deleted": True}
    slack_api.users["B0HOOK9"] = {"is_bot": True}
    assert runtime.scheduler.periodic.list_people()
    drain(runtime)
    (call,) = slack_api.successful_calls("users.list")
    assert call.args["include_locale"] in (True, "true", "1")
    assert int(call.args["limit"]) == people_sender.MEMBERS_PER_PAGE
    known = listed(runtime)
    assert set(known) == {"U0MKT9", "U0REP9", "U0GUEST9", "U0SINGLE9"}  # no bot, nobody gone
    assert known["U0MKT9"].slack_locale == "ja-JP" and known["U0MKT9"].is_guest is False
    assert known["U0REP9"].slack_locale == "en-US" and known["U0REP9"].is_guest is False
    assert known["U0GUEST9"].is_guest is True and known["U0SINGLE9"].is_guest is True
    # Not their email (Baton keeps it only of those it deals with, when it looks them up),
    # and no look-up is counted as done: the first request still asks users.info for it.
    assert all(p.email is None and p.checked_at is None for p in known.values())


def test_a_listed_member_sees_contacts_in_their_language_on_their_first_request(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn
) -> None:
    lead = runtime.leads.hand_off(LeadInput(source="web", name=NAME, email=EMAIL)).lead.id
    slack_api.users["U0MKT9"] = {"locale": "ja-JP"}
    slack_api.users["U0GUEST9"] = {"is_restricted": True}
    runtime.scheduler.periodic.list_people()
    drain(runtime)
    first = ask(slack, f"#{lead}", "U0MKT9")
    assert NAME in first and EMAIL in first
    assert "リード" in first  # in Japanese, as Slack says they read it
    assert "アカウント" not in first  # no "once Slack has confirmed your account"
    guest = ask(slack, f"#{lead}", "U0GUEST9")
    assert NAME not in guest and EMAIL not in guest
    assert "confirmed your account" not in guest  # known to be a guest: nothing to wait for


def test_a_big_workspace_is_listed_a_few_pages_a_row(
    runtime: Runtime, slack_api: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each row lists PAGES_PER_ROW pages, then the next row goes on from its cursor: a
    restart or a rate limit costs at most those pages again."""
    monkeypatch.setattr(people_sender, "MEMBERS_PER_PAGE", 2)
    monkeypatch.setattr(people_sender, "PAGES_PER_ROW", 2)
    members = [f"U0BIG{n}" for n in range(7)]
    for user in members:
        slack_api.users[user] = {}
    runtime.scheduler.periodic.list_people()
    drain(runtime)
    cursors = [c.args.get("cursor", "") for c in slack_api.successful_calls("users.list")]
    assert cursors == ["", "2", "4", "6"]  # the bot and 7 members, 2 a page, 2 pages a row
    assert set(listed(runtime)) == set(members)
    with runtime.db.read() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == str(Intent.LIST_PEOPLE))
        ).all()
    assert [r.payload.get("cursor") for r in rows] == [None, "4"]
    assert all(r.sent_at is not None for r in rows)


def test_a_rate_limited_page_is_asked_again_and_nothing_is_lost(
    runtime: Runtime, slack_api: SlackStandIn
) -> None:
    for user in ("U0MKT9", "U0REP9"):
        slack_api.users[user] = {}
    slack_api.fail("users.list", status=429, retry_after=1)
    runtime.scheduler.periodic.list_people()
    drain(runtime)
    assert listed(runtime) == {}  # waiting out the Retry-After
    runtime.clock.advance(seconds=2)  # type: ignore[attr-defined]
    drain(runtime)
    assert [c.status for c in slack_api.calls("users.list")] == [429, 200]
    assert set(listed(runtime)) == {"U0MKT9", "U0REP9"}


def test_without_users_read_nothing_is_listed_and_people_are_looked_up_one_by_one(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn
) -> None:
    slack_api.users["U0MKT9"] = {}
    slack_api.fail("users.list", error="missing_scope")
    runtime.scheduler.periodic.list_people()
    drain(runtime)
    assert listed(runtime) == {}
    with runtime.db.read() as session:
        row = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == str(Intent.LIST_PEOPLE))
        ).one()
    assert row.sent_at is not None and row.dead_at is None  # not an error for an operator
    ask(slack, "", "U0MKT9")
    drain(runtime)
    assert [c.args["user"] for c in slack_api.successful_calls("users.info")] == ["U0MKT9"]


def test_the_members_are_listed_once_a_day_however_many_processes_ask(
    runtime: Runtime,
) -> None:
    morning = datetime(2026, 12, 4, 0, 30, tzinfo=UTC)
    assert people.queue_listing(runtime.db, morning)
    assert not people.queue_listing(runtime.db, morning + timedelta(hours=23))
    assert people.queue_listing(runtime.db, morning + timedelta(days=1))
    with runtime.db.read() as session:
        queued = session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.kind == str(Intent.LIST_PEOPLE))
        ).all()
    assert len(queued) == 2
