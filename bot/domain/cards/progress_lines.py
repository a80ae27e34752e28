"""The lines of a county case's progress the city desk follows (issue 22, 关注): one short line per step of the
case's timeline — ``今天 14:05 谢干事（甲县市场监督管理局）报送初报`` — for the city desk's copy of the
``county_case`` card (``progress``, latest first) and the batched notices where a group card cannot change
(``worker/county_progress.py``).

A step is what someone did on the case: reports, 签收 and returns, assignments, grade changes, scripts and their
approvals, plans, publications, tracking, 平息 and the case's other moves, duties done by hand (a meeting held, a
transfer's feedback), evaluations, answers to 督办. Everything else (clock firings, reminders, escalations,
views, follows, 涉密 markings, refused publications …) is not a step: None. A line names who did what kind of step
and never quotes what they wrote (no title, report, script or reason text), so it reads the same on a
confidential case. The time reads as every time does (``bot.domain.words.when``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from bot.core.org import Organisation
from bot.domain.case.lifecycle import CASE_LABELS, CaseState
from bot.domain.case.timeline import TimelineEntry
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, REPORT_LABELS, DutyKind, ReportKind
from bot.domain.words import when

__all__ = ["STEPS", "progress_line", "progress_lines"]

LATEST = 5  # the lines a card shows


def progress_line(entry: TimelineEntry, org: Organisation, now: datetime) -> str | None:
    """The line of ``entry`` (``今天 14:05 谢干事（甲县市场监督管理局）报送初报``), or None when it is not a step."""
    what = STEPS.get(entry.action)
    text = what(entry.payload or {}, org) if what is not None else None
    if not text:
        return None
    return f"{when(entry.at, now)} {actor_label(entry, org)}{text}"


def progress_lines(entries: list[TimelineEntry], org: Organisation, now: datetime,
                   latest: int | None = LATEST) -> list[str]:
    """The lines of ``entries`` (in seq order) that are steps, latest first; at most ``latest`` (None: all)."""
    lines = [line for e in reversed(entries) if (line := progress_line(e, org, now))]
    return lines if latest is None else lines[:latest]


def actor_label(entry: TimelineEntry, org: Organisation) -> str:
    """Who did it: ``谢干事（甲县市场监督管理局）`` — the unit the step was done for when the person is in it, else
    the county they belong to or lead, else their first unit; the name alone for one in no unit (a city
    leader); the system for a step nobody did."""
    person = org.person(entry.actor)
    if person is None:
        return "系统" if entry.actor in ("", "system") else entry.actor
    unit = _unit_of(entry, org)
    return f"{person.name}（{unit}）" if unit else person.name


def _unit_of(entry: TimelineEntry, org: Organisation) -> str:
    mine = [u for u in org.units_of(entry.actor)]
    named = str((entry.payload or {}).get("unit") or "")
    for unit in mine:
        if unit.id == named:
            return unit.name
    county = next((u for u in mine if u.kind == "county"), None)
    if county is None:
        county = next((u for u in org.units.values()
                       if u.active and u.kind == "county" and entry.actor in (u.leaders or {}).values()), None)
    if county is not None:
        return county.name
    return mine[0].name if mine else ""


def _unit(org: Organisation, unit_id: object) -> str:
    unit = org.units.get(str(unit_id or ""))
    return unit.name if unit else str(unit_id or "")


def _grade(value: object) -> str:
    try:
        return Grade(int(value)).label
    except (TypeError, ValueError):
        return str(value)


def _state(value: object) -> str:
    try:
        return CASE_LABELS[CaseState(str(value))]
    except ValueError:
        return str(value)


def _late(payload: dict, word: str = "逾期") -> str:
    return f"（{word}）" if payload.get("late") else ""


def _named(labels: dict, kind, value: object, unknown: str) -> str:
    """The label of ``value`` as a member of the enum ``kind`` (``unknown`` when it is none)."""
    return labels[kind(value)] if str(value or "") in {str(k) for k in kind} else unknown


def _report(p: dict, org: Organisation) -> str:
    return f"报送{_named(REPORT_LABELS, ReportKind, p.get('kind'), '报告')}{_late(p, '迟报')}"


def _owned(p: dict, org: Organisation) -> str:
    """``食品生产安全监督管理科的`` before a script or plan, when the step names its unit."""
    return f"{_unit(org, p['unit'])}的" if p.get("unit") else ""


def _version(p: dict) -> str:
    return f" v{p['version']}" if p.get("version") else ""


def _script_approve(p: dict, org: Organisation) -> str:
    done = "，口径审定通过" if p.get("approved") else ""
    return f"同意{_owned(p, org)}口径{_version(p)}{done}"


def _plan_submit(p: dict, org: Organisation) -> str:
    way = f"（{p['way_label']}）" if p.get("way_label") else ""
    return f"提交{_owned(p, org)}回应方案{_version(p)}{way}"


def _plan_approve(p: dict, org: Organisation) -> str:
    done = "，方案审批通过" if p.get("approved") else ""
    return f"同意{_owned(p, org)}回应方案{_version(p)}{done}"


def _track(p: dict, org: Organisation) -> str:
    if p.get("unit"):
        return "报送跟踪情况"
    moved = p.get("from") and p.get("to") and p.get("from") != p.get("to")
    return "跟踪，案件转入跟踪" if moved else "记录跟踪情况"


def _advance(p: dict, org: Organisation) -> str:
    if str(p.get("to")) == str(CaseState.SUBSIDED):
        return "确认平息"
    return f"将案件转为{_state(p.get('to'))}" if p.get("to") else ""


def _fulfil(p: dict, org: Organisation) -> str:
    return f"完成{_named(DUTY_LABELS, DutyKind, p.get('kind'), '待办事项')}{_late(p)}"


def _reassign(p: dict, org: Organisation) -> str:
    before = f"（原{_unit(org, p['from_unit'])}）" if p.get("from_unit") else ""
    return f"改派{_unit(org, p.get('unit'))}{before}"


# action → what the step says after who did it ('' or None: not shown)
STEPS: dict[str, Callable[[dict, Organisation], str | None]] = {
    "report.submit": _report,
    "case.ack": lambda p, org: f"签收{_late(p, '超时')}",
    "case.reject": lambda p, org: "以非本单位职责退回",
    "case.assign": lambda p, org: f"分派{_unit(org, p.get('unit'))}",
    "case.reassign": _reassign,
    "case.grade": lambda p, org: f"调整定级：由{_grade(p.get('from'))}调整为{_grade(p.get('to'))}",
    "script.submit": lambda p, org: f"提交{_owned(p, org)}口径{_version(p)}",
    "script.approve": _script_approve,
    "script.return": lambda p, org: f"退回修改{_owned(p, org)}口径{_version(p)}",
    "script.onward_consent": lambda p, org: f"同意报送{_owned(p, org)}口径{_version(p)}",
    "script.onward_report": lambda p, org: f"将{_owned(p, org)}口径{_version(p)}报送{p.get('to') or '上级'}",
    "plan.submit": _plan_submit,
    "plan.approve": _plan_approve,
    "plan.return": lambda p, org: f"退回修改{_owned(p, org)}回应方案{_version(p)}",
    "publication.publish": lambda p, org: f"登记发布（{p.get('channel_label') or p.get('channel') or '发布'}）",
    "case.track": _track,
    "case.script": lambda p, org: "答复需要续发口径" if p.get("needed") else "答复无需续发口径",
    "case.subside": lambda p, org: "确认平息",
    "case.advance": _advance,
    "case.retrack": lambda p, org: "重新跟踪",
    "case.archive": lambda p, org: "归档",
    "case.correct": lambda p, org: "更正记录",
    "duty.fulfil": _fulfil,
    "supervision.answer": lambda p, org: f"回复督办{_late(p)}",
    "evaluation.submit": lambda p, org: f"提交评估总结{_late(p)}",
    "evaluation.accept": lambda p, org: f"通过{_unit(org, p.get('unit'))}的评估总结",
    "evaluation.return": lambda p, org: f"退回{_unit(org, p.get('unit'))}的评估总结",
}
