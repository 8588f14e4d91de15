"""Nudges, escalation DMs and their actions, through delivery to the Slack stand-in and
through signed requests into the app. The clock is a FakeClock: handed off at 10:00 on
Friday 2026-11-20 in Tokyo, an enterprise lead's claim is due at 10:15."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from bot.core.policy import Policy, parse_policy
from bot.core.settings import Settings
from bot.runtime import Runtime
from bot.slack_app import create_bolt_app
from bot.store.models import DueWork, InSlack, OutboxMessage
from bot.web import create_web_app
from tests.support.clock import FakeClock
from tests.support.policies import STANDARD
from tests.support.sla import (
    MANAGER,
    action_ids,
    at,
    hand_off,
    make_runtime,
    posts,
    tokyo,
)
from tests.support.slack_api import Call, SlackStandIn
from tests.support.slack_app import drain


@pytest.fixture
def rt(settings: Settings, policy: Policy, clock: FakeClock) -> Iterator[Runtime]:
    built = make_runtime(settings, policy, clock)
    yield built
    built.close()


# --- escalations ----------------------------------------------------------------------


def test_metrics_count_nudges_and_escalations_by_clock_and_level(
    rt: Runtime, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    web = create_web_app(rt, create_bolt_app(rt)).test_client()

    def sample(name: str, **labels: str) -> float:
        wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        for line in web.get("/metrics").get_data(as_text=True).splitlines():
            if line.startswith(f"{name}{{{wanted}}} "):
                return float(line.split()[-1])
        return 0.0

    nudges = {"name": "baton_nudges_sent_total", "route": "enterprise"}
    escalations = {"name": "baton_escalations_sent_total", "route": "enterprise"}

    def counts() -> dict[str, float]:
        return {
            "claim nudge": sample(**nudges, clock="claim"),
            "claim 1": sample(**escalations, clock="claim", level="1"),
            "claim 2": sample(**escalations, clock="claim", level="2"),
            "touch nudge": sample(**nudges, clock="first_touch"),
            "touch 1": sample(**escalations, clock="first_touch", level="1"),
        }

    before = counts()
    hand_off(rt, 1)
    at(rt, clock, tokyo(10, 10))  # the claim nudge
    at(rt, clock, tokyo(10, 15))  # level 1, to one manager
    at(rt, clock, tokyo(10, 45))  # level 2, to the managers, with a repost
    rt.leads.claim(hand_off(rt, 2), "U0REP1")  # first touch due 12:45
    at(rt, clock, tokyo(12, 40))  # the owner's nudge
    drain(rt)
    after = counts()
    grown = {key: after[key] - before[key] for key in before}
    # Lead 2 was handed off at 10:45 and claimed at once: its claim clock never ran out.
    assert grown == {
        "claim nudge": 1,
        "claim 1": 1,
        "claim 2": 1,
        "touch nudge": 1,
        "touch 1": 0,
    }
    assert 'level="unknown"' not in web.get("/metrics").get_data(as_text=True)


def test_escalation_dm_states_the_lateness_at_send_time_and_offers_actions(
    rt: Runtime, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(rt)
    at(rt, clock, tokyo(10, 15))
    clock.set(tokyo(10, 20))  # delivery gets to it five minutes later
    drain(rt)
    [dm] = posts(slack_api, f"D{MANAGER}")
    # Posted to the manager's user id, which lands in the DM: no conversations.open first.
    assert dm.args["channel"] == MANAGER and slack_api.calls("conversations.open") == []
    assert "missed its claim deadline and is 5 min overdue" in dm.args["text"]
    assert f"#{lead_id}" in dm.args["text"] and "Aiko Tanaka 1" in dm.args["text"]
    assert action_ids(dm) == ["lead_claim", "lead_reassign", "lead_snooze"]
    actions = next(b for b in dm.args["blocks"] if b["type"] == "actions")
    assert actions["block_id"] == f"baton_escalation:{lead_id}"
    claim = actions["elements"][0]
    assert claim["value"] == str(lead_id)
    text = json.dumps(dm.args["blocks"], ensure_ascii=False)
    assert "Owner: nobody yet" in text and "Escalation level 1" in text
    assert "Example KK" in text and "<#C0ENTERPRISE>" in text
    payload = dm.args["metadata"]["event_payload"]
    with rt.db.read() as s:
        work_id = s.scalars(select(DueWork.id).where(DueWork.level == 1)).one()
    assert payload["due_work_id"] == work_id and payload["user"] == MANAGER


def test_level_two_reaches_the_managers_and_asks_for_a_repost(
    rt: Runtime, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(rt)
    at(rt, clock, tokyo(10, 15))
    at(rt, clock, tokyo(10, 45))
    drain(rt)
    dms = posts(slack_api, f"D{MANAGER}")
    assert ["Escalation level 1" in json.dumps(d.args["blocks"]) for d in dms] == [True, False]
    assert "30 min overdue" in dms[1].args["text"]
    with rt.db.read() as s:
        reposts = s.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.lead_id == lead_id, OutboxMessage.kind == "card.post"
            )
        ).all()
    assert {"repost": True} in reposts


def test_an_owned_lead_offers_no_claim_button(
    rt: Runtime, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(rt)
    rt.leads.claim(lead_id, "U0REP1")  # first touch due 12:00
    at(rt, clock, tokyo(12, 5))
    drain(rt)
    [dm] = posts(slack_api, f"D{MANAGER}")
    assert "has had no first touch and is 5 min overdue" in dm.args["text"]
    assert action_ids(dm) == ["lead_reassign", "lead_snooze"]
    assert "Owner: <@U0REP1>" in json.dumps(dm.args["blocks"])


def test_a_clock_met_between_dispatch_and_delivery_sends_nothing(
    rt: Runtime, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(rt)
    at(rt, clock, tokyo(10, 15))
    clock.set(tokyo(10, 16))
    rt.leads.claim(lead_id, "U0REP1")
    drain(rt)
    assert posts(slack_api, f"D{MANAGER}") == []
    with rt.db.read() as s:
        result = s.scalars(
            select(OutboxMessage.result).where(OutboxMessage.kind == "due.send")
        ).one()
    assert result == {"skipped": "the clock was met or the lead closed before sending"}


def test_japanese_escalation(settings: Settings, clock: FakeClock, slack_api: SlackStandIn) -> None:
    slack_api.locale = "ja-JP"  # a Tokyo team's Slack
    rt = make_runtime(settings, parse_policy(STANDARD.replace("locale: en", "locale: ja")), clock)
    try:
        hand_off(rt)
        at(rt, clock, tokyo(10, 15))
        clock.set(tokyo(11, 20))
        drain(rt)
    finally:
        rt.close()
    [dm] = posts(slack_api, f"D{MANAGER}")
    assert "（Aiko Tanaka 1 様）の担当決定期限を過ぎています（超過：1時間5分）。" in dm.args["text"]
    buttons = json.dumps(dm.args["blocks"], ensure_ascii=False)
    assert "自分が担当する" in buttons
    assert "担当者：未定・エスカレーション第1段階・期限：<!date^" in buttons
    assert "|11月20日(金) 10:15>" in buttons


# --- nudges ----------------------------------------------------------------------------


def nudges(api: SlackStandIn, channel: str) -> list[Call]:
    return [
        c
        for c in posts(api, channel)
        if "due_work_id" in ((c.args.get("metadata") or {}).get("event_payload") or {})
    ]


def test_claim_nudge_replies_in_the_cards_thread(
    rt: Runtime, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    hand_off(rt)
    drain(rt)  # the card goes out
    [card] = posts(slack_api, "C0ENTERPRISE")
    at(rt, clock, tokyo(10, 10))
    drain(rt)
    [nudge] = nudges(slack_api, "C0ENTERPRISE")
    assert nudge.args["thread_ts"] == card.response["ts"]  # type: ignore[index]
    # Nobody is listed as a rep, so anyone may claim: whoever is around is asked.
    assert nudge.args["text"].startswith("<!here> Lead #")
    assert "still unclaimed" in nudge.args["text"] and "(in 5 min)" in nudge.args["text"]


def test_claim_nudge_mentions_the_configured_people(
    settings: Settings, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    text = STANDARD.replace(
        "    remind_before: 5m\n", "    remind_before: 5m\n    remind: [reps, S0HOTDESK]\n"
    )
    text = text.replace("reps: []", "reps: [U0REP1, U0REP2]")
    rt = make_runtime(settings, parse_policy(text), clock)
    try:
        lead_id = hand_off(rt)
        with rt.db.transaction() as s:  # its card could not be posted: a dead letter
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.lead_id == lead_id, OutboxMessage.kind == "card.post")
                .values(dead_at=clock())
            )
        at(rt, clock, tokyo(10, 10))
        drain(rt)
    finally:
        rt.close()
    [nudge] = nudges(slack_api, "C0ENTERPRISE")
    assert "thread_ts" not in nudge.args  # no card: the nudge goes to the channel itself
    assert nudge.args["text"].startswith("<@U0REP1> <@U0REP2> <!subteam^S0HOTDESK> Lead #")


def test_first_touch_nudge_is_a_dm_with_a_log_first_touch_button(
    rt: Runtime, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(rt)
    rt.leads.claim(lead_id, "U0REP1")
    at(rt, clock, tokyo(11, 55))
    drain(rt)
    [dm] = posts(slack_api, "DU0REP1")
    assert "log your first touch" in dm.args["text"]
    assert action_ids(dm) == ["lead_touch"]
    assert dm.args["blocks"][-1]["elements"][0]["value"] == str(lead_id)


# --- crash safety of the send ----------------------------------------------------------


def forget_the_send(rt: Runtime, row_id: int) -> None:
    """The state a process leaves when it dies after Slack answered, before recording it."""
    with rt.db.transaction() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(sent_at=None, leased_until=None, result=None)
        )


def test_a_dm_sent_just_before_a_crash_is_not_sent_again(
    rt: Runtime, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    hand_off(rt)
    at(rt, clock, tokyo(10, 15))
    drain(rt)
    with rt.db.read() as s:
        row_id = s.scalars(select(OutboxMessage.id).where(OutboxMessage.kind == "due.send")).one()
    forget_the_send(rt, row_id)
    drain(rt)
    assert len(posts(slack_api, f"D{MANAGER}")) == 1
    assert slack_api.successful_calls("conversations.history")
    with rt.db.read() as s:
        row = s.get(OutboxMessage, row_id)
    assert row is not None and row.sent_at is not None and row.result
    # looked for by the DM's id (history of a user id is channel_not_found in Slack)
    assert {c.args["channel"] for c in slack_api.calls("conversations.history")} == {f"D{MANAGER}"}


def test_a_dm_that_never_reached_slack_is_sent_on_the_retry(
    rt: Runtime, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    hand_off(rt)
    at(rt, clock, tokyo(10, 15))
    with rt.db.transaction() as s:  # leased once by a process that died before posting
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == "due.send")
            .values(attempts=1, in_slack=InSlack.SENDING)
        )
    drain(rt)
    assert len(posts(slack_api, f"D{MANAGER}")) == 1
    assert slack_api.successful_calls("conversations.history")


# --- the weekly report -------------------------------------------------------------------


def test_the_weekly_digest_is_posted_to_the_marketing_channel(
    settings: Settings, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    policy = parse_policy(STANDARD + "digest: {channel: C0MARKETING, weekly: Fri 10:30}\n")
    rt = make_runtime(settings, policy, clock)
    try:
        lead_id = hand_off(rt)
        clock.set(tokyo(10, 5))
        rt.leads.claim(lead_id, "U0REP1")
        clock.set(tokyo(10, 31))
        assert rt.scheduler.periodic.post_weekly_report()
        # once per week, however often it runs
        assert not rt.scheduler.periodic.post_weekly_report()
        drain(rt)
    finally:
        rt.close()
    [digest] = posts(slack_api, "C0MARKETING")
    assert digest.args["text"] == "Weekly lead handoff digest (2026-11-13 to 2026-11-20)"
    text = json.dumps(digest.args["blocks"])
    assert "*enterprise*: 1 handed off" in text
    assert "Claimed on time: 100% (1 of 1)" in text and "Median time to claim: 5 min" in text
    # The week's chart follows, as a file shared in the channel: a real PNG.
    [upload] = slack_api.successful_calls("files.getUploadURLExternal")
    assert upload.args["filename"] == "baton-funnel.png"
    [shared] = slack_api.successful_calls("files.completeUploadExternal")
    assert shared.args["channel_id"] == "C0MARKETING"
    assert shared.args["initial_comment"].startswith("Leads handed off in the week, by campaign")
    with slack_api.locked() as workspace:
        [file] = workspace.files.uploads.values()
        assert file.data is not None and file.data.startswith(b"\x89PNG")
        assert file.shared_in == ["C0MARKETING"]


# --- in the card's thread --------------------------------------------------------------


def test_escalations_and_reminders_appear_in_the_cards_thread(
    rt: Runtime, clock: FakeClock, slack_api: SlackStandIn
) -> None:
    lead_id = hand_off(rt)
    drain(rt)
    [card] = posts(slack_api, "C0ENTERPRISE")
    at(rt, clock, tokyo(10, 15))
    drain(rt)
    replies = [
        c.args["text"]
        for c in posts(slack_api, "C0ENTERPRISE")
        if c.args.get("thread_ts") == card.response["ts"]  # type: ignore[index]
    ]
    assert replies == ["🚨 Escalated: the claim deadline has passed; told <@U0MANAGER1>"], (
        f"lead {lead_id}"
    )
