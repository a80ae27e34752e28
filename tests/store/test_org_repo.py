"""Loading the organisation into the store: idempotent, deactivating, never deleting (both databases)."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from bot.org.file import parse_org_text
from bot.store.models import PersonRow, UnitRow
from bot.store.org_repo import apply_organisation, read_organisation

T0 = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)

ORG = """\
bureau: {name: 示例市市场监督管理局, short: 示例市局}
people:
  - {id: p-a, name: 甲, wecom: a, roles: [main_leader]}
  - {id: p-b, name: 乙, dingtalk: "01"}
  - {id: p-c, name: 丙, wecom: c, dingtalk: "02", prefer: dingtalk, roles: [publicity_leader]}
units:
  - {id: u-desk, name: 办公室, kind: section, desk: true, head: p-a, liaisons: [p-b, p-c], leader_in_charge: p-a,
     groups: {dingtalk: {open_conversation_id: "cid1=="}}}
  - {id: u-x, name: 某科, kind: section, head: p-c, liaisons: [p-b], leader_in_charge: p-a}
"""


def load(database, text, at):
    with database.session() as session:
        return apply_organisation(session, parse_org_text(text), at)


def test_load_then_read_round_trips(database):
    changes = load(database, ORG, T0)
    assert sorted(changes.added) == sorted(["bureau", "person:p-a", "person:p-b", "person:p-c", "unit:u-desk", "unit:u-x"])
    with database.session() as session:
        org = read_organisation(session)
    assert org.units["u-desk"].liaisons == ("p-b", "p-c")
    assert org.units["u-desk"].groups.dingtalk_open_conversation_id == "cid1=="
    assert org.people["p-a"].roles == ("main_leader",)
    assert org.people["p-c"].platform == "dingtalk"
    assert org == parse_org_text(ORG)


def test_the_same_file_twice_changes_nothing(database):
    load(database, ORG, T0)
    changes = load(database, ORG, T0 + timedelta(hours=1))
    assert not changes.changed
    with database.session() as session:
        stamps = session.scalars(select(PersonRow.updated_at)).all() + session.scalars(select(UnitRow.updated_at)).all()
    assert set(stamps) == {T0}


def test_a_person_who_disappears_is_deactivated_not_deleted(database):
    load(database, ORG, T0)
    smaller = ORG.replace('  - {id: p-b, name: 乙, dingtalk: "01"}\n', "").replace("[p-b, p-c]", "[p-c]").replace("[p-b]", "[p-c]")
    changes = load(database, smaller, T0 + timedelta(hours=1))
    assert changes.deactivated == ["person:p-b"]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(PersonRow)) == 3
        org = read_organisation(session)
    assert org.people["p-b"].active is False
    assert org.by_platform_id("dingtalk", "01") is None
    assert org.units["u-x"].liaisons == ("p-c",)


def test_changed_roles_and_liaisons_are_updates(database):
    load(database, ORG, T0)
    changed = ORG.replace("roles: [main_leader]", "roles: [main_leader, admin]").replace("[p-b, p-c]", "[p-c, p-b]")
    changes = load(database, changed, T0 + timedelta(hours=1))
    assert sorted(changes.updated) == ["person:p-a", "unit:u-desk"]
    with database.session() as session:
        org = read_organisation(session)
    assert org.people["p-a"].roles == ("admin", "main_leader")
    assert org.units["u-desk"].liaisons == ("p-c", "p-b")
