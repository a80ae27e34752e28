"""The 0007 migration adds the indexes the digest needs at size and takes them away again, on both
databases, keeping the rows."""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from bot.store.cases import CaseRow
from bot.store.db import alembic_config, upgrade
from bot.store.org_repo import apply_organisation
from tests.unit.domain.sample_org import make_org

INDEXES = {("cases", "ix_cases_opened_at"), ("duties", "ix_duties_ended_at")}


def indexes(database) -> set[tuple[str, str]]:
    inspector = sa.inspect(database.engine)
    return {(table, ix["name"]) for table in ("cases", "duties") for ix in inspector.get_indexes(table)}


def revision(database) -> str:
    with database.engine.connect() as conn:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


def test_0007_upgrades_and_downgrades_with_the_rows_kept(database):
    assert INDEXES <= indexes(database) and revision(database) >= "0007"
    at = datetime(2026, 11, 29, 2, tzinfo=UTC)
    with database.session() as session:
        apply_organisation(session, make_org(), at)
        session.add(CaseRow(number="YQ-2026-0001", year=2026, serial=1, title="标题", grade=1, state="opened",
                            owner_unit="u-desk", opened_by="p-sun", opened_at=at, first_seen_at=at))

    command.downgrade(alembic_config(database.url), "0006")
    database.engine.dispose()  # the inspector caches nothing, the pool may hold the old schema
    assert revision(database) == "0006" and not INDEXES & indexes(database)

    upgrade(database.url)
    database.engine.dispose()
    assert revision(database) >= "0007" and INDEXES <= indexes(database)
    with database.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT number FROM cases")).scalars().all() == ["YQ-2026-0001"]
