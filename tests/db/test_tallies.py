"""The tallies a balanced choice reads (bot.leads.tallies) say what counting the
assignments would say, on both databases: through offers passed, expired, accepted and
withdrawn, leads leaving the window, the window changing, and a history written before
the tallies existed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from bot.core.errors import DomainError
from bot.core.policy import Route
from bot.leads import availability, tallies
from bot.leads.availability import counts_as_given
from bot.leads.due_work import claim_due
from bot.leads.lifecycle import LeadService
from bot.leads.turn import FEWEST_READ
from bot.store.assignment_models import ASSIGNMENTS_TABLE, TALLIES_TABLE, TURNS_TABLE, Assignment
from bot.store.base import UTCDateTime
from bot.store.database import Database
from bot.store.models import Lead
from tests.db.test_assignment import REPS, hand_off, service_for
from tests.support.clock import FakeClock
from tests.support.databases import statements_with

OFFER_1D = "{mode: offer, pool: [reps], window: 1d, accept_within: 5m, max_offers: 3}"


def counted(db: Database, route: Route, now: datetime, reps: list[str] = REPS) -> dict[str, int]:
    """What the tallies must agree with: each rep's leads counted from the assignments."""
    with db.read() as session:
        rows = session.execute(
            select(Assignment.user_id, func.count())
            .where(
                Assignment.route == route.name,
                Assignment.at >= now - route.assign.balance_window,
                counts_as_given(),
            )
            .group_by(Assignment.user_id)
        )
        found = {user: n for user, n in rows}
    return {rep: found.get(rep, 0) for rep in reps}


def tallied(db: Database, route: Route, now: datetime) -> dict[str, int]:
    with db.transaction() as session:  # a choice's transaction: it may count again
        found = tallies.in_window(session, route, REPS, now).counts
    return {rep: found.get(rep, 0) for rep in REPS}


def last_in_window(
    db: Database, route: Route, now: datetime, reps: list[str] = REPS
) -> dict[str, Any]:
    """When each rep was last given or offered a lead of the route within the window."""
    with db.read() as session:
        rows = session.execute(
            select(Assignment.user_id, func.max(Assignment.at, type_=UTCDateTime()))
            .where(
                Assignment.route == route.name,
                Assignment.at >= now - route.assign.balance_window,
            )
            .group_by(Assignment.user_id)
        )
        found = {user: at for user, at in rows}
    return {rep: found.get(rep) for rep in reps}


def tallied_last(db: Database, route: Route, now: datetime) -> dict[str, Any]:
    """From the tallies; what reading them said of the fewest must agree."""
    with db.transaction() as session:
        standing = tallies.in_window(session, route, REPS, now)
        last = tallies.last_given(session, route, REPS)
    assert {user: last[user] for user in standing.last} == standing.last
    fewest = min(standing.counts.values())
    assert {u for u, n in standing.counts.items() if n <= fewest + 1} <= set(standing.last)
    return last


def waiting_offer(db: Database, lead_id: int) -> str | None:
    with db.read() as session:
        return session.scalar(
            select(Assignment.user_id).where(
                Assignment.lead_id == lead_id, Assignment.answer.is_(None)
            )
        )


def test_tallies_agree_with_the_assignments_through_a_day_of_offers(
    db: Database, clock: FakeClock
) -> None:
    service: LeadService = service_for(db, clock, OFFER_1D)
    route = service.policy.routes[0]
    rng = random.Random(18)
    leads: list[int] = []
    checks = 0
    for step in range(80):
        move = rng.choice(["lead", "lead", "pass", "accept", "reassign", "expire", "wait"])
        if move == "lead" or not leads:
            leads.append(hand_off(service, step).id)
        elif move in ("pass", "accept", "reassign"):
            lead_id = rng.choice(leads)
            user = waiting_offer(db, lead_id)
            try:
                if user is None:
                    continue
                if move == "pass":
                    service.pass_offer(lead_id, user, reason="busy")
                elif move == "accept":
                    service.accept_offer(lead_id, user)
                else:
                    service.reassign(lead_id, "U0MANAGER1", rng.choice(REPS))
            except DomainError:  # refused: it moved on meanwhile, or is not offered
                continue
        elif move == "expire":
            clock.advance(minutes=5)
            claim_due(db, service.policy, clock())
        else:  # hours pass: leads of yesterday leave the one-day window
            clock.advance(hours=rng.choice([1, 3, 7]))
        assert tallied(db, route, clock()) == counted(db, route, clock()), f"step {step}"
        assert tallied_last(db, route, clock()) == last_in_window(db, route, clock())
        checks += 1
    assert checks > 60
    with db.read() as session:  # every kind of answer happened along the way
        answers = set(session.scalars(select(Assignment.answer).distinct()))
    assert {"passed", "expired", "accepted", "withdrawn"} <= answers


