"""The view-model of the case cards every step of the unit's side shows (not an intent: no handler).

Owns: finding a case and its parts for a handler (``load``), the people a unit's card goes to, and
the card data — facts (number, grade, state, unit), the case's text and link, what is asked, and
each open duty with its deadline and time left in Asia/Shanghai, and the unit's latest report — for
the kinds ``case_card``
(the unit's warning and its later states), ``desk_card``, ``bulletin`` and ``prompt_card``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.card import Button, Card
from bot.core.clock import SHANGHAI, ensure_utc
from bot.core.org import Organisation
from bot.domain.errors import NotFound
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, REPORT_LABELS, ReportKind
from bot.domain.lifecycle import ASSIGNMENT_LABELS, CASE_LABELS, AssignmentState
from bot.domain.records import Assignment, Case, Duty

COLORS = {Grade.GENERAL: "blue", Grade.SENSITIVE: "yellow", Grade.MAJOR: "orange", Grade.ESPECIALLY_MAJOR: "red"}
ASKED = {
    Grade.GENERAL: "请关注并核实，按时反馈处置情况。",
    Grade.SENSITIVE: "请跟踪研判，提出处置意见（是否公开回应、网评引导、官网/公众号发布），按时初报。",
    Grade.MAJOR: "请立即核实并初报；配合召开研判会议，48小时内公开回应。",
    Grade.ESPECIALLY_MAJOR: "请立即核实并初报；已报告主要领导，4小时内发布权威信息，24小时内召开新闻发布会。",
}
LIVE = (AssignmentState.WARNED, AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED)


@dataclass
class CaseView:
    """A case with its assignments and duties, read in the handler's transaction."""

    case: Case
    assignments: list[Assignment]
    duties: list[Duty]
    reports: list = field(default_factory=list)  # the case's report.submit entries, oldest first

    def assignment(self, assignment_id: int | str | None) -> Assignment | None:
        """The assignment with this id, or None."""
        return next((a for a in self.assignments if str(a.id) == str(assignment_id)), None)


def load(ctx, number: str) -> CaseView:
    """The case ``number`` with its parts; raises NotFound."""
    def read(repo) -> CaseView:
        case = repo.case_by_number(number.strip().upper())
        if case is None:
            raise NotFound("case.not_found", f"找不到案件 {number}，请核对案件编号。")
        return _view(repo, case)
    return ctx.store.run(read)


def _view(repo, case: Case) -> CaseView:
    reports = [e for e in repo.timeline(case.id) if e.action == "report.submit"]
    return CaseView(case, repo.assignments(case.id), repo.duties(case.id), reports)


def load_id(ctx, case_id: int) -> CaseView:
    """The case with this id and its parts; raises NotFound."""
    def read(repo) -> CaseView:
        case = repo.get_case(case_id)
        if case is None:
            raise NotFound("case.not_found", "找不到该案件。")
        return _view(repo, case)
    return ctx.store.run(read)


def hhmm(at: datetime) -> str:
    """A time as people read it: ``11-29 14:30`` in Asia/Shanghai."""
    return ensure_utc(at).astimezone(SHANGHAI).strftime("%m-%d %H:%M")


def time_left(due: datetime, now: datetime) -> str:
    """``剩余 2小时10分`` or ``已超时 35分``."""
    seconds = int((ensure_utc(due) - ensure_utc(now)).total_seconds())
    word = "剩余" if seconds >= 0 else "已超时"
    minutes = abs(seconds) // 60
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    text = (f"{days}天" if days else "") + (f"{hours}小时" if hours else "") + (f"{mins}分" if mins and not days else "")
    return f"{word} {text or '0分'}"


def duty_lines(duties: list[Duty], now: datetime, assignment_id: int | None = None) -> list[str]:
    """Each open duty (of one assignment, or the case's own) with its deadline and time left."""
    return [f"· {DUTY_LABELS[d.kind]}：截止 {hhmm(d.due_at)}（{time_left(d.due_at, now)}）"
            for d in duties if d.open and d.assignment_id == assignment_id]


def unit_name(org: Organisation, unit_id: str) -> str:
    """The unit's name (its id when unknown)."""
    unit = org.units.get(unit_id)
    return unit.name if unit else unit_id


