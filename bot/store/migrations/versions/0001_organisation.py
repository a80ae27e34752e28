"""The organisation: people, their roles, units and the people units name.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("org_meta", sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.String(512), nullable=False))
    op.create_table(
        "people",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("wecom_id", sa.String(64), unique=True),
        sa.Column("dingtalk_id", sa.String(64), unique=True),
        sa.Column("prefer", sa.String(16)),
        sa.Column("wechat_plugin", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "person_roles",
        sa.Column("person_id", sa.String(64), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("role", sa.String(32), primary_key=True),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("desk", sa.Boolean, nullable=False),
        sa.Column("head_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("leader_in_charge_id", sa.String(64), sa.ForeignKey("people.id")),
        sa.Column("wecom_webhook_key", sa.String(256)),
        sa.Column("wecom_aibot_chatid", sa.String(128)),
        sa.Column("wecom_appchat_id", sa.String(128)),
        sa.Column("dingtalk_open_conversation_id", sa.String(128)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "unit_people",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit_id", sa.String(64), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("person_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("unit_id", "person_id", "role"),
    )


def downgrade() -> None:
    for table in ("unit_people", "units", "person_roles", "people", "org_meta"):
        op.drop_table(table)
