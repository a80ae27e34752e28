"""The outbox: outbound messages as rows, delivered by the worker.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dedup_id", sa.String(160), nullable=False, unique=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("address", sa.JSON, nullable=False),
        sa.Column("card", sa.JSON, nullable=False),
        sa.Column("case_id", sa.Integer, index=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime()),
        sa.Column("last_error", sa.Text),
        sa.Column("message_id", sa.String(128)),
        sa.Column("card_ref", sa.JSON),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime()),
    )
    op.create_index("ix_outbox_due", "outbox", ["state", "next_attempt_at"])
    op.create_table(
        "inbound_events",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("event_key", sa.String(255), primary_key=True),
        sa.Column("handled_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("inbound_events")
    op.drop_index("ix_outbox_due", "outbox")
    op.drop_table("outbox")
