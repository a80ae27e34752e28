"""The clock: one row per fired step of a duty, unique per (duty, step instant).

Revision ID: 0006
Revises: 0004 (no 0005 was needed: the unit's side keeps report versions on the timeline)
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clock_firings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("duty_id", sa.Integer, sa.ForeignKey("duties.id"), nullable=False, index=True),
        sa.Column("case_id", sa.Integer, nullable=False, index=True),
        sa.Column("step_at", UTCDateTime(), nullable=False),
        sa.Column("fired_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("remind", sa.Boolean, nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("recipients", sa.JSON, nullable=False),
        sa.UniqueConstraint("duty_id", "step_at", name="uq_clock_firings_step"),
    )


def downgrade() -> None:
    op.drop_table("clock_firings")
