"""The 0002 migration creates exactly what the case models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.store import cases, timeline  # noqa: F401 - registers the tables on Base.metadata
from bot.store.models import Base

OURS = {"case_counters", "cases", "assignments", "duties", "grade_changes", "timeline", "follows"}


def _table(diff) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        name = getattr(part, "name", None) if not hasattr(part, "table") else part.table.name
        if name:
            return name if not hasattr(part, "table") else part.table.name
        if isinstance(part, str):
            return part
    return None


def test_migration_matches_the_models(database):
    with database.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diffs if _table(d) in OURS]
    assert ours == []
