"""assignment: leads given or offered to a rep (assignments), each route's turn in its
pool (assignment_turns), the members of user groups named in pools (user_groups), and a person's away time (people.away_*) and Slack status
(people.status_*)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING_OFFER = "kind = 'offered' AND answer IS NULL"


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("route", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=50), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_assignments_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignments_route_at_given", ["route", "at", "user_id", "kind", "answer"]
        )
        batch_op.create_index("ix_assignments_user_id_at", ["user_id", "at"])
        batch_op.create_index("ix_assignments_lead_id_number", ["lead_id", "number"])
        batch_op.create_index(
            "ix_assignments_waiting_lead_id",
            ["lead_id"],
            unique=True,
            sqlite_where=sa.text(PENDING_OFFER),
            postgresql_where=sa.text(PENDING_OFFER),
        )
        batch_op.create_index(
            "ix_assignments_waiting_user_id",
            ["user_id"],
            sqlite_where=sa.text(PENDING_OFFER),
            postgresql_where=sa.text(PENDING_OFFER),
        )
    op.create_table(
        "assignment_turns",
        sa.Column("route", sa.String(length=100), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=True),
        sa.Column("nobody_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("route", name=op.f("pk_assignment_turns")),
    )
    op.create_table(
        "user_groups",
        sa.Column("group_id", sa.String(length=40), nullable=False),
        sa.Column("members", sa.JSON(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_user_groups")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("away_from", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("away_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("away_set_by", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("status_emoji", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("status_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("status_until")
        batch_op.drop_column("status_emoji")
        batch_op.drop_column("away_set_by")
        batch_op.drop_column("away_until")
        batch_op.drop_column("away_from")
    op.drop_table("user_groups")
    op.drop_table("assignment_turns")
    op.drop_table("assignments")
