"""leads: the funnel after the first touch (stage times, won amount and currency, lost
reason), indexes for reports by campaign and source, and company_key as search_key()
(NFKC and casefold, so full- and half-width forms find each other)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STAGE_COLUMNS = ("meeting_booked_at", "opportunity_at", "won_at", "lost_at")
_BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        for name in _STAGE_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("amount", sa.Numeric(18, 2), nullable=True))
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("lost_reason", sa.String(length=50), nullable=True))
        batch_op.create_index("ix_leads_campaign_created_at", ["campaign", "created_at"])
        batch_op.create_index("ix_leads_source_created_at", ["source", "created_at"])
    # Leads that reached a stage before it had a time of its own: the outcome's time.
    for status, column in (
        ("meeting_booked", "meeting_booked_at"),
        ("opportunity", "opportunity_at"),
    ):
        op.execute(
            sa.text(f"UPDATE leads SET {column} = outcome_at WHERE status = :status").bindparams(
                status=status
            )
        )
    _rekey_companies()


def _rekey_companies() -> None:
    """company_key as bot.store.models.search_key computes it (written out here, so this
    migration does the same whatever that function becomes)."""
    bind = op.get_bind()
    leads = sa.table("leads", sa.column("id", sa.Integer), sa.column("company", sa.String))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(leads.c.id, leads.c.company)
            .where(leads.c.id > last, leads.c.company.is_not(None))
            .order_by(leads.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        bind.execute(
            sa.text("UPDATE leads SET company_key = :key WHERE id = :id"),
            [{"id": row.id, "key": _key(row.company)} for row in rows],
        )
        last = rows[-1].id


def _key(text: str) -> str | None:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()) or None


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_source_created_at")
        batch_op.drop_index("ix_leads_campaign_created_at")
        for name in ("lost_reason", "currency", "amount", *reversed(_STAGE_COLUMNS)):
            batch_op.drop_column(name)