def test_a_history_from_before_the_tallies_is_counted_at_the_first_choice(
    db: Database, clock: FakeClock
) -> None:
    service = service_for(db, clock, "{mode: round_robin, pool: [reps], window: 7d}")
    route = service.policy.routes[0]
    for n in range(5):  # U0REP1, 2, 3, 1, 2 (the pool's order, then fewest)
        hand_off(service, n)
    # As a database from before the tallies: the assignments, and no tallies.
    with db.transaction() as session:
        session.execute(delete(TALLIES_TABLE))
    assert (
        tallied(db, route, clock())
        == counted(db, route, clock())
        == {
            "U0REP1": 2,
            "U0REP2": 2,
            "U0REP3": 1,
        }
    )
    assert hand_off(service, 9).owner_id == "U0REP3"


def test_a_changed_window_counts_again(db: Database, clock: FakeClock) -> None:
    week = service_for(db, clock, "{mode: round_robin, pool: [reps], window: 7d}")
    for n in range(3):
        hand_off(week, n)
    clock.advance(days=2)
    for n in range(3, 5):
        hand_off(week, n)
    route = week.policy.routes[0]
    assert tallied(db, route, clock())["U0REP1"] == 2

    day = service_for(db, clock, "{mode: round_robin, pool: [reps], window: 1d}")
    one_day = day.policy.routes[0]
    assert (
        tallied(db, one_day, clock())
        == counted(db, one_day, clock())
        == {
            "U0REP1": 1,
            "U0REP2": 1,
            "U0REP3": 0,
        }
    )


def test_a_lead_given_outside_a_choice_is_counted_when_its_tally_expires(
    db: Database, clock: FakeClock
) -> None:
    service = service_for(db, clock, "{mode: round_robin, pool: [reps], window: 1d}")
    route = service.policy.routes[0]
    first = hand_off(service, 1)  # U0REP1: tallied, expiring in a day
    with db.transaction() as session:  # a row no choice made (an import, a fix by hand)
        lead = session.get(Lead, first.id)
        assert lead is not None
        session.execute(
            insert(ASSIGNMENTS_TABLE),
            {
                "lead_id": lead.id,
                "route": route.name,
                "user_id": "U0REP1",
                "kind": "assigned",
                "number": 2,
                "at": clock() + timedelta(hours=1),
            },
        )
    clock.advance(hours=2)
    assert tallied(db, route, clock())["U0REP1"] == 1  # held until the first one leaves
    clock.advance(hours=22, seconds=1)
    assert (
        tallied(db, route, clock())
        == counted(db, route, clock())
        == {
            "U0REP1": 1,
            "U0REP2": 0,
            "U0REP3": 0,
        }
    )


# --- a big pool: only the reps with the fewest are read --------------------------------

BIG = [f"U0BIG{i:03d}" for i in range(FEWEST_READ + 16)]


def big_service(db: Database, clock: FakeClock, pool: list[str]) -> LeadService:
    return service_for(db, clock, f"{{mode: round_robin, pool: [{', '.join(pool)}], window: 2d}}")


def expected_choice(
    db: Database, route: Route, pool: list[str], away: set[str], now: datetime
) -> str:
    """The balanced rule, worked out from the assignments themselves."""
    counts = counted(db, route, now, pool)
    last = last_in_window(db, route, now, pool)
    epoch = datetime.min.replace(tzinfo=now.tzinfo)
    available = [user for user in pool if user not in away]
    return min(available, key=lambda u: (counts[u], last[u] or epoch, pool.index(u)))


