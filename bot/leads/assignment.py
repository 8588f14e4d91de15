"""Choosing an owner for a lead of a route whose `assign:` mode is round_robin or offer
(bot/core/assign_policy.py), and placing a new lead accordingly at hand-off.

Every choice for a route locks that route's row in `assignment_turns` first (an upsert,
which PostgreSQL holds until the commit; SQLite has one writer anyway): two hand-offs
into one pool, in one process or two, choose one after the other, each seeing what the
other gave. So the caps hold and `strict` turns are never skipped or taken twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.core.assign_policy import AssignPolicy
from bot.core.policy import Policy, Route
from bot.core.policy_values import is_slack_user
from bot.leads import sla, tallies
from bot.leads.availability import Pool, RepState, last_given, refresh_statuses
from bot.leads.timeline import Announce, LeadTimes, record_event
from bot.store import outbox, user_groups
from bot.store.assignment_models import (
    ASSIGNMENTS_TABLE,
    TURNS_TABLE,
    AssignKind,
    Assignment,
)
from bot.store.models import LEADS_TABLE, Clock, LeadStatus
from bot.store.outbox import Intent

SYSTEM = "system"


@dataclass(frozen=True)
class Choice:
    user: str | None  # None: nobody available
    states: list[RepState]
    # Nobody was available and the managers have not been told since someone last was.
    tell_managers: bool = False


def pool_members(
    session: Session, policy: Policy, route: Route, now: datetime, *, ask: bool = True
) -> list[str]:
    """The route's pool as user ids, roles and user groups expanded (a group's members as
    Slack last listed them: bot.store.user_groups), in order, without repeats. `ask`:
    queue a look-up of a group not listed lately (in a write transaction)."""
    named = policy.pool(route)
    wanted = policy.pool_groups(route)
    if not wanted:  # the usual pool: user ids and roles, worked out with the policy
        return named
    groups = user_groups.members(session, wanted, now, ask=ask)
    users: dict[str, None] = {}  # in order, each once; a pool may hold hundreds
    for target in named:
        for user in groups.get(target, [target]):
            if is_slack_user(user):
                users[user] = None
    return list(users)


def rotation(users: list[str], assign: AssignPolicy) -> list[str]:
    """`strict` order: each rep once a round, a rep weighted 2 also in the second round
    (U1:2, U2, U3 → U1 U2 U3 U1), so weights spread over the rotation."""
    rounds = max((assign.weight(u) for u in users), default=1)
    return [u for r in range(rounds) for u in users if assign.weight(u) > r]


def choose(
    session: Session,
    policy: Policy,
    route: Route,
    now: datetime,
    *,
    offered: Iterable[str] = (),
) -> Choice:
    """The rep the next lead of `route` goes to, with the route's turn locked; None when
    nobody is available (away, off hours, at a cap, or already offered this lead).

    Reps are asked in the order the strategy would pick them and the first available
    wins, so a pool of hundreds costs the caps of one or two reps; only when nobody is
    available is everyone's state worked out, for the managers' message."""
    turn, nobody_since = _lock_turn(session, route.name, now)
    users = pool_members(session, policy, route, now)
    refresh_statuses(session, policy, users, now)
    pool = Pool(session, policy, route, users, now, offered=offered)
    chosen: str | None = None
    new_turn = turn
    if route.assign.strategy == "strict":
        order = rotation(users, route.assign)
        start = 0 if turn is None else (turn + 1) % max(len(order), 1)
        for step in range(len(order)):
            place = (start + step) % len(order)
            if pool.can_take(order[place]):
                chosen, new_turn = order[place], place
                break
    else:
        chosen = _fewest(session, route, pool, now)
    still_nobody = None if chosen else (nobody_since or now)
    if (new_turn, still_nobody) != (turn, nobody_since):  # balanced picks move no turn
        session.execute(
            update(TURNS_TABLE)
            .where(TURNS_TABLE.c.route == route.name)
            .values(turn=new_turn, nobody_since=still_nobody)
        )
    if chosen is not None:
        return Choice(chosen, [])
    return Choice(None, pool.survey(), tell_managers=nobody_since is None)


def _fewest(session: Session, route: Route, pool: Pool, now: datetime) -> str | None:
    """`balanced`: the available rep with the fewest of the route's leads in the window
    for their weight; of those tied, whoever was given one longest ago (never: first),
    then the pool's order. None when nobody is available."""
    weights = route.assign.weights
    counts = tallies.in_window(session, route, pool.users, now)
    by_share: dict[float, list[str]] = {}  # each in pool order
    for user in pool.users:
        given = counts.get(user, 0)
        by_share.setdefault(given / weights[user] if user in weights else given, []).append(user)
    epoch = datetime.min.replace(tzinfo=now.tzinfo)
    for share in sorted(by_share):
        tied = [user for user in by_share[share] if pool.may_take(user)]
        if len(tied) > 1:
            last = last_given(session, route, tied, now)
            tied.sort(key=lambda user: last.get(user, epoch))  # stable: then pool order
        for user in tied:
            if pool.can_take(user):
                return user
    return None


