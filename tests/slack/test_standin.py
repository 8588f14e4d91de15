"""The Slack stand-in and signing helpers, exercised through the real slack_sdk and Bolt."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from tests.support.slack_api import RESPONSE_URL_USES, SlackStandIn

SECRET = "test-signing-secret"
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*New lead*"}}]


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as s:
        yield s


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.url)


def test_post_then_update_are_recorded_with_parsed_blocks(
    standin: SlackStandIn, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel="C0SALES", text="lead", blocks=BLOCKS)
    # A form-encoded body carries blocks as a JSON string, as Slack receives it.
    form = client.api_call(
        "chat.postMessage", params={"channel": "C0SALES", "blocks": json.dumps(BLOCKS)}
    )
    client.chat_update(channel="C0SALES", ts=posted["ts"], text="claimed", blocks=BLOCKS)

    assert [c.method for c in standin.calls()] == [
        "chat.postMessage",
        "chat.postMessage",
        "chat.update",
    ]
    first, second = standin.calls("chat.postMessage")
    assert first.args["blocks"] == BLOCKS and second.args["blocks"] == BLOCKS
    assert first.token == "xoxb-test" and "token" not in first.args
    assert posted["ts"] < form["ts"] and len(posted["ts"].split(".")[1]) == 6
    assert posted["message"]["blocks"] == BLOCKS
    update = standin.calls("chat.update")[0]
    assert update.args["ts"] == posted["ts"] and update.args["blocks"] == BLOCKS
    assert update.response == {
        "ok": True,
        "channel": "C0SALES",
        "ts": posted["ts"],
        "text": "claimed",
        "message": update.response["message"] if update.response else None,
    }
    assert standin.violations == []


def test_default_answers_look_like_slack(standin: SlackStandIn, client: WebClient) -> None:
    assert client.auth_test()["user_id"] == "UBATONBOT"
    assert client.conversations_open(users="U0REP1,U0REP2")["channel"]["id"] == "DU0REP1"
    link = client.chat_getPermalink(channel="C0SALES", message_ts="1763700000.000100")
    assert link["permalink"] == "https://example.slack.com/archives/C0SALES/p1763700000000100"
    user = client.users_info(user="U0REP1", include_locale=True)["user"]
    assert (user["id"], user["tz"], user["tz_offset"], user["locale"]) == (
        "U0REP1",
        "Asia/Tokyo",
        32400,
        "en-US",
    )
    # As Slack: the locale only when asked for it.
    assert "locale" not in client.users_info(user="U0REP1")["user"]
    standin.locale = "ja-JP"
    assert client.users_info(user="U0REP2", include_locale=True)["user"]["locale"] == "ja-JP"
    view = {"type": "modal", "callback_id": "claim", "title": {"type": "plain_text", "text": "x"}}
    opened = client.views_open(trigger_id="t.1", view=view)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "claim"
    assert client.chat_postEphemeral(channel="C0SALES", user="U0REP1", text="x")["message_ts"]
    assert client.conversations_members(channel="C0SALES")["members"] == []
    assert standin.violations == []


def test_missing_required_parameter_is_a_violation(
    standin: SlackStandIn, client: WebClient
) -> None:
    with pytest.raises(SlackApiError) as err:
        client.api_call("chat.postMessage", json={"text": "no channel"})
    assert err.value.response["error"] == "invalid_arguments"
    assert len(standin.violations) == 1
    assert "chat.postMessage" in standin.violations[0] and "channel" in standin.violations[0]
    with pytest.raises(AssertionError, match=r"chat\.postMessage"):
        standin.assert_no_violations()


def test_unknown_method_is_a_violation(standin: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        client.api_call("chat.postMessages", json={"channel": "C0SALES"})
    assert err.value.response["error"] == "unknown_method"
    assert standin.violations == ["chat.postMessages: unknown method"]


def test_429_reaches_the_client_with_retry_after(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C0SALES", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    assert err.value.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C0SALES", text="x")["ok"]  # only `times=1`
    assert [c.status for c in standin.calls()] == [429, 200]


def test_rate_limit_retry_handler_retries_and_succeeds(standin: SlackStandIn) -> None:
    client = WebClient(
        token="xoxb-test",
        base_url=standin.url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    standin.fail("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel="C0SALES", text="x")["ok"]
    assert [c.status for c in standin.calls("chat.postMessage")] == [429, 200]
    assert len(standin.successful_calls("chat.postMessage")) == 1


def test_error_answer_and_wildcard(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail("chat.postMessage", error="channel_not_found")
    standin.fail("*", status=503)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C0GONE", text="x")
    assert (err.value.response.status_code, err.value.response["error"]) == (
        200,
        "channel_not_found",
    )
    with pytest.raises(SlackApiError) as err:
        client.users_info(user="U0REP1")
    assert err.value.response.status_code == 503
    assert client.users_info(user="U0REP1")["ok"]


def test_server_errors_during_a_window(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_for(600, status=500)  # outlasts the calls below on any machine
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            client.chat_postMessage(channel="C0SALES", text="x")
        assert err.value.response.status_code == 500
    standin.stop_failing()
    assert client.chat_postMessage(channel="C0SALES", text="x")["ok"]
    assert [c.status for c in standin.calls()] == [500, 500, 200]
    assert len(standin.successful_calls("chat.postMessage")) == 1


def test_a_window_from_the_first_call_ends_on_its_own(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail_for(0.2, status=503, from_first_call=True)
    time.sleep(0.3)  # the window has not started: it waits for its first call
    with pytest.raises(SlackApiError) as err:
        client.auth_test()
    assert err.value.response.status_code == 503
    time.sleep(0.3)  # now it is over
    assert client.auth_test()["ok"]
    assert [c.status for c in standin.calls()] == [503, 200]


def test_channel_rate_limit_applies_per_channel(standin: SlackStandIn, client: WebClient) -> None:
    standin.rate_limit_channels(per_second=0.01)  # the second post comes well within 100 s
    client.chat_postMessage(channel="C0SALES", text="1")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C0SALES", text="2")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "1"
    client.chat_postMessage(channel="C0OTHER", text="3")
    assert [(c.args["channel"], c.status) for c in standin.calls()] == [
        ("C0SALES", 200),
        ("C0SALES", 429),
        ("C0OTHER", 200),
    ]


def test_channel_rate_limit_lets_posts_through_after_the_interval(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.rate_limit_channels(per_second=20.0)
    client.chat_postMessage(channel="C0SALES", text="1")
    time.sleep(0.08)
    client.chat_postMessage(channel="C0SALES", text="2")
    assert [c.status for c in standin.calls()] == [200, 200]


def test_wait_for_returns_calls_made_by_another_thread(
    standin: SlackStandIn, client: WebClient
) -> None:
    def later() -> None:
        time.sleep(0.1)
        client.chat_postMessage(channel="C0SALES", text="late")

    threading.Thread(target=later).start()
    started = time.monotonic()
    calls = standin.wait_for("chat.postMessage", timeout=120)
    assert calls[0].args["text"] == "late"
    # Far below the timeout, however busy the machine: it woke when the call came.
    assert time.monotonic() - started < 60, "wait_for must wake when the call arrives"


def test_wait_for_timeout_explains_what_was_seen(standin: SlackStandIn, client: WebClient) -> None:
    client.chat_postMessage(channel="C0SALES", text="only this")
    started = time.monotonic()
    with pytest.raises(AssertionError) as err:
        standin.wait_for("chat.update", count=1, timeout=0.2)
    assert time.monotonic() - started >= 0.2
    message = str(err.value)
    assert "'chat.update'" in message and "chat.postMessage" in message
    assert "only this" in message


def test_delay_slows_every_answer(standin: SlackStandIn, client: WebClient) -> None:
    standin.delay = 0.2
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.2


# --- conversations: DMs and threads, as Slack keeps them ------------------------------------


def test_reading_a_dm_needs_its_channel_id_not_the_users_id(
    standin: SlackStandIn, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel="U0MANAGER1", text="escalation")
    # Slack answers a post to a user id with the DM's id: the one to read it back with.
    assert posted["channel"] == "DU0MANAGER1"
    assert client.conversations_open(users="U0MANAGER1")["channel"]["id"] == "DU0MANAGER1"
    for method, args in [
        ("conversations.history", {"channel": "U0MANAGER1"}),
        ("conversations.history", {"channel": "W0MANAGER1"}),
        ("conversations.replies", {"channel": "U0MANAGER1", "ts": posted["ts"]}),
    ]:
        with pytest.raises(SlackApiError) as err:
            client.api_call(method, params=args)
        answer = err.value.response
        assert (answer.status_code, answer["error"]) == (200, "channel_not_found"), method
    history = client.conversations_history(channel="DU0MANAGER1")["messages"]
    assert [m["ts"] for m in history] == [posted["ts"]]
    assert [m["text"] for m in standin.messages("U0MANAGER1")] == ["escalation"]
    assert standin.violations == []


def test_history_has_top_level_messages_and_replies_have_the_thread(
    standin: SlackStandIn, client: WebClient
) -> None:
    card = client.chat_postMessage(channel="C0SALES", text="card")["ts"]
    tag = {"event_type": "baton_outbox", "event_payload": {"outbox_id": 7, "part": 1}}
    reply = client.chat_postMessage(channel="C0SALES", text="nudge", thread_ts=card, metadata=tag)
    shared = client.chat_postMessage(
        channel="C0SALES", text="claimed", thread_ts=card, reply_broadcast=True
    )["ts"]
    later = client.chat_postMessage(channel="C0SALES", text="next card")["ts"]

    history = client.conversations_history(channel="C0SALES", include_all_metadata=True)
    # A reply is not in the channel's history (one also sent to the channel is).
    assert [m["ts"] for m in history["messages"]] == [later, shared, card]
    assert all(m.get("metadata") != tag for m in history["messages"])
    parent = history["messages"][2]
    assert (parent["thread_ts"], parent["reply_count"], parent["latest_reply"]) == (card, 2, shared)
    assert "reply_count" not in history["messages"][0]
    assert history["messages"][1]["subtype"] == "thread_broadcast"

    thread = client.conversations_replies(channel="C0SALES", ts=card, include_all_metadata=True)
    assert [m["ts"] for m in thread["messages"]] == [card, reply["ts"], shared]
    assert thread["messages"][1]["metadata"] == tag
    assert thread["messages"][1]["thread_ts"] == card
    # `ts` may name any message of the thread; a message without replies is its own thread.
    by_reply = client.conversations_replies(channel="C0SALES", ts=reply["ts"])
    assert [m["ts"] for m in by_reply["messages"]] == [card, reply["ts"], shared]
    assert "metadata" not in by_reply["messages"][1]
    alone = client.conversations_replies(channel="C0SALES", ts=later)["messages"]
    assert [m["ts"] for m in alone] == [later]
    with pytest.raises(SlackApiError) as err:
        client.conversations_replies(channel="C0SALES", ts="1700000000.000100")
    assert err.value.response["error"] == "thread_not_found"
    # The test helper lists everything posted to the channel.
    assert len(standin.messages("C0SALES")) == 4


# --- answers held back after Slack accepted the call --------------------------------------


def _post_in_background(client: WebClient, **args: Any) -> tuple[threading.Thread, list[Any]]:
    answers: list[Any] = []
    thread = threading.Thread(target=lambda: answers.append(client.chat_postMessage(**args)))
    thread.start()
    return thread, answers


def test_stall_holds_the_nth_answer_for_one_conversation_until_released(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.stall("chat.postMessage", after=1, landing_in="DU0MANAGER1")
    assert client.chat_postMessage(channel="U0MANAGER1", text="first")["ok"]  # let through
    assert client.chat_postMessage(channel="C0SALES", text="card")["ok"]  # another channel
    thread, answers = _post_in_background(client, channel="U0MANAGER1", text="second")

    [held] = standin.wait_held(1, timeout=60)
    # Slack has the message; its sender is still waiting to hear so.
    assert [m["text"] for m in standin.messages("U0MANAGER1")] == ["first", "second"]
    assert held.args["text"] == "second" and held.response is not None
    thread.join(0.2)
    assert thread.is_alive() and answers == []
    standin.release()
    thread.join(60)
    assert answers and answers[0]["ts"] == held.response["ts"]

    # A release drops the holds it did not use; a new stall holds again.
    assert client.chat_postMessage(channel="U0MANAGER1", text="third")["ok"]
    standin.stall("chat.postMessage")
    thread, answers = _post_in_background(client, channel="C0SALES", text="fourth")
    assert [c.args["text"] for c in standin.wait_held(2, timeout=60)] == ["second", "fourth"]
    thread.join(0.2)
    assert thread.is_alive() and answers == []
    standin.release()
    thread.join(60)
    assert answers and answers[0]["ok"]


def test_wait_held_timeout_explains_what_was_seen(standin: SlackStandIn, client: WebClient) -> None:
    standin.stall("chat.postMessage", landing_in="DU0MANAGER1")
    client.chat_postMessage(channel="C0SALES", text="not this one")
    with pytest.raises(AssertionError) as err:
        standin.wait_held(1, timeout=0.2)
    assert "DU0MANAGER1" in str(err.value) and "not this one" in str(err.value)


def test_response_url_records_posts_and_refuses_reuse(standin: SlackStandIn) -> None:
    hook = WebhookClient(standin.response_url("claim-1"))
    for i in range(RESPONSE_URL_USES):
        assert hook.send(text=f"update {i}", replace_original=True).status_code == 200
    assert hook.send(text="one too many").status_code == 404
    calls = standin.calls("response_url")
    assert [c.target for c in calls] == ["claim-1"] * (RESPONSE_URL_USES + 1)
    assert calls[0].args == {"text": "update 0", "replace_original": True}
    assert len(standin.violations) == 1
