"""Accepted events: the web keeps each authentic event in the database before it answers 200, until
the worker has handled it (the row is deleted in the event's own transaction), so an event survives a
Redis that restarts empty or refuses the enqueue; the reconciler enqueues what waits too long.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accepted_events",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("event_key", sa.String(255), primary_key=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("requeues", sa.Integer, nullable=False, server_default="0"),
        sa.Column("given_up_at", UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("accepted_events")
