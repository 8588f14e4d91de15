"""assignment tallies: each rep's count of a route's leads within its balance window,
kept with each assignment; which pool's tallies a route's turn row vouches for; and an
index of the offers that ended

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in bot.store.assignment_models (a migration keeps its own copy: the model may change).
ENDED_OFFER = "kind = 'offered' AND answer IS NOT NULL AND answer <> 'accepted'"


def upgrade() -> None:
    op.create_table(
        "assignment_tallies",
        sa.Column("route", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("given", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_s", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("route", "user_id", name=op.f("pk_assignment_tallies")),
    )
    op.create_index("ix_assignment_tallies_route_given", "assignment_tallies", ["route", "given"])
    with op.batch_alter_table("assignment_turns") as batch_op:
        batch_op.add_column(sa.Column("tallied_pool", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("tallied_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.create_index(
            "ix_assignments_ended_route_at",
            ["route", "at", "user_id"],
            sqlite_where=sa.text(ENDED_OFFER),
            postgresql_where=sa.text(ENDED_OFFER),
        )


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.drop_index("ix_assignments_ended_route_at")
    with op.batch_alter_table("assignment_turns") as batch_op:
        batch_op.drop_column("tallied_until")
        batch_op.drop_column("tallied_pool")
    op.drop_index("ix_assignment_tallies_route_given", table_name="assignment_tallies")
    op.drop_table("assignment_tallies")
