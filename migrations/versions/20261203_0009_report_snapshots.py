"""report_snapshots: funnel reports as last computed, so /lead-status report answers at once
with many leads (bot/leads/funnel_cache.py)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_snapshots",
        sa.Column("key", sa.String(length=150), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_report_snapshots")),
    )
    with op.batch_alter_table("report_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_snapshots_asked_at"), ["asked_at"])


def downgrade() -> None:
    op.drop_table("report_snapshots")
