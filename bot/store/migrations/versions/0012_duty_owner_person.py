"""A duty owned by a person (issue 19): ``duties.owner_person`` beside ``owner_unit`` — a leader's or an
approver's own duty, listed in that person's 我的待办 and reminded to that person 1:1.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("duties") as batch:  # batch: SQLite cannot add a foreign key in place
        batch.add_column(sa.Column("owner_person", sa.String(64), nullable=True))
        batch.create_foreign_key("fk_duties_owner_person", "people", ["owner_person"], ["id"])
        batch.create_index("ix_duties_owner_person", ["owner_person"])


def downgrade() -> None:
    with op.batch_alter_table("duties") as batch:
        batch.drop_index("ix_duties_owner_person")
        batch.drop_constraint("fk_duties_owner_person", type_="foreignkey")
        batch.drop_column("owner_person")
