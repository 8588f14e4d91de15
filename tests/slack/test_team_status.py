"""/lead-status away, back and pool through the real app (signed slash commands through
Bolt), on SQLite and PostgreSQL: answered in the ack, in the asker's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.policy import Policy
from bot.leads import availability
from bot.runtime import Runtime
from tests.slack.conftest import HandOff
from tests.slack.test_lead_status import ask
from tests.support.clock import FakeClock
from tests.support.slack_app import SlackClientSim
from tests.support.team import away_row, homes_queued, row_counts, team_policy

# Fri 2026-11-20 10:00 in Tokyo; through 12-10 is until 12-11 00:00 Tokyo, 12-10 15:00 UTC.
END_OF_DEC_10_TOKYO = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def policy() -> Policy:
    return team_policy()


def is_away(runtime: Runtime, user: str, at: datetime) -> bool:
    with runtime.db.read() as session:
        return availability.away_of(session, user, at) is not None


def test_away_until_back_then_back(
    slack: SlackClientSim, runtime: Runtime, clock: FakeClock
) -> None:
    shown, _ = ask(slack, "away")
    assert shown.startswith("You are away until you say you are back")
    row = away_row(runtime.db, "U0REP1")
    assert row is not None
    assert (row.away_from, row.away_until, row.away_set_by) == (clock(), None, "U0REP1")
    assert homes_queued(runtime.db) == ["U0REP1"]  # the Home tab is redrawn

    clock.advance(days=30)
    assert is_away(runtime, "U0REP1", clock())  # until they say so
    shown, _ = ask(slack, "back")
    assert shown.startswith("Welcome back")
    assert not is_away(runtime, "U0REP1", clock())
    assert homes_queued(runtime.db) == ["U0REP1", "U0REP1"]

    shown, _ = ask(slack, "back")  # not away: nothing to change
    assert shown == "You were not marked away, so nothing changed."
    assert homes_queued(runtime.db) == ["U0REP1", "U0REP1"]


@pytest.mark.parametrize("typed", ["until 12/10", "until 2026-12-10", "12-10", "12月10日まで"])
def test_away_until_a_day_is_away_through_the_end_of_that_day(
    slack: SlackClientSim, runtime: Runtime, clock: FakeClock, typed: str
) -> None:
    shown, _ = ask(slack, f"away {typed}")
    assert shown.startswith("You are away through 2026-12-10: round robin and offers skip you")
    row = away_row(runtime.db, "U0REP1")
    assert row is not None and row.away_until == END_OF_DEC_10_TOKYO
    assert is_away(runtime, "U0REP1", END_OF_DEC_10_TOKYO - timedelta(seconds=1))
    assert not is_away(runtime, "U0REP1", END_OF_DEC_10_TOKYO)


def test_a_day_ends_where_the_rep_works(
    slack: SlackClientSim, runtime: Runtime, clock: FakeClock
) -> None:
    # U0REP4 works London hours (rep_calendars): through 12-10 is until midnight in London.
    ask(slack, "away until 12/10", user="U0REP4")
    row = away_row(runtime.db, "U0REP4")
    assert row is not None and row.away_until == datetime(2026, 12, 11, 0, 0, tzinfo=UTC)


def test_a_manager_marks_a_rep_away_and_back(
    slack: SlackClientSim, runtime: Runtime, clock: FakeClock
) -> None:
    shown, _ = ask(slack, "away <@U0REP2|sato> until 12/10", user="U0MANAGER1")
    assert shown.startswith("<@U0REP2> is away through 2026-12-10")
    row = away_row(runtime.db, "U0REP2")
    assert row is not None
    assert (row.away_until, row.away_set_by) == (END_OF_DEC_10_TOKYO, "U0MANAGER1")
    assert not is_away(runtime, "U0MANAGER1", clock())
    assert homes_queued(runtime.db) == ["U0REP2"]  # the rep's Home, not the manager's

    shown, _ = ask(slack, "back <@U0REP2>", user="U0MANAGER1")
    assert shown.startswith("<@U0REP2> is back")
    assert not is_away(runtime, "U0REP2", clock())


@pytest.mark.parametrize(
    "text", ["away <@U0REP2>", "away <@U0REP2|sato> until 12/10", "back <@U0REP2>"]
)
def test_someone_not_a_manager_cannot_mark_another_rep(
    slack: SlackClientSim, runtime: Runtime, clock: FakeClock, text: str
) -> None:
    with runtime.db.transaction() as session:  # U0REP2 away, so `back` would change it
        availability.set_away(session, "U0REP2", until=None, by="U0REP2", now=clock())
    ask(slack, "help")  # the asker's language looked up once, before counting
    before = row_counts(runtime.db), away_row(runtime.db, "U0REP2")
    shown, _ = ask(slack, text, user="U0REP1")
    assert shown.startswith("Only managers can set someone else away or back.")
    assert (row_counts(runtime.db), away_row(runtime.db, "U0REP2")) == before


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("until 2026-11-19", "“2026-11-19” is not a day from today on."),
        ("until 2/30", "“2/30” is not a day from today on."),
        ("until 12/10/2026", "“12/10/2026” is not a day from today on."),
        ("until", "Which day? None was given."),
        ("until someday", "“someday” is not something `/lead-status away` or `back` understands."),
    ],
)
def test_a_past_or_unreadable_day_gets_the_usage_and_changes_nothing(
    slack: SlackClientSim, runtime: Runtime, typed: str, problem: str
) -> None:
    ask(slack, "help")
    before = row_counts(runtime.db)
    shown, _ = ask(slack, f"away {typed}")
    assert shown.startswith(f"{problem}\n\n*Away and back*\n`/lead-status away`")
    assert row_counts(runtime.db) == before
    row = away_row(runtime.db, "U0REP1")
    assert row is None or row.away_from is None


# --- /lead-status pool ---------------------------------------------------------------------


def test_the_pool_with_each_reps_reason(
    slack: SlackClientSim, runtime: Runtime, hand_off: HandOff, clock: FakeClock
) -> None:
    ask(slack, "away <@U0REP2> until 12/10", user="U0MANAGER1")
    for n in range(2):  # two open leads of the claim route: U0REP3 is at max_open
        runtime.leads.claim(hand_off(email=f"c{n}@example.com").id, "U0REP3")
    given = hand_off(segment="smb", email="rr@example.com")  # round robin: U0REP1 first
    assert given.owner_id == "U0REP1"  # and at max_per_day 1 now

    shown, body = ask(slack, "pool inbound", user="U0MKT1")
    assert shown.splitlines() == [
        "*Pool of route inbound* (round robin, in turn): 1 of 5 can take a lead now",
        "⛔ <@U0REP1> — at today's cap (1/1) · 1/2 open",
        "🌴 <@U0REP2> — away through 2026-12-10 · 0/2 open · 0/1 given today",
        "⛔ <@U0REP3> — at the open-lead cap (2/2) · 0/1 given today",
        "🌙 <@U0REP4> — outside working hours · 0/2 open · 0/1 given today",
        "🟢 <@U0REP5> — can take a lead now · 0/2 open · 0/1 given today",
    ]
    assert body["text"].startswith("*Pool of route inbound*")


def test_a_pool_without_caps_still_counts_open_leads_and_today(
    slack: SlackClientSim, runtime: Runtime, hand_off: HandOff
) -> None:
    offered = hand_off(segment="enterprise", email="offer@example.com")
    shown, _ = ask(slack, "pool Enterprise")
    assert shown.splitlines() == [
        "*Pool of route enterprise* (offered to one rep at a time, fewest leads in the last "
        "7 days first): 2 of 2 can take a lead now",
        # the offer waiting for U0REP1's answer is one of their open leads, given today
        "🟢 <@U0REP1> — can take a lead now · 1 open · 1 given today",
        "🟢 <@U0REP2> — can take a lead now · 0 open · 0 given today",
    ]
    assert offered.status == "unclaimed"


def test_a_claim_route_says_it_uses_claim(slack: SlackClientSim) -> None:
    shown, _ = ask(slack, "pool default")
    assert shown.startswith("Route *default* uses Claim: its cards go to the channel")


@pytest.mark.parametrize("text", ["pool nowhere", "pool"])
def test_an_unknown_route_gets_the_usage_naming_the_routes(
    slack: SlackClientSim, text: str
) -> None:
    shown, _ = ask(slack, text)
    assert shown.endswith("Routes: `inbound`, `enterprise`, `default`")
    assert ("There is no route “nowhere”." in shown) is (text == "pool nowhere")


# --- in Japanese ---------------------------------------------------------------------------


class TestJapanese:
    @pytest.fixture
    def policy(self) -> Policy:
        return team_policy("ja")

    def test_japanese_keywords(
        self, slack: SlackClientSim, runtime: Runtime, clock: FakeClock
    ) -> None:
        shown, _ = ask(slack, "不在 12月10日まで")
        assert shown.startswith("12月10日(木)まで不在に設定しました。")
        row = away_row(runtime.db, "U0REP1")
        assert row is not None and row.away_until == END_OF_DEC_10_TOKYO
        shown, _ = ask(slack, "不在")
        assert shown.startswith("復帰するまで不在に設定しました。")
        shown, _ = ask(slack, "復帰")
        assert shown.startswith("復帰しました。")
        assert not is_away(runtime, "U0REP1", clock())

    def test_a_manager_and_a_refusal_in_japanese(
        self, slack: SlackClientSim, runtime: Runtime
    ) -> None:
        shown, _ = ask(slack, "不在 <@U0REP2> 12/10", user="U0MANAGER1")
        assert shown.startswith("<@U0REP2> さんを12月10日(木)まで不在に設定しました。")
        shown, _ = ask(slack, "復帰 <@U0REP2>", user="U0REP1")
        assert shown.startswith("ほかの方の不在・復帰を設定できるのはマネージャーのみです。")
        shown, _ = ask(slack, "不在 あさって")
        assert shown.startswith("「あさって」は `/lead-status 不在`・`復帰` の指定として")
        assert "*不在と復帰*" in shown

    def test_the_pool_in_japanese(
        self, slack: SlackClientSim, runtime: Runtime, hand_off: HandOff
    ) -> None:
        ask(slack, "不在 <@U0REP2>", user="U0MANAGER1")
        shown, _ = ask(slack, "割り当て対象 inbound")
        lines = shown.splitlines()
        assert lines[0] == (
            "*ルート「inbound」の割り当て対象*（ラウンドロビン、順番どおり）：5人中3人がいま受けられます"
        )
        assert lines[2] == "🌴 <@U0REP2> さん — 復帰するまで不在・対応中0／2件・本日0／1件"
        assert lines[4] == "🌙 <@U0REP4> さん — 勤務時間外・対応中0／2件・本日0／1件"
        shown, _ = ask(slack, "割り当て対象 default")
        assert shown.startswith("ルート「default」は「担当する」方式です。")
