"""Cases: per-year number counter, cases, assignments, duties (frozen policy), grade changes, timeline.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _cases() -> None:
    op.create_table(
        "case_counters",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("serial", sa.Integer, nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("owner_unit", sa.String(64), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("county", sa.String(64), sa.ForeignKey("units.id")),
        sa.Column("opened_by", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("link", sa.Text),
        sa.Column("transfer_ref", sa.String(128)),
        sa.Column("confidential", sa.Boolean, nullable=False),
        sa.Column("drill", sa.Boolean, nullable=False),
        sa.UniqueConstraint("year", "serial", name="uq_cases_year_serial"),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("unit_id", sa.String(64), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.Column("assigned_by", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("acknowledged_by", sa.String(64), sa.ForeignKey("people.id")),
        sa.Column("acknowledged_at", UTCDateTime()),
        sa.Column("reason", sa.Text),
    )


def _duties() -> None:
    op.create_table(
        "duties",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignments.id")),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("owner_unit", sa.String(64), sa.ForeignKey("units.id")),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("policy", sa.JSON, nullable=False),
        sa.Column("reminders", sa.JSON, nullable=False),
        sa.Column("escalations", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("ended_at", UTCDateTime()),
        sa.Column("ended_by", sa.String(64)),
        sa.Column("reason", sa.Text),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("firing_id", sa.String(64)),
    )
    op.create_index("ix_duties_state_due", "duties", ["state", "due_at"])
    op.create_table(
        "grade_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("old", sa.Integer),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("by", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )


def _timeline() -> None:
    op.create_table(
        "timeline",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("prev", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("case_id", "seq", name="uq_timeline_case_seq"),
    )


def upgrade() -> None:
    _cases()
    _duties()
    _timeline()


def downgrade() -> None:
    for table in ("timeline", "grade_changes", "duties", "assignments", "cases", "case_counters"):
        op.drop_table(table)
