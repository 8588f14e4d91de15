"""The tables of assignment (bot/leads/assignment.py): each lead given or offered to a
rep, and each route's turn in its pool."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import cast

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base


class AssignKind(enum.StrEnum):
    ASSIGNED = "assigned"  # round robin: the rep owns the lead from the start
    OFFERED = "offered"  # offer: the rep may accept or pass until `due_at`


class Answer(enum.StrEnum):
    ACCEPTED = "accepted"
    PASSED = "passed"
    EXPIRED = "expired"  # `accept_within` ran out
    WITHDRAWN = "withdrawn"  # the lead went elsewhere meanwhile (a manager reassigned it…)


# The SQL of "this offer is waiting for an answer", for the partial index below (and
# for queries that must match it to use it).
PENDING_OFFER = "kind = 'offered' AND answer IS NULL"
# An offer passed, expired or withdrawn: no longer the rep's lead (a balanced choice
# takes these few off the tallies below).
ENDED_OFFER = "kind = 'offered' AND answer IS NOT NULL AND answer <> 'accepted'"


class Assignment(Base):
    """A lead given (round robin) or offered to one rep.

    At most one offer of a lead waits for an answer at a time: a partial unique index
    says so, whatever several processes do at once. What counts as a rep's lead for
    fairness and caps: assigned, accepted, or offered and still waiting.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        # Covering what a balanced choice counts (a route's leads in the window, by rep),
        # so the count reads the index alone.
        Index("ix_assignments_route_at_given", "route", "at", "user_id", "kind", "answer"),
        Index("ix_assignments_user_id_at", "user_id", "at"),
        Index("ix_assignments_lead_id_number", "lead_id", "number"),
        Index(
            "ix_assignments_waiting_lead_id",
            "lead_id",
            unique=True,
            sqlite_where=text(PENDING_OFFER),
            postgresql_where=text(PENDING_OFFER),
        ),
        # The offers waiting for each rep (their open leads, for `max_open`).
        Index(
            "ix_assignments_waiting_user_id",
            "user_id",
            sqlite_where=text(PENDING_OFFER),
            postgresql_where=text(PENDING_OFFER),
        ),
        Index(
            "ix_assignments_ended_route_at",
            "route",
            "at",
            "user_id",
            sqlite_where=text(ENDED_OFFER),
            postgresql_where=text(ENDED_OFFER),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    route: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # AssignKind
    number: Mapped[int] = mapped_column(Integer)  # 1 for the lead's first offer, then 2, 3…
    at: Mapped[datetime]
    due_at: Mapped[datetime | None]  # an offer's deadline
    answer: Mapped[str | None] = mapped_column(String(20))  # Answer; None: waiting
    answered_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(String(50))  # why the rep passed
    note: Mapped[str | None] = mapped_column(Text)


class AssignmentTurn(Base):
    """A route's place in its pool, and the row its choices lock: two hand-offs into one
    pool (in two processes) choose one after the other, so caps and turns hold."""

    __tablename__ = "assignment_turns"

    route: Mapped[str] = mapped_column(String(100), primary_key=True)
    # strict: the place in the pool's rotation of the last rep given a lead (an index:
    # a rep weighted 2 stands in the rotation twice)
    turn: Mapped[int | None] = mapped_column(Integer)
    # When the pool was last found with nobody available, so managers are told once.
    nobody_since: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    # balanced: the pool and window whose every rep had a tally when last read in full,
    # and until when all of them hold (the earliest `expires_at`; None: none expires), so
    # a choice may read only the reps with the fewest (bot.leads.tallies).
    tallied_pool: Mapped[str | None] = mapped_column(String(64))
    tallied_until: Mapped[datetime | None]


class AssignmentTally(Base):
    """How many of a route's leads a rep was given or offered within the route's balance
    window, kept with each assignment (bot/leads/tallies.py): a balanced choice reads one
    short row per rep instead of counting a week of assignments for a pool of hundreds.

    Written only under the route's turn lock. `given` counts every assignment since
    `expires_at - window_s` (offers that ended too: those few are taken off when read);
    when the oldest of them leaves the window (`expires_at`), or the window changes, the
    row is counted again from `assignments`."""

    __tablename__ = "assignment_tallies"
    # A choice reads a big pool's tallies with the fewest first, then those given one
    # longest ago (bot.leads.tallies).
    __table_args__ = (Index("ix_assignment_tallies_route_given_last", "route", "given", "last_at"),)

    route: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    given: Mapped[int] = mapped_column(Integer)
    # When the oldest assignment counted leaves the window; None: none counted.
    expires_at: Mapped[datetime | None]
    # The newest assignment counted: a balanced choice's tie goes to whoever was given
    # or offered a lead of the route longest ago.
    last_at: Mapped[datetime | None]
    window_s: Mapped[int] = mapped_column(Integer)  # the window it was counted over


class UserGroup(Base):
    """A Slack user group (S…) named in a pool, as Slack last listed its members
    (`usergroups.users.list`, asked in the background: bot/store/user_groups.py)."""

    __tablename__ = "user_groups"

    group_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    members: Mapped[list[str] | None] = mapped_column(JSON)  # None: Slack could not say
    checked_at: Mapped[datetime | None]  # when Slack last answered
    asked_at: Mapped[datetime | None]  # when a look-up was last queued


ASSIGNMENTS_TABLE = cast(Table, Assignment.__table__)
USER_GROUPS_TABLE = cast(Table, UserGroup.__table__)
TURNS_TABLE = cast(Table, AssignmentTurn.__table__)
TALLIES_TABLE = cast(Table, AssignmentTally.__table__)
