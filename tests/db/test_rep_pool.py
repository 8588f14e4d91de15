"""A choice asks only about the reps of its pool it gets to (bot.leads.pool.Pool), on both
databases: a few in one statement, then more at a time, so a pool whose first reps in
line are all at a cap costs two statements, not one a rep; and each rep's day is their
own calendar's, also when the reps of one statement live in different time zones."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from bot.core.policy import parse_policy
from bot.leads import availability
from bot.leads.handoff import LeadInput
from bot.leads.lifecycle import LeadService
from bot.leads.pool import FIRST_ASKED
from bot.store.database import Database
from bot.store.models import Lead
from tests.support.clock import FakeClock
from tests.support.databases import statements_with
from tests.support.policies import pooled_and_claimed

LINE = [f"U0LINE{i:02d}" for i in range(FIRST_ASKED * 3)]


def service_for(
    db: Database, clock: FakeClock, pool: list[str], caps: str, pooled: str = "pooled"
) -> LeadService:
    """Route `pooled` (segment of the same name) assigns in turn; route `claimed` is left
    to Claim. U0LA works Los Angeles hours, around the clock; the others Tokyo's."""
    policy = pooled_and_claimed(
        f"{{mode: round_robin, pool: [{', '.join(pool)}]{caps}}}",
        pooled=pooled,
        extra=LA_REP,
    )
    return LeadService(db, parse_policy(policy), clock=clock)


LA_REP = """calendars:
  la-office: {timezone: America/Los_Angeles, hours: {mon-sun: "00:00-24:00"}}
rep_calendars: {U0LA: la-office}"""


def hand_off(service: LeadService, n: int, segment: str) -> Lead:
    lead = LeadInput(source="web", external_id=f"L{n}", name=f"Lead {n}", segment=segment)
    return service.hand_off(lead).lead


def count_state_questions(db: Database) -> list[str]:
    """Each statement asking reps whether they are away, and their caps' counts."""
    return statements_with(db.engine, "AS part")


def test_reps_at_a_cap_first_in_line_cost_two_statements_then_one(
    db: Database, clock: FakeClock
) -> None:
    pooled = f"line-{uuid4().hex[:8]}"  # a route this process has not chosen for before
    service = service_for(db, clock, LINE, ", max_open: 1", pooled)
    # The first in line, past what the first statement asks, each claim a lead of the
    # other route: at their cap, and still first in line (no lead of this route).
    at_cap = LINE[: FIRST_ASKED * 2 + 1]
    for n, user in enumerate(at_cap):
        service.claim(hand_off(service, 100 + n, "claimed").id, user)
    asked = count_state_questions(db)
    assert hand_off(service, 1, pooled).owner_id == LINE[len(at_cap)]
    assert len(asked) == 2, "a few reps, then more at once"
    # The next choice asks as far down the line as the last had to go, at once.
    assert hand_off(service, 2, pooled).owner_id == LINE[len(at_cap) + 1]
    assert len(asked) == 3


def test_each_rep_is_capped_by_their_own_day(db: Database, clock: FakeClock) -> None:
    service = service_for(db, clock, ["U0TOKYO", "U0LA"], ", strategy: strict, max_per_day: 1")
    # Wed 12:00 UTC: Wed 21:00 in Tokyo, Wed 04:00 in Los Angeles.
    clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    assert [hand_off(service, n, "pooled").owner_id for n in (1, 2)] == ["U0TOKYO", "U0LA"]
    # Thu 01:00 UTC: a new day in Tokyo (Thu 10:00), still Wednesday in Los Angeles. Both
    # are asked in one statement, U0TOKYO first (their turn), and U0TOKYO is away.
    clock.set(datetime(2026, 12, 3, 1, 0, tzinfo=UTC))
    with db.transaction() as session:
        availability.set_away(session, "U0TOKYO", until=None, by="U0TOKYO", now=clock())
    assert hand_off(service, 3, "pooled").owner_id is None  # U0LA had theirs today
    with db.transaction() as session:
        availability.set_back(session, "U0TOKYO", by="U0TOKYO")
    assert hand_off(service, 4, "pooled").owner_id == "U0TOKYO"  # a new day in Tokyo
