"""The clock: one row per fired step of a duty, unique per (duty, step instant).

Revision ID: 0006
Revises: 0005 (see below)
Create Date: 2026-11-29

``down_revision`` is the newest of 0005/0004/0003 present next to this file: 0004 and 0005 were
being written in parallel when this migration was, and a chain that names a missing revision would
break every test run. Once 0005 is committed, replace the lookup with ``down_revision = "0005"``.
"""
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

_HERE = Path(__file__).resolve().parent
revision = "0006"
down_revision = next(r for r in ("0005", "0004", "0003") if list(_HERE.glob(f"{r}_*.py")))
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
