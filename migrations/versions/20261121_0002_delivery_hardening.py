"""delivery hardening: outbox leases, failures and dead letters; channel lanes; digests;
inbound event ids

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_lanes",
        sa.Column("lane", sa.String(length=120), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=True),
        sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_post_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("lane", name=op.f("pk_delivery_lanes")),
    )
    op.create_table(
        "inbound_events",
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_inbound_events")),
    )
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_events_received_at"), ["received_at"], unique=False
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failures", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("leased_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("failure", sa.JSON(), nullable=True))

    with op.batch_alter_table("slack_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_slack_messages_channel_ts"), type_="unique")
        batch_op.create_index("ix_slack_messages_channel_ts", ["channel", "ts"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_slack_messages_channel_ts_lead_id"), ["channel", "ts", "lead_id"]
        )


def downgrade() -> None:
    # Fails while two leads share one digest message: such rows must be removed first.
    with op.batch_alter_table("slack_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_slack_messages_channel_ts_lead_id"), type_="unique")
        batch_op.drop_index("ix_slack_messages_channel_ts")
        batch_op.create_unique_constraint(
            batch_op.f("uq_slack_messages_channel_ts"), ["channel", "ts"]
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("failure")
        batch_op.drop_column("leased_by")
        batch_op.drop_column("first_attempt_at")
        batch_op.drop_column("failures")

    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_events_received_at"))

    op.drop_table("inbound_events")
    op.drop_table("delivery_lanes")
