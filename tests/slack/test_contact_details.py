"""Who sees a lead's contact details (privacy.contact_details, bot/leads/privacy.py):
guests of the workspace never see names, emails or phones in /lead-status, App Home or
DMs; with `roles`, only the policy's roles do. Through the real app and the stand-in."""

from __future__ import annotations

import json

import pytest

from bot.core.policy import Policy, parse_policy
from bot.leads.handoff import LeadInput
from bot.runtime import Runtime
from bot.store import people
from tests.support.policies import STANDARD
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain

NAME, EMAIL, PHONE = "Aya Nakamura", "aya@example.co.jp", "+81-3-5555-0142"
GUEST = "U0GUEST1"


@pytest.fixture
def lead(runtime: Runtime) -> int:
    data = LeadInput(source="web", name=NAME, email=EMAIL, phone=PHONE, company="Kimura Soft")
    return runtime.leads.hand_off(data).lead.id


def ask(slack: SlackClientSim, text: str, user: str) -> str:
    answer = slack.command("/lead-status", text, user=user)
    assert answer.status_code == 200
    return json.dumps(json.loads(answer.data), ensure_ascii=False)


def known_guest(runtime: Runtime, user: str = GUEST) -> None:
    with runtime.db.transaction() as session:
        people.remember(session, user, "en-US", runtime.clock(), guest=True)


def known_member(runtime: Runtime, user: str) -> None:
    with runtime.db.transaction() as session:
        people.remember(session, user, "en-US", runtime.clock(), guest=False)


def test_a_guest_sees_the_company_but_not_the_person(
    runtime: Runtime, slack: SlackClientSim, lead: int
) -> None:
    known_guest(runtime)
    known_member(runtime, "U0REP1")
    shown = ask(slack, f"#{lead}", GUEST)
    assert "Kimura Soft" in shown
    for contact in (NAME, EMAIL, PHONE):
        assert contact not in shown, contact
    member = ask(slack, f"#{lead}", "U0REP1")
    assert NAME in member and EMAIL in member
    assert "confirmed your account" not in member


def test_someone_slack_has_not_told_of_sees_no_contacts_until_it_has(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn, lead: int
) -> None:
    """A guest's first request must not show them: until users.info has answered, nobody
    not yet known sees them, and the answer says why."""
    first = ask(slack, f"#{lead}", "U0NEW1")
    assert "Kimura Soft" in first and "confirmed your account" in first
    for contact in (NAME, EMAIL, PHONE):
        assert contact not in first, contact
    drain(runtime)  # the look-up queued by that request: a member
    assert [c.args["user"] for c in slack_api.successful_calls("users.info")] == ["U0NEW1"]
    again = ask(slack, f"#{lead}", "U0NEW1")
    assert NAME in again and EMAIL in again and "confirmed your account" not in again


def test_a_dm_to_a_member_never_looked_up_asks_slack_first(
    runtime: Runtime, slack_api: SlackStandIn, lead: int
) -> None:
    """Who chose a language is not asked for it; whether they are a guest still is, before
    a DM to them is rendered (a DM waits for nobody)."""
    with runtime.db.transaction() as session:
        people.choose(session, "U0REP7", "en")
    runtime.leads.reassign(lead, "U0MANAGER1", "U0REP7")
    drain(runtime)
    [dm] = [
        c for c in slack_api.successful_calls("chat.postMessage") if c.args["channel"] == "U0REP7"
    ]
    assert NAME in json.dumps(dm.args, ensure_ascii=False)
    assert "U0REP7" in [c.args["user"] for c in slack_api.successful_calls("users.info")]


def test_a_guest_is_learned_from_slack_and_sees_no_contacts_in_app_home(
    runtime: Runtime, slack: SlackClientSim, slack_api: SlackStandIn, lead: int
) -> None:
    slack_api.users[GUEST] = {"is_restricted": True}
    runtime.leads.claim(lead, GUEST)
    slack.home_opened(GUEST)
    drain(runtime)  # the look-up (users.info) and the Home tab, in that order
    with runtime.db.read() as session:
        assert session.get(people.Person, GUEST).is_guest is True  # type: ignore[union-attr]
    [home] = [c for c in slack_api.successful_calls("views.publish") if c.args["user_id"] == GUEST]
    shown = json.dumps(home.args["view"], ensure_ascii=False)
    assert "Kimura Soft" in shown and NAME not in shown


def test_a_dm_to_a_guest_names_no_one(runtime: Runtime, slack_api: SlackStandIn, lead: int) -> None:
    known_guest(runtime)
    runtime.leads.reassign(lead, "U0MANAGER1", GUEST)
    drain(runtime)
    [dm] = [c for c in slack_api.successful_calls("chat.postMessage") if c.args["channel"] == GUEST]
    shown = json.dumps(dm.args, ensure_ascii=False)
    assert f"lead #{lead}" in shown and "Kimura Soft" in shown
    for contact in (NAME, EMAIL, PHONE):
        assert contact not in shown, contact


class TestRoles:
    @pytest.fixture
    def policy(self) -> Policy:  # only the policy's roles see contact details
        return parse_policy(STANDARD + "privacy: {contact_details: roles}\n")

    def test_only_the_policys_people_see_contacts(
        self, runtime: Runtime, slack: SlackClientSim, lead: int
    ) -> None:
        outsider = ask(slack, f"#{lead}", "U0SOMEONE9")
        assert NAME not in outsider and "Kimura Soft" in outsider
        manager = ask(slack, f"#{lead}", "U0MANAGER1")
        assert NAME in manager
