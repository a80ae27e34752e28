"""Platform ids of a platform registered besides WeCom and DingTalk: a person's user id
(``person_platform_ids``, one id per person and platform, unique per platform) and a unit's group chat
ids (``unit_group_ids``, ``groups.<platform>.<key>`` of the org file). WeCom's and DingTalk's stay the
columns of ``people`` and ``units`` they have been since 0001 (design.md names them in the org file);
nothing is copied.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_platform_ids",
        sa.Column("person_id", sa.String(64), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.UniqueConstraint("platform", "user_id"),
    )
    op.create_table(
        "unit_group_ids",
        sa.Column("unit_id", sa.String(64), sa.ForeignKey("units.id"), primary_key=True),
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(256), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("unit_group_ids")
    op.drop_table("person_platform_ids")
