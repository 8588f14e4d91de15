"""Database schema. Alembic (migrations/) is the only thing that creates it.

All instants are stored and returned as timezone-aware UTC datetimes.
"""

from __future__ import annotations

import enum
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.store.base import Base


class LeadStatus(enum.StrEnum):
    UNCLAIMED = "unclaimed"
    CLAIMED = "claimed"
    CONTACTED = "contacted"  # first touch logged
    MEETING_BOOKED = "meeting_booked"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"
    DISQUALIFIED = "disqualified"
    RETURNED = "returned"  # sent back to marketing

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATUSES

    @property
    def is_owned(self) -> bool:
        return self in OWNED_STATUSES


# Closed: the SLA clocks are over for good. An opportunity is closed for the clocks but
# still its owner's until it is won or lost (it stays in "mine" and in App Home).
CLOSED_STATUSES = frozenset(
    {
        LeadStatus.OPPORTUNITY,
        LeadStatus.WON,
        LeadStatus.LOST,
        LeadStatus.DISQUALIFIED,
        LeadStatus.RETURNED,
    }
)
OWNED_STATUSES = frozenset(
    {
        LeadStatus.CLAIMED,
        LeadStatus.CONTACTED,
        LeadStatus.MEETING_BOOKED,
        LeadStatus.OPPORTUNITY,
    }
)
# Final: nothing moves a lead on from here (a returned lead comes back as a new hand-off).
FINAL_STATUSES = frozenset(
    {LeadStatus.WON, LeadStatus.LOST, LeadStatus.DISQUALIFIED, LeadStatus.RETURNED}
)


def search_key(text: str | None) -> str | None:
    """Text as Baton compares it in searches: NFKC (half-width ｷﾑﾗ is キムラ, full-width
    ＡＢＣ is ABC), casefolded, runs of spaces as one."""
    if text is None:
        return None
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()) or None


class Clock(enum.StrEnum):
    CLAIM = "claim"
    FIRST_TOUCH = "first_touch"
    # An offer's deadline (due work level = the offer's number; bot/leads/offers.py).
    OFFER = "offer"


class Lead(Base):
    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_leads_status_claim_due_at", "status", "claim_due_at"),
        Index("ix_leads_status_first_touch_due_at", "status", "first_touch_due_at"),
        Index("ix_leads_owner_id_status", "owner_id", "status"),
        Index("ix_leads_source_email_created_at", "source", "email", "created_at"),
        # Reports by campaign or source over a period.
        Index("ix_leads_campaign_created_at", "campaign", "created_at"),
        Index("ix_leads_source_created_at", "source", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    name: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    company: Mapped[str | None] = mapped_column(String(300))
    # search_key(company), so /lead-status finds 「ＡＢＣ」 when asked for "abc"
    company_key: Mapped[str | None] = mapped_column(String(300), index=True)
    title: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(50))
    score: Mapped[float | None] = mapped_column(Float)
    segment: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    campaign: Mapped[str | None] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)  # why marketing says it is an SQL
    extras: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    route: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=LeadStatus.UNCLAIMED)
    owner_id: Mapped[str | None] = mapped_column(String(50))
    handed_off_by: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(index=True)

    # The two SLA clocks: each has a deadline and the moment it was met.
    claim_due_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    first_touch_due_at: Mapped[datetime | None]
    first_touch_at: Mapped[datetime | None]
    # Bumped whenever a clock (re)starts, so a restarted clock gets fresh due work.
    sla_round: Mapped[int] = mapped_column(Integer, default=0)
    snoozed_until: Mapped[datetime | None]

    outcome_at: Mapped[datetime | None] = mapped_column(index=True)  # the weekly report
    disqualify_reason: Mapped[str | None] = mapped_column(String(50))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    # The funnel after the first touch: when each stage was reached (a CRM may skip
    # stages), the deal's amount once won, and why it was lost.
    meeting_booked_at: Mapped[datetime | None]
    opportunity_at: Mapped[datetime | None]
    won_at: Mapped[datetime | None]
    lost_at: Mapped[datetime | None]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    lost_reason: Mapped[str | None] = mapped_column(String(50))
    # When its personal data was erased (bot/leads/privacy.py); None: it has not been.
    erased_at: Mapped[datetime | None]

    events: Mapped[list[LeadEvent]] = relationship(
        back_populates="lead", order_by="LeadEvent.id", cascade="all, delete-orphan"
    )
    messages: Mapped[list[SlackMessage]] = relationship(
        back_populates="lead", order_by="SlackMessage.id", cascade="all, delete-orphan"
    )

    @property
    def lead_status(self) -> LeadStatus:
        return LeadStatus(self.status)


