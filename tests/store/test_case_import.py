"""Import of an exported dossier (issue 24): into a fresh empty database the case comes back whole and its chain
verifies; a second import, a tampered file, an unknown format, a wrong shape and taken ids are refused, writing
nothing."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.domain.case import commands as cases
from bot.domain.unit import commands as units
from bot.store import Database, upgrade
from bot.store.case_import import ImportRefused, import_dossier
from bot.store.case_repo import SqlCaseStore
from bot.store.cases import AssignmentRow, CaseRow, DutyRow
from bot.store.dossier import read_dossier
from bot.store.models import PersonRow, UnitRow
from bot.store.org_repo import apply_organisation
from bot.store.timeline import TimelineRow, verify_cases
from tests.store.dossier_case import DESK, NOW, rich_case, rules
from tests.unit.domain.sample_org import make_org

EXPORTED = datetime(2026, 12, 8, 1, 2, 3, 456789, tzinfo=timezone.utc)
COUNTED = (CaseRow, AssignmentRow, DutyRow, TimelineRow, PersonRow, UnitRow)


@pytest.fixture
def fresh(request, tmp_path):
    """An empty migrated database of the same kind as ``database`` (PostgreSQL: yq_import_<random>, dropped after)."""
    kind = request.node.callspec.params["database"]
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'imported.db'}"
        upgrade(url)
        db = Database(url)
        yield db
        db.dispose()
        return
    from psycopg import sql

    from tests.support.databases import _admin, _pg_url

    request.getfixturevalue("pg_template")  # skips (or fails in strict mode) when PostgreSQL is not there
    name = f"yq_import_{uuid.uuid4().hex[:10]}"
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        upgrade(_pg_url(name))
        db = Database(_pg_url(name))
        yield db
        db.dispose()
    finally:
        _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def exported(database) -> dict:
    """The rich case's dossier as it travels: through JSON text."""
    number = rich_case(database)
    with database.session() as session:
        dossier = read_dossier(session, number, now=EXPORTED)
    return json.loads(json.dumps(dossier, ensure_ascii=False, indent=2))


def counts(database) -> dict[str, int]:
    with database.session() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def test_export_then_import_into_an_empty_database(database, fresh):
    dossier = exported(database)
    with fresh.session() as session:
        assert import_dossier(session, dossier) == dossier["case"]["number"]
    number = dossier["case"]["number"]
    with fresh.session() as session:
        assert verify_cases(session) == [(number, None)]
        again = read_dossier(session, number, now=EXPORTED)
    # the people and units were not in the empty database: they came as inactive placeholders (and the empty
    # database has no bureau yet); everything else is as exported
    assert again["people"] == {pid: {**p, "active": False} for pid, p in dossier["people"].items()}
    assert again["units"] == {uid: {**u, "active": False} for uid, u in dossier["units"].items()}
    assert again["bureau"] == {"name": "", "short": ""}
    skip = ("people", "units", "bureau")
    assert {k: v for k, v in again.items() if k not in skip} == {k: v for k, v in dossier.items() if k not in skip}


def test_the_imported_database_goes_on_without_reusing_numbers_or_ids(database, fresh):
    dossier = exported(database)
    with fresh.session() as session:
        import_dossier(session, dossier)
        apply_organisation(session, make_org(), NOW)  # the org file loaded afterwards takes the placeholders over
    store, r = SqlCaseStore(fresh), rules()
    case = cases.open_case(store, r, DESK, NOW, title="另一起").case
    assignment = units.assign_unit(store, r, case.id, DESK, NOW, "u-food").assignment
    assert case.number == "YQ-2026-0002" and case.id > dossier["case"]["id"]
    assert assignment.id > max(a["id"] for a in dossier["assignments"])
    with fresh.session() as session:
        assert [link for _n, link in verify_cases(session)] == [None, None]
        assert session.get(PersonRow, "p-li").active is True


def test_importing_twice_is_refused_and_changes_nothing(database, fresh):
    dossier = exported(database)
    with fresh.session() as session:
        import_dossier(session, dossier)
    before = counts(fresh)
    with pytest.raises(ImportRefused, match="已存在"), fresh.session() as session:
        import_dossier(session, dossier)
    assert counts(fresh) == before


def test_a_tampered_file_is_refused_naming_the_entry(database, fresh):
    dossier = exported(database)
    tampered = copy.deepcopy(dossier)
    seq = next(e["seq"] for e in tampered["timeline"] if e["action"] == "report.submit")
    tampered["timeline"][seq - 1]["payload"]["text"] = "一切正常。"
    before = counts(fresh)
    with pytest.raises(ImportRefused, match=f"第 {seq} 条"), fresh.session() as session:
        import_dossier(session, tampered)
    assert counts(fresh) == before


@pytest.mark.parametrize("edit,message", [
    (lambda d: d.update(format="yuqing-case-export/9"), "不认识的档案格式"),
    (lambda d: d.pop("duties"), "缺少 duties"),
    (lambda d: d["case"].pop("title"), "case 缺少 title"),
    (lambda d: d["assignments"][0].pop("unit_id"), "assignments 缺少 unit_id"),
    (lambda d: d["timeline"][0].pop("hash"), "timeline 缺少 hash"),
    (lambda d: d.update(sightings={}), "sightings 应为对象列表"),
], ids=["format", "section", "case-column", "row-column", "entry-field", "not-a-list"])
def test_a_wrong_file_is_refused(database, fresh, edit, message):
    dossier = exported(database)
    edit(dossier)
    before = counts(fresh)
    with pytest.raises(ImportRefused, match=message), fresh.session() as session:
        import_dossier(session, dossier)
    assert counts(fresh) == before


def test_taken_row_ids_are_refused(database):
    dossier = exported(database)
    dossier["case"].update(number="YQ-2026-0099", serial=99)  # the number is free, its ids are not
    before = counts(database)
    with pytest.raises(ImportRefused, match="导入需要空库或没有这些编号的库"), database.session() as session:
        import_dossier(session, dossier)
    assert counts(database) == before


def moved(dossier: dict, number: str, by: int = 1000) -> dict:
    """The dossier as another case: a new number, every id moved by ``by`` (its chain re-made is not needed:
    the chain hashes neither the case id nor row ids)."""
    other = copy.deepcopy(dossier)
    other["case"].update(id=other["case"]["id"] + by, number=number, serial=int(number.rsplit("-", 1)[1]))
    for section in ("sightings", "assignments", "duties", "grade_changes", "follows"):
        for row in other[section]:
            row["id"] += by
            if "case_id" in row:
                row["case_id"] = other["case"]["id"]
            if row.get("assignment_id"):
                row["assignment_id"] += by
    return other


def test_a_database_without_those_ids_takes_it_but_not_a_taken_external_id(database):
    dossier = exported(database)
    with database.session() as session:
        assert import_dossier(session, moved(dossier, "YQ-2026-0050")) == "YQ-2026-0050"
        assert [link for _n, link in verify_cases(session)] == [None, None]
    dossier["intake"].update(api_unit="u-desk", external_id="ext-1")
    with database.session() as session:
        import_dossier(session, moved(dossier, "YQ-2026-0060", by=2000))
    before = counts(database)
    with pytest.raises(ImportRefused, match="外部编号 ext-1"), database.session() as session:
        import_dossier(session, moved(dossier, "YQ-2026-0070", by=3000))
    assert counts(database) == before