def test_a_big_pool_reads_the_fewest_and_chooses_as_counting_all_would(
    db: Database, clock: FakeClock
) -> None:
    rng = random.Random(7)
    pool = list(BIG)
    service = big_service(db, clock, pool)
    # A history from before: a lead each for most reps over the last two days.
    for n, user in enumerate(pool[: len(pool) - 10] * 2):
        lead = hand_off(service, 10_000 + n)
        with db.transaction() as session:  # as if given to `user` some hours ago
            session.execute(
                update(ASSIGNMENTS_TABLE)
                .where(ASSIGNMENTS_TABLE.c.lead_id == lead.id)
                .values(user_id=user, at=clock() - timedelta(hours=rng.uniform(1, 47)))
            )
            session.execute(delete(TALLIES_TABLE))  # counted again at the next choice
            session.execute(update(TURNS_TABLE).values(tallied_pool=None, tallied_until=None))
    away: set[str] = set()
    reads = count_fewest_reads(db)
    for step in range(40):
        move = rng.random()
        if move < 0.2:  # someone goes away, or comes back
            user = rng.choice(pool)
            with db.transaction() as session:
                if user in away:
                    availability.set_back(session, user, by=user)
                    away.discard(user)
                else:
                    availability.set_away(session, user, until=None, by=user, now=clock())
                    away.add(user)
        elif move < 0.3:  # hours pass: leads leave the two-day window
            clock.advance(hours=rng.choice([2, 9]))
        elif move < 0.35:  # the pool changes
            pool = [*pool[1:], f"U0NEW{step:03d}"]
            service = big_service(db, clock, pool)
        route = service.policy.routes[0]
        expected = expected_choice(db, route, pool, away, clock())
        assert hand_off(service, step).owner_id == expected, f"step {step}"
    assert reads, "the fewest were read on their own, at least sometimes"


def test_a_pool_tied_on_count_is_read_by_its_fewest_in_order_of_time(
    db: Database, clock: FakeClock
) -> None:
    """Balanced reps are mostly tied: the fewest read are those given one longest ago,
    and a choice among them needs no other tally."""
    service = big_service(db, clock, BIG)
    for n in range(len(BIG)):  # one lead each, a minute apart
        hand_off(service, n)
        clock.advance(minutes=1)
    fewest, full = count_fewest_reads(db), count_full_reads(db)
    route = service.policy.routes[0]
    for n in range(len(BIG), len(BIG) + 20):
        expected = expected_choice(db, route, BIG, set(), clock())
        assert hand_off(service, n).owner_id == expected == BIG[n - len(BIG)]
        clock.advance(minutes=1)
    assert len(fewest) == 20 and not full


def count_full_reads(db: Database) -> list[str]:
    """Each read of all of a pool's tallies (with the fewest worked out by a window)."""
    return statements_with(db.engine, "FROM assignment_tallies", "OVER ()")


def count_fewest_reads(db: Database) -> list[str]:
    """Each read of only the fewest tallies (a LIMIT on assignment_tallies)."""
    return statements_with(db.engine, "FROM assignment_tallies", "LIMIT")


def test_when_the_fewest_are_all_away_the_rest_are_read(db: Database, clock: FakeClock) -> None:
    service = big_service(db, clock, BIG)
    for n in range(len(BIG)):  # one lead each: every rep has a tally, the row vouches
        hand_off(service, n)
    hand_off(service, 999)  # BIG[0] again: the fewest are now everyone but BIG[0]
    with db.transaction() as session:  # all but the last few of those are away
        for user in BIG[1:-3]:
            availability.set_away(session, user, until=None, by=user, now=clock())
    reads = count_fewest_reads(db)
    assert hand_off(service, 1000).owner_id == BIG[-3]  # beyond the 64 read: read in full
    assert reads  # the fewest were read first


def test_a_rep_back_in_the_pool_is_counted_before_the_fewest_are_read(
    db: Database, clock: FakeClock
) -> None:
    back = "U0BACKREP"
    for n in range(3):  # three leads for a pool of one
        hand_off(big_service(db, clock, [back]), n)
    with db.transaction() as session:  # a turn row that vouches for no pool's tallies
        session.execute(update(TURNS_TABLE).values(tallied_pool=None, tallied_until=None))
    few = BIG[:5]  # fewer than are read at once: a read of the fewest reads them all
    service = big_service(db, clock, few)  # without them: their tally is dropped
    for n in range(3, 13):  # two each
        hand_off(service, n)
    service = big_service(db, clock, [*few, back])  # back, with three in the window
    assert hand_off(service, 13).owner_id == few[0]  # two is fewer than three