def _lock_turn(session: Session, route: str, now: datetime) -> tuple[int | None, datetime | None]:
    """The route's turn row, made if missing and locked until the commit, in one
    statement: INSERT … ON CONFLICT DO UPDATE … RETURNING (both databases have it; on
    PostgreSQL the update takes the row lock)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    row = insert(TURNS_TABLE).values(route=route, updated_at=now)
    locking = row.on_conflict_do_update(
        index_elements=["route"], set_={"updated_at": row.excluded.updated_at}
    ).returning(TURNS_TABLE.c.turn, TURNS_TABLE.c.nobody_since)
    turn, nobody_since = session.execute(locking).one()
    return turn, nobody_since


def record(
    session: Session,
    *,
    lead_id: int,
    route: Route,
    user: str,
    kind: AssignKind,
    number: int,
    now: datetime,
    due_at: datetime | None = None,
) -> int:
    """Write that `lead_id` was given or offered to `user` (right after choosing them,
    the route's turn locked); the assignment's id."""
    tallies.count_one_more(session, route, user, now)
    return session.execute(
        insert(ASSIGNMENTS_TABLE).returning(ASSIGNMENTS_TABLE.c.id),
        {
            "lead_id": lead_id,
            "route": route.name,
            "user_id": user,
            "kind": str(kind),
            "number": number,
            "at": now,
            "due_at": due_at,
        },
    ).scalar_one()


def offered_to(session: Session, lead_id: int) -> list[str]:
    """Everyone `lead_id` has been offered to, in order."""
    return list(
        session.scalars(
            select(Assignment.user_id).where(Assignment.lead_id == lead_id).order_by(Assignment.id)
        )
    )


def tell_nobody_available(
    session: Session, policy: Policy, route: Route, choice: Choice, now: datetime
) -> None:
    """Once until someone is available again: managers learn why the pool took no lead."""
    if not choice.tell_managers:
        return
    reasons: dict[str, list[str]] = {}
    for state in choice.states:
        if state.why_not is not None:
            reasons.setdefault(str(state.why_not), []).append(f"<@{state.user}>")
    lines: list[dict[str, Any]] = [
        {"key": "assign.nobody_available", "params": {"route": route.name}}
    ]
    lines += [
        {"key": f"assign.why_not.{why}", "params": {"users": ", ".join(users)}}
        for why, users in reasons.items()
    ]
    if not choice.states:
        lines.append({"key": "assign.pool_empty", "params": {}})
    outbox.queue(
        session,
        *(
            outbox.message(Intent.NOTICE, now, to=manager, lines=lines)
            for manager in policy.roles.managers
        ),
    )


# --- a new lead ----------------------------------------------------------------------


def give_new_lead(
    session: Session,
    policy: Policy,
    route: Route,
    lead_id: int,
    values: dict[str, Any],
    now: datetime,
) -> dict[str, Any] | None:
    """Give a new lead of a round_robin route to the next available rep: what that
    changed of its row; None when nobody was available (it goes to the channel with
    Claim). Its event, first-touch clock and the owner's DM are held to the commit, after
    the hand-off's (bot.leads.handoff)."""
    choice = choose(session, policy, route, now)
    if choice.user is None:
        tell_nobody_available(session, policy, route, choice, now)
        return None
    owner = choice.user
    calendar = policy.calendar_for(route)
    touch_due = sla.deadline(route, calendar, Clock.FIRST_TOUCH, now)
    changes = {
        "status": LeadStatus.CLAIMED,
        "owner_id": owner,
        "claimed_at": now,
        "first_touch_due_at": touch_due,
    }
    session.execute(update(LEADS_TABLE).where(LEADS_TABLE.c.id == lead_id).values(changes))
    record(
        session,
        lead_id=lead_id,
        route=route,
        user=owner,
        kind=AssignKind.ASSIGNED,
        number=1,
        now=now,
    )
    sla.start_clock(
        session,
        route,
        calendar,
        lead_id=lead_id,
        clock=Clock.FIRST_TOUCH,
        sla_round=values["sla_round"],
        due=touch_due,
        now=now,
        at_commit=True,
    )
    record_event(
        session,
        "claimed",
        lead_id=lead_id,
        route=route.name,
        actor=SYSTEM,
        at=now,
        detail={"owner": owner, "assigned": "round_robin"},
        times=LeadTimes(values["created_at"], now, None),
        announce=Announce.NOTHING,  # the new card shows its owner
        at_commit=True,
    )
    dm = outbox.message(Intent.ASSIGNED, now, lead_id=lead_id, user=owner, by=SYSTEM)
    outbox.queue(session, dm, at_commit=True)
    return changes
