"""assignment tallies indexed by route, given and last_at: a balanced choice reads the
reps with the fewest leads in its own order (then whoever was given one longest ago),
so that a pool whose reps are mostly tied is read only as far as the choice needs

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_assignment_tallies_route_given_last",
        "assignment_tallies",
        ["route", "given", "last_at"],
    )
    op.drop_index("ix_assignment_tallies_route_given", table_name="assignment_tallies")


def downgrade() -> None:
    op.create_index("ix_assignment_tallies_route_given", "assignment_tallies", ["route", "given"])
    op.drop_index("ix_assignment_tallies_route_given_last", table_name="assignment_tallies")