class LeadEvent(Base):
    """The append-only timeline of a lead."""

    __tablename__ = "lead_events"
    __table_args__ = (Index("ix_lead_events_lead_id_id", "lead_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(50))  # Slack user id, "intake" or "system"
    at: Mapped[datetime] = mapped_column(index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    lead: Mapped[Lead] = relationship(back_populates="events")


class SlackMessage(Base):
    """A Slack message that shows a lead (its card, a repost, a flood list), so it can be updated.

    A flood list lists many leads in one message, so (channel, ts) is unique per lead.
    """

    __tablename__ = "slack_messages"
    __table_args__ = (
        UniqueConstraint("channel", "ts", "lead_id"),
        Index("ix_slack_messages_channel_ts", "channel", "ts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="card")
    channel: Mapped[str] = mapped_column(String(50))
    ts: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]

    lead: Mapped[Lead] = relationship(back_populates="messages")


class DueWork(Base):
    """A nudge (level 0) or escalation level (1..n) of one clock of one lead, due at a time.

    Unique per (lead, clock, round, level): whatever happens, it exists once, and
    `sent_at` records that it went out.
    """

    __tablename__ = "due_work"
    __table_args__ = (
        UniqueConstraint("lead_id", "clock", "sla_round", "level"),
        Index(
            "ix_due_work_pending_due_at",
            "due_at",
            sqlite_where=text("sent_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=text("sent_at IS NULL AND cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    clock: Mapped[str] = mapped_column(String(20))
    sla_round: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)  # 0 = nudge before the deadline
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]


class InSlack(enum.StrEnum):
    """Whether an unsent outbox row's message may already be in Slack: the one place
    delivery keeps it, so a retry knows whether to look for an earlier copy first."""

    NO = "no"  # nothing of it can have reached Slack: post without looking
    SENDING = "sending"  # an attempt is under way; if its process dies, this stays: MAYBE
    MAYBE = "maybe"  # an earlier attempt may have posted: look in Slack before posting


class OutboxMessage(Base):
    """Something Baton must tell Slack, written with the change that causes it.

    `kind` and `payload` say what to render (the delivery module renders from the
    database at send time, so a late send shows the newest state).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index(
            "ix_outbox_pending_available_at",
            "available_at",
            sqlite_where=text("sent_at IS NULL AND dead_at IS NULL"),
            postgresql_where=text("sent_at IS NULL AND dead_at IS NULL"),
        ),
        Index("ix_outbox_lead_id_id", "lead_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # sends started
    in_slack: Mapped[str] = mapped_column(
        String(10), default=InSlack.NO, server_default=text("'no'")
    )
    # consecutive failed sends; drives the backoff (a 429 or "not ready" is not a failure)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # when a send was first started: a retry looks for its own earlier post from then on
    first_attempt_at: Mapped[datetime | None]
    # a card tried in a flood list that Slack refused for now: the id of that list's first
    # row, so the list is tried again as one (bot/delivery/attempt.py)
    flood_list: Mapped[int | None] = mapped_column(Integer)
    leased_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None]
    dead_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # the Slack call that failed: {"method", "channel", "error", "status"}
    failure: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class InboundEvent(Base):
    """An Events API delivery Baton has taken on, so Slack's retries of it change nothing."""

    __tablename__ = "inbound_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class DeliveryLane(Base):
    """A channel's posting lane: one process at a time posts to a channel, in order.

    The holder renews its lease while it has work for the channel; `next_post_at`
    carries the channel's pace to whichever process takes the lane next.
    """

    __tablename__ = "delivery_lanes"

    lane: Mapped[str] = mapped_column(String(120), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(100))
    leased_until: Mapped[datetime | None]
    next_post_at: Mapped[datetime | None]


class Heartbeat(Base):
    """A delivering process, alive while `beat_at` moves (bot/delivery/heartbeats.py).

    `host` and `pid_space` say where `pid` means something: a process on the same host,
    in the same process id namespace, can tell at once that it is gone.
    """

    __tablename__ = "heartbeats"

    worker_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid_space: Mapped[str] = mapped_column(String(120))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime]


class JobRun(Base):
    """A periodic job that ran for a period (the weekly report for a week), recorded so
    that several processes running the same schedule do it once."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class Person(Base):
    """What Baton knows of a Slack user, so messages addressed to one person are in their
    language: the locale Slack reports (`users.info` with `include_locale`), kept for a
    day (bot/store/people.py), and the one they chose with `/lead-status lang`; and the
    email Slack reports with it."""

    __tablename__ = "people"

    user_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    slack_locale: Mapped[str | None] = mapped_column(String(20))  # e.g. "ja-JP"
    chosen_locale: Mapped[str | None] = mapped_column(String(5))  # "en" | "ja"; None: Slack's
    # Slack's profile.email (with the users:read.email scope), looked up with the locale:
    # what outgoing webhooks tell a CRM of a lead's owner.
    email: Mapped[str | None] = mapped_column(String(320))
    checked_at: Mapped[datetime | None]  # when Slack last answered about them
    asked_at: Mapped[datetime | None]  # when a look-up was last queued
    # Away (bot/leads/availability.py): assignment skips them from `away_from` until
    # `away_until` (None: until they say they are back), set by them or a manager.
    away_from: Mapped[datetime | None]
    away_until: Mapped[datetime | None]
    away_set_by: Mapped[str | None] = mapped_column(String(40))
    # Their Slack status emoji (":palm_tree:") and when it clears, from the same look-up:
    # the policy's `away_status_emoji` also count as away.
    status_emoji: Mapped[str | None] = mapped_column(String(100))
    status_until: Mapped[datetime | None]
    # A guest of the workspace (users.info's is_restricted or is_ultra_restricted): sees
    # no lead's contact details unless the policy's privacy.contact_details allows it.
    is_guest: Mapped[bool | None]


class ReportSnapshot(Base):
    """A funnel report as last computed, for answering at once (bot/leads/funnel_cache.py)."""

    __tablename__ = "report_snapshots"

    key: Mapped[str] = mapped_column(String(150), primary_key=True)  # period|by|currency
    computed_at: Mapped[datetime]
    asked_at: Mapped[datetime | None] = mapped_column(index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


# The tables behind the mapped classes the busiest write paths use with Core statements
# (plain INSERTs and UPDATEs, no ORM objects), typed as Table: `__table__` is typed as a
# FromClause, which insert() and update() do not accept.
LEADS_TABLE = cast(Table, Lead.__table__)
LEAD_EVENTS_TABLE = cast(Table, LeadEvent.__table__)
DUE_WORK_TABLE = cast(Table, DueWork.__table__)
OUTBOX_TABLE = cast(Table, OutboxMessage.__table__)
PEOPLE_TABLE = cast(Table, Person.__table__)
REPORT_SNAPSHOTS_TABLE = cast(Table, ReportSnapshot.__table__)
JOB_RUNS_TABLE = cast(Table, JobRun.__table__)

# The assignment tables live in their own module, registered on the same metadata here so
# that whatever reads the schema from this module (Alembic, the tests) sees every table.
from bot.store import assignment_models  # noqa: E402, F401
