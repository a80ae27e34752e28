"""Intake: a case's normalised link, API external id and link preview; sightings of a story.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_intake",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True, autoincrement=False),
        sa.Column("link_key", sa.String(64), index=True),
        sa.Column("normalised_link", sa.Text),
        sa.Column("title_from", sa.String(16), nullable=False),
        sa.Column("transfer_source", sa.String(128)),
        sa.Column("api_unit", sa.String(64), sa.ForeignKey("units.id")),
        sa.Column("external_id", sa.String(200)),
        sa.Column("summary", sa.Text),
        sa.Column("preview_status", sa.String(16), nullable=False),
        sa.Column("preview_title", sa.String(500)),
        sa.Column("preview_summary", sa.Text),
        sa.Column("preview_error", sa.String(200)),
        sa.Column("preview_at", UTCDateTime()),
        sa.UniqueConstraint("api_unit", "external_id", name="uq_case_intake_external"),
    )
    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("link", sa.Text),
        sa.Column("link_key", sa.String(64), index=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("platform", sa.String(16)),
    )


def downgrade() -> None:
    op.drop_table("sightings")
    op.drop_table("case_intake")