def person_name(org: Organisation, person_id: str | None) -> str:
    """The person's name (their id when unknown)."""
    person = org.person(person_id or "")
    return person.name if person else (person_id or "")


def case_facts(case: Case, unit: str = "") -> list[dict]:
    """The facts every case card starts with."""
    facts = [{"label": "案件编号", "value": case.number}, {"label": "等级", "value": case.grade.label},
             {"label": "状态", "value": CASE_LABELS[case.state]}]
    if unit:
        facts.append({"label": "承办单位", "value": unit})
    return facts


def case_body(case: Case, hidden: bool = False) -> str:
    """The case's title and link (``hidden``: a confidential case in a group shows neither)."""
    if hidden:
        return "涉密案件：内容不在群内显示，详情已单独发送给本单位联络员和负责人。"
    return case.title + (f"\n链接：{case.link}" if case.link else "")


def ack_buttons(case: Case, assignment: Assignment) -> tuple[Button, ...]:
    """签收 and 非本单位职责 on a warning."""
    params = {"case": case.number, "a": str(assignment.id)}
    return (Button("签收", "case.ack", params, "primary"), Button("非本单位职责", "case.reject", params, "danger"))


def report_buttons(case: Case, assignment: Assignment) -> tuple[Button, ...]:
    """报告 on an acknowledged card."""
    return (Button("报告", "report.start", {"case": case.number, "a": str(assignment.id)}, "primary"),)


def unit_status(org: Organisation, a: Assignment) -> str:
    """What has become of a unit's part, in one line (empty while it waits)."""
    if a.state in (AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED) and a.acknowledged_at:
        return f"已由 {person_name(org, a.acknowledged_by)} 于 {hhmm(a.acknowledged_at)} 签收"
    if a.state == AssignmentState.WARNED:
        return ""
    return f"{ASSIGNMENT_LABELS[a.state]}" + (f"：{a.reason}" if a.reason else "")


def latest_report(view: CaseView, a: Assignment) -> str:
    """``最新报告：专项报告（第2版），11-30 10:30 提交，按时`` for the unit's part ('' before its first report)."""
    mine = [e for e in view.reports if e.payload.get("assignment") == a.id]
    if not mine:
        return ""
    last = mine[-1]
    kind = str(last.payload.get("kind", ""))
    version = sum(1 for e in mine if str(e.payload.get("kind")) == kind)
    label = REPORT_LABELS.get(ReportKind(kind), kind) if kind in {str(k) for k in ReportKind} else kind
    timing = "迟报" if last.payload.get("late") else "按时"
    return f"最新报告：{label}（第{version}版），{hhmm(last.at)} 提交，{timing}"


def unit_card(org: Organisation, view: CaseView, a: Assignment, now: datetime, *, hidden: bool = False,
              mentions: tuple[str, ...] = ()) -> Card:
    """The unit's card of ``a`` as it stands now: warning with buttons, or its outcome with the next step."""
    case = view.case
    lines = [case_body(case, hidden)]
    if not hidden:
        lines += ["", f"工作要求：{ASKED[case.grade]}", *duty_lines(view.duties, now, a.id)]
    status = "；".join(p for p in (unit_status(org, a), latest_report(view, a)) if p)
    if a.state == AssignmentState.WARNED:
        buttons = ack_buttons(case, a)
    elif a.state in (AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED) and not hidden:
        buttons = report_buttons(case, a)
    else:
        buttons = ()
    hint = (f"签收：在群里 @舆情助手 发送“签收 {case.number}”，或在单聊中点击卡片按钮。"
            if a.state == AssignmentState.WARNED else f"报告：发送“报告 {case.number}”。")
    data = {"title": f"舆情预警 {case.number}", "color": COLORS[case.grade],
            "facts": case_facts(case, unit_name(org, a.unit_id)), "body": "\n".join(lines).strip(),
            "status": status, "hint": hint, "case_id": case.id, "unit": a.unit_id, "assignment": a.id,
            "mentions": list(mentions)}
    return Card("case_card", data, buttons)


def notice(text: str) -> Card:
    """A plain notice."""
    return Card("notice", {"text": text})
