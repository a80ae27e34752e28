"""The report of a drill (issue 23): every duty against its scaled deadline — on time, late, missed, open,
superseded —, the scripted steps performed, who acted (the script left out), as text and as JSON; a real case is
refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.domain.case.commands import open_case, set_grade
from bot.domain.context import load_case, record
from bot.domain.drill.report import DutyRow, Verdict, actor_name, drill_report, verdict_of
from bot.domain.errors import InvalidInput
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind, ReportKind
from bot.domain.records import Actor, Duty, DutyState
from bot.domain.unit import commands as unit_commands

DESK = Actor("p-li", "wecom")
LIAISON = Actor("p-feng", "wecom")


def open_drill(store, rules, now, scale=60, steps=()):
    """A 重大 drill at ×``scale`` with its scenario recorded, warned to 食品生产 (u-food)."""
    case = open_case(store, rules, DESK, now, title="演练：某超市销售过期食品", grade=Grade.MAJOR, drill=True,
                     drill_scale=scale).case
    payload = {"people": ["p-zhao", "p-qian", "p-wu"], "steps": list(steps), "scale": scale, "source": "major.yaml",
               "units": ["u-food"], "started_by": "p-sun"}
    store.run(lambda repo: record(repo, rules, load_case(repo, case.id), Actor("p-sun", "dingtalk"), "desk_head",
                                  "drill.scenario", now, payload))
    assignment = unit_commands.assign_unit(store, rules, case.id, DESK, now, "u-food").assignment
    return case, assignment


def read(store, case_id):
    return store.run(lambda repo: (repo.timeline(case_id), repo.duties(case_id), repo.get_case(case_id)))


def by_kind(report) -> dict[str, list[DutyRow]]:
    out: dict[str, list[DutyRow]] = {}
    for row in report.duties:
        out.setdefault(str(row.kind), []).append(row)
    return out


def test_a_late_and_an_on_time_duty_against_the_scaled_clocks(store, rules, org, clock):
    now = clock.now()
    case, assignment = open_drill(store, rules, now)
    unit_commands.acknowledge(store, rules, case.id, assignment.id, LIAISON, now + timedelta(seconds=10))
    unit_commands.report(store, rules, case.id, assignment.id, LIAISON, now + timedelta(minutes=5),
                         ReportKind.INITIAL, "演练：已派员核查")
    timeline, duties, stored = read(store, case.id)

    report = drill_report(timeline, duties, stored, org, now + timedelta(minutes=30))

    rows = by_kind(report)
    ack, initial = rows["acknowledge"][0], rows["initial_report"][0]
    assert ack.due_at - ack.started_at == timedelta(seconds=30)          # 30 min ÷ 60
    assert (ack.verdict, ack.ended_by, ack.owner, ack.overdue) == (Verdict.ON_TIME, "冯干事", "食品生产安全监督管理科", 0)
    assert initial.due_at - initial.started_at == timedelta(minutes=2)   # 2 h ÷ 60
    assert (initial.verdict, initial.ended_by, initial.overdue) == (Verdict.LATE, "冯干事", 180)
    assert rows["assessment_meeting"][0].verdict == Verdict.MISSED     # open, due 10:24, read at 10:30
    assert rows["public_response"][0].verdict == Verdict.OPEN          # due 10:48
    assert [r.started_at for r in report.duties] == sorted(r.started_at for r in report.duties)
    assert report.totals[Verdict.ON_TIME] == 1 and report.totals[Verdict.LATE] == 1
    assert report.people == (("p-zhao", "赵局长"), ("p-qian", "钱副局长"), ("p-wu", "吴副局长"))
    assert [(name, n) for _, name, n in report.actors] == [("李干事", 2), ("孙科长", 1), ("冯干事", 2)]

    text = report.as_text()
    assert text.splitlines()[0] == f"演练报告 {case.number}"
    assert "时间倍率：×60（演练时间1小时 = 实际1分钟）" in text
    assert "演练场景：major.yaml；接收通报和审批的领导：赵局长、钱副局长、吴副局长" in text
    assert ("签收预警（食品生产安全监督管理科）：开始 今天 10:00:00，截止 今天 10:00:30，冯干事于 今天 10:00:10 办结 —— 按时"
            in text)
    assert ("初报（食品生产安全监督管理科）：开始 今天 10:00:00，截止 今天 10:02:00，冯干事于 今天 10:05:00 办结 —— "
            "迟办（超时3分钟，合演练时间3小时）") in text
    assert "研判会议（综合应急和新闻宣传科）：开始 今天 10:00:00，截止 今天 10:24:00，尚未办结 —— 未办（超时6分钟" in text
    assert "参与人员：李干事（2次）、孙科长（1次）、冯干事（2次）" in text

    data = json.loads(json.dumps(report.as_json()))
    assert data["number"] == case.number and data["drill"] is True and data["scale"] == 60
    initial_json = next(d for d in data["duties"] if d["kind"] == "initial_report")
    assert initial_json["verdict"] == "late" and initial_json["verdict_label"] == "迟办"
    assert initial_json["ended_by"] == "p-feng" and initial_json["overdue_seconds"] == 180
    assert initial_json["due_at"] == "2026-11-24T02:02:00+00:00"
    assert data["totals"]["on_time"] == 1 and data["totals"]["late"] == 1
    assert data["scenario"]["units"] == ["食品生产安全监督管理科"]


def test_the_scripted_steps_performed_and_the_raise_they_made(store, rules, org, clock):
    now = clock.now()
    step = {"after": 600, "raise": int(Grade.ESPECIALLY_MAJOR), "reason": "热度持续上升"}
    later = {"after": 7200, "raise": int(Grade.ESPECIALLY_MAJOR), "reason": "再次上升"}
    case, _ = open_drill(store, rules, now, steps=[step, later])
    at = now + timedelta(seconds=12)                                    # due at +10 s (600 s ÷ 60)
    set_grade(store, rules, case.id, Actor("p-li", "drill"), at, Grade.ESPECIALLY_MAJOR, "热度持续上升")
    store.run(lambda repo: record(repo, rules, load_case(repo, case.id), Actor("system", "drill"), "system",
                                  "drill.step", at, {"index": 0, "raise": 4, "reason": "热度持续上升", "changed": True}))
    timeline, duties, stored = read(store, case.id)

    report = drill_report(timeline, duties, stored, org, now + timedelta(minutes=1))

    first, second = report.steps
    assert (first.due_at, first.done_at, first.changed) == (now + timedelta(seconds=10), at, True)
    assert (second.due_at, second.done_at) == (now + timedelta(minutes=2), None)
    assert any(r.verdict == Verdict.SUPERSEDED for r in report.duties)  # the raise started stricter clocks
    assert report.grade == Grade.ESPECIALLY_MAJOR
    assert [name for _, name, _ in report.actors] == ["李干事", "孙科长"]  # the script's acts are not a person's
    text = report.as_text()
    assert "1. 演练时间10分钟后升为特别重大舆情（热度持续上升），应于 今天 10:00:10 执行：已于 今天 10:00:12 执行" in text
    assert "2. 演练时间2小时后升为特别重大舆情（再次上升），应于 今天 10:02:00 执行：尚未执行" in text
    assert "定级调整，按新时限重新计时 —— 已重新计时" in text
    assert report.as_json()["steps"][1] == {"index": 1, "after_seconds": 7200, "raise": "especially_major",
                                            "raise_label": "特别重大舆情", "reason": "再次上升",
                                            "due_at": "2026-11-24T02:02:00+00:00", "done_at": None,
                                            "changed": None, "refused": None}


def test_a_case_that_is_not_a_drill_is_refused(store, rules, org, clock):
    case = open_case(store, rules, DESK, clock.now(), title="某超市销售过期食品", grade=Grade.MAJOR).case
    timeline, duties, stored = read(store, case.id)
    with pytest.raises(InvalidInput) as caught:
        drill_report(timeline, duties, stored, org, clock.now())
    assert caught.value.message == f"{case.number} 不是演练案件。"


def test_a_drill_without_a_recorded_scenario_still_reports(store, rules, org, clock):
    case = open_case(store, rules, DESK, clock.now(), title="演练：旧式演练", drill=True, drill_scale=60).case
    timeline, duties, stored = read(store, case.id)
    text = drill_report(timeline, duties, stored, org, clock.now()).as_text()
    assert "演练场景：未记录" in text and "脚本步骤" not in text


@pytest.mark.parametrize("state, late, ended, verdict", [
    (DutyState.DONE, False, -1, Verdict.ON_TIME),
    (DutyState.DONE, True, 1, Verdict.LATE),
    (DutyState.CLOSED, True, 1, Verdict.MISSED),       # 平息时未办结
    (DutyState.CLOSED, False, 1, Verdict.MISSED),      # closed after its deadline
    (DutyState.CLOSED, False, -1, Verdict.CLOSED),     # closed in time (单位退回, 无需办理)
    (DutyState.SUPERSEDED, False, -1, Verdict.SUPERSEDED),
    (DutyState.OPEN, False, None, Verdict.OPEN),
])
def test_each_verdict(clock, state, late, ended, verdict):
    now = clock.now()
    due = now + timedelta(minutes=10)
    duty = Duty(case_id=1, kind=DutyKind.ACKNOWLEDGE, grade=Grade.MAJOR, started_at=now, due_at=due, policy={},
                owner_unit="u-food", state=state, late=late,
                ended_at=None if ended is None else due + timedelta(minutes=ended))
    assert verdict_of(duty, now) == verdict
    if state == DutyState.OPEN:
        assert verdict_of(duty, due + timedelta(seconds=1)) == Verdict.MISSED


def test_a_step_that_changed_nothing_says_why(store, rules, org, clock):
    now = clock.now()
    case, _ = open_drill(store, rules, now, steps=[{"after": 60, "raise": 4, "reason": "热度上升"}])
    store.run(lambda repo: record(repo, rules, load_case(repo, case.id), Actor("system", "drill"), "system",
                                  "drill.step", now + timedelta(seconds=2),
                                  {"index": 0, "raise": 4, "reason": "热度上升", "changed": False,
                                   "refused": "案件已归档，不能调整定级。"}))
    timeline, duties, stored = read(store, case.id)
    report = drill_report(timeline, duties, stored, org, now + timedelta(seconds=5))
    assert report.steps[0].changed is False
    assert "应于 今天 10:00:01 执行：已于 今天 10:00:02 执行，等级未变：案件已归档，不能调整定级。" in report.as_text()
    assert report.as_json()["steps"][0]["refused"] == "案件已归档，不能调整定级。"


def test_who_acted_in_words(org):
    assert actor_name(org, "p-feng") == "冯干事"
    assert actor_name(org, "cli:admin") == "命令行用户 admin"
    assert actor_name(org, "system") == "系统"
    assert actor_name(org, "p-gone") == "p-gone"
