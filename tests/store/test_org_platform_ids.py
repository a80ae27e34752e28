"""A registered platform's ids in the store (migration 0010): loaded, read back, changed, on both databases."""

from datetime import datetime, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core.org import add_platform, forget_platform
from bot.org.file import parse_org_text
from bot.store.org_repo import apply_organisation, read_organisation

T0 = datetime(2026, 12, 8, 2, 0, tzinfo=timezone.utc)
ORG = """\
bureau: {name: 示例局}
people:
  - {id: p-a, name: 甲, wecom: a, roles: [main_leader, publicity_leader]}
  - {id: p-b, name: 乙, dingtalk: "01", parrot: b1, prefer: parrot}
units:
  - {id: u-desk, name: 办公室, kind: section, desk: true, head: p-a, liaisons: [p-b], leader_in_charge: p-a,
     groups: {wecom: {aibot_chatid: wrDesk}, parrot: {room: r-desk}}}
"""


@pytest.fixture(autouse=True)
def parrot():
    add_platform("parrot", ("room",))
    yield
    forget_platform("parrot")


def load(database, text):
    with database.session() as session:
        return apply_organisation(session, parse_org_text(text), T0)


def test_a_registered_platforms_ids_round_trip_and_change(database):
    load(database, ORG)
    with database.session() as session:
        org = read_organisation(session)
    assert org == parse_org_text(ORG)
    assert org.people["p-b"].ids == {"dingtalk": "01", "parrot": "b1"} and org.people["p-b"].platform == "parrot"
    assert org.units["u-desk"].groups.by_platform()["parrot"] == {"parrot_room": "r-desk"}
    assert not load(database, ORG).changed
    moved = ORG.replace("parrot: b1", "parrot: b2").replace("room: r-desk", "room: r-new")
    assert load(database, moved).updated == ["person:p-b", "unit:u-desk"]
    with database.session() as session:
        org = read_organisation(session)
    assert org.people["p-b"].user_id("parrot") == "b2" and org.units["u-desk"].groups.ids["parrot"] == {"room": "r-new"}


def test_one_user_id_belongs_to_one_person_per_platform(database):
    load(database, ORG)
    from bot.store.models import PersonPlatformIdRow

    with pytest.raises(IntegrityError):
        with database.session() as session:
            session.add(PersonPlatformIdRow(person_id="p-a", platform="parrot", user_id="b1"))
            session.flush()


def test_migration_0010_matches_the_models(database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.store.models import Base

    with database.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if "person_platform_ids" in str(d) or "unit_group_ids" in str(d)] == []
