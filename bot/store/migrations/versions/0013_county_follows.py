"""County cases (issue 22): ``cases.taken_from`` (the county a case was taken over from, 接管) and ``follows``
(the city desk following a county's case: how it began, when it ended, what its copies and notices showed).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain column, no foreign key: batch mode's copy of ``cases`` (SQLite) is refused by the foreign keys of its
    # assignments, duties and timeline, and SQLite cannot drop a column that is in a foreign key (as in 0009)
    op.add_column("cases", sa.Column("taken_from", sa.String(64), nullable=True))
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("unit_id", sa.String(64), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("seen_seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("noticed_seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("noticed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_follows_case_id", "follows", ["case_id"])
    op.create_index("ix_follows_ended_at", "follows", ["ended_at"])


def downgrade() -> None:
    op.drop_index("ix_follows_ended_at", "follows")
    op.drop_index("ix_follows_case_id", "follows")
    op.drop_table("follows")
    op.drop_column("cases", "taken_from")
