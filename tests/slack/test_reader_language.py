"""Each person in their own language: Slack's locale (looked up off the ack path, kept
for a day), their own choice with `/lead-status lang`, and the route's for channels."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.core.policy import Policy, parse_policy
from bot.runtime import Runtime
from bot.store.models import OutboxMessage, Person
from bot.store.outbox import Intent
from tests.slack.conftest import HandOff
from tests.support.clock import FakeClock
from tests.support.policies import STANDARD
from tests.support.sla import posts
from tests.support.slack_api import SlackStandIn
from tests.support.slack_app import SlackClientSim, drain

JA_REP = "U0REPJA"
EN_REP = "U0REPEN"
HELP_EN = "*How to use /lead-status*"
HELP_JA = "*/lead-status の使い方*"


def ask(slack: SlackClientSim, text: str, user: str) -> str:
    answer = slack.command("/lead-status", text, user=user)
    assert answer.status_code == 200
    body = json.loads(answer.data)
    assert body["response_type"] == "ephemeral"
    return str(body["text"])


def look_ups(runtime: Runtime) -> list[str]:
    with runtime.db.read() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == str(Intent.LOOK_UP_PERSON))
        )
        return [str(row.payload["user"]) for row in rows]


@pytest.fixture(autouse=True)
def people(slack_api: SlackStandIn) -> None:
    slack_api.users[JA_REP] = {"locale": "ja-JP"}
    slack_api.users[EN_REP] = {"locale": "en-US"}


class TestSlackLocale:
    def test_a_japanese_user_under_an_english_policy_reads_japanese(
        self, slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
    ) -> None:
        # The first answer cannot wait for Slack: the policy's language, and a look-up
        # queued for afterwards. Nothing was asked of Slack on the way.
        assert ask(slack, "help", JA_REP).startswith(HELP_EN)
        assert slack_api.calls() == []
        assert look_ups(runtime) == [JA_REP]
        drain(runtime)
        [call] = slack_api.calls("users.info")
        assert call.args["user"] == JA_REP and call.args["include_locale"] in (True, "true", "1")
        assert ask(slack, "help", JA_REP).startswith(HELP_JA)
        assert ask(slack, "help", EN_REP).startswith(HELP_EN)


class TestJapanesePolicy:
    @pytest.fixture
    def policy(self) -> Policy:
        return parse_policy(STANDARD.replace("locale: en", "locale: ja"))

    def test_an_english_user_under_a_japanese_policy_reads_english(
        self, slack: SlackClientSim, runtime: Runtime
    ) -> None:
        assert ask(slack, "help", EN_REP).startswith(HELP_JA)
        drain(runtime)
        assert ask(slack, "help", EN_REP).startswith(HELP_EN)
        assert ask(slack, "ヘルプ", JA_REP).startswith(HELP_JA)

    @pytest.mark.parametrize("words", ["lang en", "LANG English", "言語 英語", "language en"])
    def test_japanese_and_english_keywords(
        self, slack: SlackClientSim, runtime: Runtime, words: str
    ) -> None:
        assert ask(slack, words, JA_REP).startswith("From now on Baton writes to you in English")
        assert ask(slack, "help", JA_REP).startswith(HELP_EN)


class TestLookUps:
    def test_slack_is_asked_once_a_day(
        self, slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, clock: FakeClock
    ) -> None:
        for _ in range(3):
            ask(slack, "help", JA_REP)
        assert look_ups(runtime) == [JA_REP]  # one on its way is enough
        drain(runtime)
        clock.advance(hours=23)
        ask(slack, "help", JA_REP)
        drain(runtime)
        assert len(slack_api.calls("users.info")) == 1
        slack_api.users[JA_REP] = {"locale": "en-US"}  # they switched Slack to English
        clock.advance(hours=2)
        assert ask(slack, "help", JA_REP).startswith(HELP_JA)  # what Baton knew
        drain(runtime)
        assert len(slack_api.calls("users.info")) == 2
        assert ask(slack, "help", JA_REP).startswith(HELP_EN)

    def test_without_the_scope_everyone_reads_the_policy_language(
        self, slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
    ) -> None:
        slack_api.fail("users.info", error="missing_scope")
        ask(slack, "help", JA_REP)
        drain(runtime)
        assert ask(slack, "help", JA_REP).startswith(HELP_EN)
        # Not asked again on every click, and no dead letter for an operator to clear.
        ask(slack, "help", JA_REP)
        assert look_ups(runtime) == [JA_REP]
        with runtime.db.read() as session:
            row = session.scalars(select(OutboxMessage)).one()
            person = session.get(Person, JA_REP)
        assert row.sent_at is not None and row.dead_at is None
        assert person is not None and person.checked_at is not None

    def test_a_look_up_slack_cannot_answer_now_is_tried_again(
        self, slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, clock: FakeClock
    ) -> None:
        slack_api.fail("users.info", status=503)
        ask(slack, "help", JA_REP)
        drain(runtime)
        assert ask(slack, "help", JA_REP).startswith(HELP_EN)
        clock.advance(minutes=5)
        drain(runtime)
        assert ask(slack, "help", JA_REP).startswith(HELP_JA)


class TestChosenLanguage:
    def test_lang_sets_the_language_and_answers_in_it(
        self, slack: SlackClientSim, runtime: Runtime
    ) -> None:
        set_ja = ask(slack, "lang ja", EN_REP)
        assert set_ja.startswith("今後、Baton からの返信・DM・ホームタブを日本語で表示します。")
        drain(runtime)  # Slack says English: the choice wins
        assert ask(slack, "help", EN_REP).startswith(HELP_JA)
        assert ask(slack, "言語", EN_REP).startswith("Baton はご指定どおり日本語で表示しています。")
        back = ask(slack, "言語 自動", EN_REP)
        assert back.startswith("Baton follows your Slack language again (English for now).")
        assert ask(slack, "lang", EN_REP).startswith(
            "Baton writes to you in English, the language of your Slack."
        )

    def test_an_unknown_language_changes_nothing(
        self, slack: SlackClientSim, runtime: Runtime
    ) -> None:
        shown = ask(slack, "lang fr", EN_REP)
        assert shown.startswith("Baton cannot write in “fr”.")
        assert "`/lead-status lang ja`" in shown
        with runtime.db.read() as session:
            person = session.get(Person, EN_REP)
        assert person is None or person.chosen_locale is None

    def test_the_home_tab_is_redrawn_in_the_new_language(
        self, slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn
    ) -> None:
        ask(slack, "lang ja", EN_REP)
        drain(runtime)
        [published] = slack_api.calls("views.publish")
        assert published.args["user_id"] == EN_REP
        assert published.args["view"]["blocks"][0]["text"]["text"] == "Baton・担当リード"


class TestMessagesToOnePerson:
    def test_an_escalation_dm_is_in_the_managers_language_from_the_first(
        self,
        runtime: Runtime,
        slack_api: SlackStandIn,
        hand_off: HandOff,
        clock: FakeClock,
    ) -> None:
        slack_api.users["U0MANAGER1"] = {"locale": "ja-JP"}
        lead = hand_off()  # the default route: escalates to the managers at its deadline
        drain(runtime)
        clock.advance(minutes=31)
        runtime.scheduler.run_due()
        drain(runtime)
        [dm] = posts(slack_api, "DU0MANAGER1")
        assert f"リード #{lead.id}" in dm.args["text"]
        card, *replies = posts(slack_api, "C0SALES")
        assert "Unclaimed" in json.dumps(card.args["blocks"])  # the channel stays English
        assert replies and all("Escalated" in r.args["text"] for r in replies)

    def test_a_claim_race_loser_is_told_in_their_language(
        self, slack: SlackClientSim, runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
    ) -> None:
        lead = hand_off()
        ask(slack, "lang ja", JA_REP)
        slack.click("lead_claim", str(lead.id), user=EN_REP)
        slack.click("lead_claim", str(lead.id), user=JA_REP)
        drain(runtime)
        [note] = slack_api.calls("chat.postEphemeral")
        assert note.args["user"] == JA_REP
        assert "担当" in note.args["text"] and "<@U0REPEN> さん" in note.args["text"]


class TestRouteLanguage:
    @pytest.fixture
    def policy(self) -> Policy:
        # A Japanese sales channel in an English-speaking company.
        text = STANDARD.replace("    channel: C0SALES\n", "    channel: C0SALES\n    locale: ja\n")
        return parse_policy(text)

    def test_the_card_follows_the_route(
        self, runtime: Runtime, slack_api: SlackStandIn, hand_off: HandOff
    ) -> None:
        hand_off()
        hand_off(segment="enterprise", email="x@example.com")
        drain(runtime)
        [ja_card] = posts(slack_api, "C0SALES")
        [en_card] = posts(slack_api, "C0ENTERPRISE")
        ja = json.dumps(ja_card.args["blocks"], ensure_ascii=False)
        en = json.dumps(en_card.args["blocks"], ensure_ascii=False)
        assert "担当者未定" in ja and "担当決定期限" in ja
        assert "Unclaimed" in en
