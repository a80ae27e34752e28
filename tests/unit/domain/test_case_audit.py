"""The rows check (bot.domain.case.audit): a case walked through real commands agrees with its timeline; each
kind of row edited behind the timeline's back is named, in Chinese."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.domain.case import commands as cases
from bot.domain.case.audit import disagreements
from bot.domain.case.lifecycle import AssignmentState, CaseState
from bot.domain.case.timeline import TimelineEntry
from bot.domain.grade import Grade
from bot.domain.kinds import ReportKind
from bot.domain.records import Actor, DutyState
from bot.domain.unit import commands as units

DESK, FOOD = Actor("p-li", "wecom"), Actor("p-feng", "wecom")


@pytest.fixture
def walked(store, rules, clock):
    """A case opened 一般, given to the drug unit which returned it, reassigned to the food unit (acknowledged,
    reported), then raised to 重大: every kind of row the check reads."""
    now = clock.now()
    case = cases.open_case(store, rules, DESK, now, title="某超市销售过期食品").case
    drug = units.assign_unit(store, rules, case.id, DESK, now, "u-drug").assignment
    units.reject(store, rules, case.id, drug.id, Actor("p-wei", "dingtalk"), now + timedelta(minutes=2), "非本单位职责")
    food = units.reassign(store, rules, case.id, drug.id, DESK, now + timedelta(minutes=3), "u-food").assignment
    units.acknowledge(store, rules, case.id, food.id, FOOD, now + timedelta(minutes=5))
    units.report(store, rules, case.id, food.id, FOOD, now + timedelta(minutes=30), ReportKind.INITIAL, "初步核实")
    cases.set_grade(store, rules, case.id, DESK, now + timedelta(hours=1), Grade.MAJOR, "转载量上升")
    return case.id


def rows(store, case_id):
    repo = store.repo
    return {"entries": repo.timeline(case_id), "case": repo.get_case(case_id),
            "grade_changes": [copy.deepcopy(g) for g in store.state.grade_changes if g.case_id == case_id],
            "duties": repo.duties(case_id), "assignments": repo.assignments(case_id)}


def check(found: dict) -> list[str]:
    return disagreements(found["entries"], found["case"], found["grade_changes"], found["duties"],
                         found["assignments"])


def test_a_case_walked_through_the_commands_agrees_with_its_timeline(store, walked):
    found = rows(store, walked)
    assert len(found["grade_changes"]) == 2 and len(found["assignments"]) == 2 and len(found["duties"]) > 4
    assert any(d.state != DutyState.OPEN for d in found["duties"])
    assert check(found) == []


def test_every_entry_records_the_case_after_it_and_the_assignment_it_touched(store, walked):
    entries = store.repo.timeline(walked)
    assert all(e.payload["row"]["grade"] in (1, 3) for e in entries)
    assert entries[-1].payload["row"] == {"grade": 3, "state": "handling", "owner": "u-desk", "county": None,
                                          "confidential": False}
    ack = next(e for e in entries if e.action == "case.ack")
    assert ack.payload["assignment_row"] == {"id": ack.payload["assignment"], "unit": "u-food", "state": "acknowledged"}


def test_the_case_row_is_checked_against_the_last_snapshot(store, walked):
    found = rows(store, walked)
    found["case"] = replace(found["case"], grade=Grade.SENSITIVE, state=CaseState.ARCHIVED, confidential=True)
    assert check(found) == ["案件现定级为 敏感，时间线记录为 重大", "案件现状态为 已归档，时间线记录为 处置中",
                            "案件现涉密标记为 涉密，时间线记录为 非涉密"]


def test_grade_change_rows_are_checked_one_to_one(store, walked):
    found = rows(store, walked)
    second = found["entries"][[e.action for e in found["entries"]].index("case.grade")].seq
    found["grade_changes"][1].new = Grade.SENSITIVE
    assert check(found) == [f"定级记录第 2 条与时间线第 {second} 条不符（由 一般 至 重大 / 记录 由 一般 至 敏感）"]
    found["grade_changes"][1].new, found["grade_changes"][1].reason = Grade.MAJOR, "改过的理由"
    assert check(found) == [f"定级记录第 2 条与时间线第 {second} 条不符（理由 转载量上升 / 记录 改过的理由）"]
    found["grade_changes"] = found["grade_changes"][:1]
    assert check(found) == [f"时间线第 {second} 条的定级（由 一般 至 重大）没有定级记录"]


def test_duty_rows_are_checked_against_their_starts_and_ends(store, walked):
    found = rows(store, walked)
    open_duty = next(d for d in found["duties"] if d.state == DutyState.OPEN)
    ended = next(d for d in found["duties"] if d.state == DutyState.DONE)
    open_duty.due_at += timedelta(hours=1)
    ended.state = DutyState.OPEN
    problems = check(found)
    assert f"时限 #{open_duty.id} 的期限与时间线不符" in problems
    assert any(p.startswith(f"时限 #{ended.id} 已于时间线第 ") and p.endswith("记录仍为进行中") for p in problems)
    stray = replace(open_duty, id=999, due_at=open_duty.due_at)
    found["duties"] = [d for d in found["duties"] if d.id != ended.id] + [stray]
    problems = check(found)
    assert "时限 #999 不在时间线上" in problems
    assert any(p.endswith(f"开始的时限 #{ended.id} 没有记录") for p in problems)


def test_an_ended_duty_must_end_as_the_timeline_says(store, walked):
    found = rows(store, walked)
    ended = next(d for d in found["duties"] if d.state == DutyState.DONE)
    ended.state = DutyState.CLOSED
    assert check(found) == [f"时限 #{ended.id} 的结束状态与时间线不符（时间线 done / 记录 closed）"]
    running = next(d for d in found["duties"] if d.state == DutyState.OPEN)
    running.state = DutyState.CLOSED
    assert f"时限 #{running.id} 已结束（closed），时间线上没有结束记录" in check(found)


def test_assignment_rows_are_checked_against_their_creation_and_last_snapshot(store, walked):
    found = rows(store, walked)
    drug, food = found["assignments"]
    assert (drug.state, food.state) == (AssignmentState.REASSIGNED, AssignmentState.REPORTED)
    drug.state, food.state = AssignmentState.RETURNED, AssignmentState.WARNED
    assert check(found) == [f"分派 #{drug.id} 的状态与时间线不符（时间线 已改派 / 记录 已退回）",
                            f"分派 #{food.id} 的状态与时间线不符（时间线 已报告 / 记录 待签收）"]
    drug.state, food.state, food.unit_id = AssignmentState.REASSIGNED, AssignmentState.REPORTED, "u-county-a"
    (problem,) = check(found)
    assert problem.startswith(f"分派 #{food.id} 的单位与时间线第 ") and problem.endswith("（时间线 u-food / 记录 u-county-a）")
    food.unit_id = "u-food"
    found["assignments"].append(replace(food, id=777))
    assert check(found) == ["分派 #777 不在时间线上"]


def test_older_entries_without_snapshots_are_checked_by_what_they_have(store, walked):
    found = rows(store, walked)
    found["entries"] = [strip(e) for e in found["entries"]]
    assert check(found) == []
    found["case"] = replace(found["case"], grade=Grade.GENERAL, state=CaseState.ARCHIVED)
    found["assignments"][1].state = AssignmentState.WARNED  # its state was never snapshotted: not judged
    assert check(found) == ["案件现定级为 一般，时间线记录为 重大"]


def strip(entry: TimelineEntry) -> TimelineEntry:
    payload = {k: v for k, v in entry.payload.items() if k not in ("row", "assignment_row")}
    return replace(entry, payload=payload)
