"""A policy whose routes assign leads, and a look at who is away, for the tests of
`/lead-status away`, `back`, `pool` and App Home's away controls and offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.core.policy import Policy, parse_policy
from bot.store.database import Database
from bot.store.models import OutboxMessage, Person
from bot.store.outbox import Intent

# Fri 2026-11-20 10:00 in Tokyo (the fake clock's start) is 01:00 in London: U0REP4
# works London hours, so is outside them.
TEAM = """
locale: en
timezone: Asia/Tokyo
calendars:
  tokyo-office: {timezone: Asia/Tokyo, hours: {mon-fri: "09:00-18:00"}}
  london-office: {timezone: Europe/London, hours: {mon-fri: "09:00-17:00"}}
roles:
  managers: [U0MANAGER1]
  reps: [U0REP1, U0REP2, U0REP3, U0REP4, U0REP5]
  marketers: [U0MKT1]
rep_calendars:
  U0REP4: london-office
routes:
  - name: inbound
    when: {segment: smb}
    channel: C0SALES
    calendar: tokyo-office
    claim_within: 30m
    first_touch_within: 2h
    escalate: [{after: 0m, notify: [managers]}]
    assign: {mode: round_robin, pool: [reps], strategy: strict, max_open: 2, max_per_day: 1}
  - name: enterprise
    when: {segment: enterprise}
    channel: C0ENTERPRISE
    calendar: always
    claim_within: 30m
    first_touch_within: 2h
    escalate: [{after: 0m, notify: [managers]}]
    assign: {mode: offer, pool: [U0REP1, U0REP2], accept_within: 30m}
  - name: default
    channel: C0SALES
    calendar: always
    claim_within: 30m
    first_touch_within: 1d
    escalate: [{after: 0m, notify: [managers]}]
"""


def team_policy(locale: str = "en") -> Policy:
    return parse_policy(TEAM.replace("locale: en", f"locale: {locale}"), "team.yml")


@dataclass(frozen=True)
class AwayRow:
    away_from: datetime | None
    away_until: datetime | None
    away_set_by: str | None


def away_row(db: Database, user: str) -> AwayRow | None:
    with db.read() as session:
        row = session.execute(
            select(Person.away_from, Person.away_until, Person.away_set_by).where(
                Person.user_id == user
            )
        ).first()
    return AwayRow(*row) if row is not None else None


def row_counts(db: Database) -> tuple[int, int]:
    """People and outbox rows: what a refused or misunderstood ask must leave alone."""
    with db.read() as session:
        people = session.scalar(select(func.count()).select_from(Person))
        queued = session.scalar(select(func.count()).select_from(OutboxMessage))
    return people or 0, queued or 0


def homes_queued(db: Database) -> list[str]:
    """The users whose Home tab is queued to be redrawn, in order."""
    with db.read() as session:
        rows = session.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.kind == Intent.HOME_PUBLISH)
            .order_by(OutboxMessage.id)
        )
        return [str(payload["user"]) for payload in rows]
