"""Cases in the database (SQLite and PostgreSQL): commands through SqlCaseStore, case numbers and
timeline chains under concurrency, and verification that names the first broken link."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from bot.core.clock import SHANGHAI, UTC
from bot.domain.case import commands as cases
from bot.domain.case.lifecycle import AssignmentState, CaseState
from bot.domain.case.timeline import EntryDraft
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind, ReportKind
from bot.domain.records import Actor, DutyState
from bot.domain.unit import commands as units
from bot.store.case_repo import SqlCaseStore, lost_race
from bot.store.org_repo import apply_organisation
from bot.store.timeline import TimelineRow, verify_cases
from tests.unit.domain.sample_org import make_org

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
DESK, FOOD = Actor("p-li", "wecom"), Actor("p-feng", "wecom")


@pytest.fixture
def store(database):
    with database.session() as session:
        apply_organisation(session, make_org(), NOW)
    return SqlCaseStore(database)


@pytest.fixture
def rules():
    return Rules(make_org(), default_policy(), WorkCalendar())


def run_threads(count: int, target) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def body(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_a_case_round_trips_with_its_frozen_duties(store, rules):
    case = cases.open_case(store, rules, DESK, NOW, title="某品牌奶粉质量问题", grade=Grade.MAJOR,
                           link="https://weibo.com/1/abc", source="weibo").case
    a = units.assign_unit(store, rules, case.id, DESK, NOW, "u-food").assignment
    units.acknowledge(store, rules, case.id, a.id, FOOD, NOW + timedelta(minutes=10))
    units.report(store, rules, case.id, a.id, FOOD, NOW + timedelta(hours=3), ReportKind.INITIAL, "初报内容")

    def read(repo):
        return repo.case_by_number("YQ-2026-0001"), repo.assignments(case.id), repo.duties(case.id), repo.timeline(case.id)

    stored, assignments, duties, entries = store.run(read)
    assert (stored.title, stored.grade, stored.state, stored.link) == (case.title, Grade.MAJOR, CaseState.HANDLING,
                                                                      "https://weibo.com/1/abc")
    assert assignments[0].state == AssignmentState.REPORTED and assignments[0].acknowledged_by == "p-feng"
    initial = next(d for d in duties if d.kind == DutyKind.INITIAL_REPORT)
    assert initial.state == DutyState.DONE and initial.late and initial.policy["duration"] == "2h"
    assert initial.due_at == NOW.astimezone(UTC) + timedelta(hours=2)
    assert all(r.tzinfo is not None for d in duties for r in d.reminders)
    assert [e.action for e in entries] == ["case.open", "case.assign", "case.ack", "report.submit"]
    assert entries[0].payload["title"] == "某品牌奶粉质量问题"
    with store.database.session() as session:
        assert verify_cases(session) == [("YQ-2026-0001", None)]


def test_case_numbers_are_unique_and_gapless_under_concurrency(store, rules):
    errors = run_threads(8, lambda i: [cases.open_case(store, rules, DESK, NOW, title=f"并发{i}-{k}") for k in range(3)])
    assert errors == []
    numbers = store.run(lambda repo: sorted(repo.case_by_number(f"YQ-2026-{n:04d}").number for n in range(1, 25)))
    assert numbers == [f"YQ-2026-{n:04d}" for n in range(1, 25)]


def test_concurrent_appends_keep_one_unbroken_chain(store, rules):
    case = cases.open_case(store, rules, DESK, NOW, title="并发追加").case

    def append(i: int) -> None:
        for k in range(6):
            draft = EntryDraft("p-li", "desk", "wecom", "note", {"writer": i, "k": k}, NOW + timedelta(seconds=k))
            store.run(lambda repo: repo.append(case.id, draft))

    assert run_threads(8, append) == []
    entries = store.run(lambda repo: repo.timeline(case.id))
    assert [e.seq for e in entries] == list(range(1, 50))
    assert sorted((e.payload["writer"], e.payload["k"]) for e in entries[1:]) == [(i, k) for i in range(8) for k in range(6)]
    with store.database.session() as session:
        assert verify_cases(session, [case.number]) == [(case.number, None)]


def test_concurrent_commands_on_one_case(store, rules):
    case = cases.open_case(store, rules, DESK, NOW, title="多单位").case
    unit_ids = ["u-food", "u-drug", "u-desk", "u-county-a"]
    assert run_threads(4, lambda i: units.assign_unit(store, rules, case.id, DESK, NOW, unit_ids[i])) == []
    assignments = store.run(lambda repo: repo.assignments(case.id))
    assert sorted(a.unit_id for a in assignments) == sorted(unit_ids)
    with store.database.session() as session:
        assert verify_cases(session, [case.number]) == [(case.number, None)]


def test_verify_names_the_first_broken_link(store, rules):
    case = cases.open_case(store, rules, DESK, NOW, title="篡改测试").case
    for unit in ("u-food", "u-drug", "u-desk"):
        units.assign_unit(store, rules, case.id, DESK, NOW, unit)
    with store.database.session() as session:
        session.execute(update(TimelineRow).where(TimelineRow.case_id == case.id, TimelineRow.seq == 3)
                        .values(payload={"unit": "u-forged"}))
    with store.database.session() as session:
        [(number, broken)] = verify_cases(session, [case.number])
        assert (number, broken.seq) == (case.number, 3) and "edited" in broken.reason
        session.execute(delete(TimelineRow).where(TimelineRow.case_id == case.id, TimelineRow.seq == 2))
    with store.database.session() as session:
        [(_, broken)] = verify_cases(session, [case.number])
        assert broken.seq == 2 and "missing" in broken.reason
        assert verify_cases(session, ["YQ-2026-9999"])[0][1].seq == 0


def test_only_races_are_retried(store):
    def bad(repo):
        repo.session.add(TimelineRow(case_id=424242, seq=1, actor="x", role="desk", platform="cli", action="x",
                                     payload={}, at=NOW, prev="0", hash="0"))
        repo.session.flush()

    with pytest.raises(IntegrityError) as err:
        store.run(bad)
    assert not lost_race(err.value)
