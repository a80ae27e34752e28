"""Indexes for the store at size: cases.opened_at and duties.ended_at.

bench/store.py, 100,000 cases: the daily digest's "cases opened in the period" and "duties done late
in the period" (also ``worker.clock.cancel_ended``'s "duties ended in the last minutes") scanned the
table without them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_opened_at", "cases", ["opened_at"])
    op.create_index("ix_duties_ended_at", "duties", ["ended_at"])


def downgrade() -> None:
    op.drop_index("ix_duties_ended_at", table_name="duties")
    op.drop_index("ix_cases_opened_at", table_name="cases")
