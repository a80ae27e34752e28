"""The 0004 migration creates exactly what the intake models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.store import cases, intake, timeline  # noqa: F401 - registers the tables on Base.metadata
from bot.store.models import Base

OURS = {"case_intake", "sightings"}


def _names(diff) -> set[str]:
    item = diff[0] if isinstance(diff, list) else diff
    found = set()
    for part in item[1:]:
        table = getattr(part, "table", None)
        if table is not None:
            found.add(table.name)
        elif getattr(part, "name", None):
            found.add(part.name)
        elif isinstance(part, str):
            found.add(part)
    return found


def test_migration_matches_the_models(database):
    with database.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diffs if _names(d) & OURS]
    assert ours == []
