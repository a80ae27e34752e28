"""cases.drill_scale: the scale a case's clocks run at, kept from its opening (a drill's scaled policy), so
regrading, reassigning and reporting on a drill start scaled clocks, not full-length ones.

Existing cases take the scale their duties froze (``duties.policy.scale``): the first duty's; for a drill
the first scaled one's (a regrade, reassignment or report may have started full-length duties). A case
without such a duty: 1, or for a drill the drill switch's scale, which its next command would have used (the
switch is gone since issue 23: its file is read here, ``$DRILL_SWITCH_FILE`` else ``var/drill.json``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""
import json
import os
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

cases = sa.table("cases", sa.column("id", sa.Integer), sa.column("drill", sa.Boolean),
                 sa.column("drill_scale", sa.Float))
duties = sa.table("duties", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
                  sa.column("policy", sa.JSON))


def upgrade() -> None:
    op.add_column("cases", sa.Column("drill_scale", sa.Float, nullable=False, server_default="1"))
    conn = op.get_bind()
    first: dict[int, float] = {}
    scaled: dict[int, float] = {}
    for case_id, policy in conn.execute(sa.select(duties.c.case_id, duties.c.policy).order_by(duties.c.id)):
        policy = json.loads(policy) if isinstance(policy, str) else policy
        scale = float((policy or {}).get("scale") or 1)
        first.setdefault(case_id, scale)
        if scale != 1:
            scaled.setdefault(case_id, scale)
    switch = None
    for case_id, drill in conn.execute(sa.select(cases.c.id, cases.c.drill)).all():
        scale = first.get(case_id, 1.0)
        if drill:
            scale = scaled.get(case_id)
            if scale is None:
                if switch is None:
                    switch = _switch_scale()  # what the worker passed in
                scale = switch
        if scale != 1:
            conn.execute(sa.update(cases).where(cases.c.id == case_id).values(drill_scale=scale))


def _switch_scale() -> float:
    """The scale the old drill switch held (``$DRILL_SWITCH_FILE``, else ``var/drill.json`` in the checkout); 60
    when the file is missing or unreadable, as the switch read it."""
    root = Path(__file__).resolve().parents[4]
    try:
        data = json.loads(Path(os.environ.get("DRILL_SWITCH_FILE") or root / "var" / "drill.json").read_text("utf-8"))
        scale = int(data.get("scale", 60))
    except (OSError, ValueError, TypeError, AttributeError):
        return 60.0
    return float(scale) if scale >= 1 else 60.0


def downgrade() -> None:
    # a plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): batch mode's copy of the table would drop ``cases``,
    # which the foreign keys of its assignments, duties and timeline refuse
    op.drop_column("cases", "drill_scale")
