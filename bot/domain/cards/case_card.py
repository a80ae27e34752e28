"""The case cards' view-model (kinds ``case_card``, ``desk_card``, ``bulletin``, ``prompt_card``): a case with
its parts as read in one transaction (:class:`CaseView`), the facts every case card starts with, the case's
text and link, what is asked of a unit by grade, each open duty with its deadline, a unit's part in one line,
and the unit's card of an assignment (the warning and its later states).

What a reader must act on comes first (review ux-2026-12-07, finding 8): the status line, then the facts in
the order 等级, 签收时限, 初报时限 (the other open duties after them), then the title and what is asked. A card
stays in a chat, so it says each deadline (``今天 17:38``), never a countdown that is wrong when read
(finding 4). The number is the card's title and is not repeated as a fact; the case's link travels apart
from the text (``link``) so a card that can make it tappable does (finding 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.card import Button, Card
from bot.core.org import Organisation
from bot.domain.cards.shapes import CaseCardData, Fact
from bot.domain.case.lifecycle import ASSIGNMENT_LABELS, AssignmentState
from bot.domain.errors import NotFound
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, REPORT_LABELS, DutyKind, ReportKind
from bot.domain.records import Assignment, Case, Duty, DutyState
from bot.domain.repository import CaseRepository
from bot.domain.words import deadline, grade_color, when

ASKED = {
    Grade.GENERAL: "请关注并核实，按时反馈处置情况。",
    Grade.SENSITIVE: "请跟踪研判，提出处置意见（是否公开回应、网评引导、官网/公众号发布），按时初报。",
    Grade.MAJOR: "请立即核实并初报；配合召开研判会议，48小时内公开回应。",
    Grade.ESPECIALLY_MAJOR: "请立即核实并初报；4小时内发布权威信息，24小时内召开新闻发布会。",
}
FIRST_DUTIES = (DutyKind.ACKNOWLEDGE, DutyKind.INITIAL_REPORT)  # the deadlines a unit reads first, in this order
DEADLINE_LABELS = {DutyKind.ACKNOWLEDGE: "签收时限"}
LIVE = (AssignmentState.WARNED, AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED)


@dataclass
class CaseView:
    """A case with its assignments and duties, read in one transaction."""

    case: Case
    assignments: list[Assignment]
    duties: list[Duty]
    reports: list = field(default_factory=list)  # the case's report.submit entries, oldest first

    def assignment(self, assignment_id: int | str | None) -> Assignment | None:
        """The assignment with this id, or None."""
        return next((a for a in self.assignments if str(a.id) == str(assignment_id)), None)


def read_case_view(repo: CaseRepository, case: Case) -> CaseView:
    """``case`` with its assignments, duties and reports, read through ``repo``."""
    reports = [e for e in repo.timeline(case.id) if e.action == "report.submit"]
    return CaseView(case, repo.assignments(case.id), repo.duties(case.id), reports)


def case_view_by_number(repo: CaseRepository, number: str) -> CaseView:
    """The case ``number`` with its parts; raises NotFound."""
    case = repo.case_by_number(number.strip().upper())
    if case is None:
        raise NotFound("case.not_found", f"找不到案件 {number}，请核对案件编号。")
    return read_case_view(repo, case)


def case_view_by_id(repo: CaseRepository, case_id: int) -> CaseView:
    """The case with this id and its parts; raises NotFound."""
    case = repo.get_case(case_id)
    if case is None:
        raise NotFound("case.not_found", "找不到该案件。")
    return read_case_view(repo, case)


def deadline_facts(duties: list[Duty], now: datetime, assignment_id: int | None = None) -> list[Fact]:
    """Each open duty (of one assignment, or the case's own) as a fact ``签收时限：今天 17:38``: 签收 and 初报
    first, then the others by deadline."""
    mine = sorted((d for d in duties if d.open and d.assignment_id == assignment_id),
                  key=lambda d: (FIRST_DUTIES.index(d.kind) if d.kind in FIRST_DUTIES else len(FIRST_DUTIES), d.due_at))
    return [Fact(DEADLINE_LABELS.get(d.kind, f"{DUTY_LABELS[d.kind]}时限"), deadline(d.due_at, now)) for d in mine]


def unit_name(org: Organisation, unit_id: str) -> str:
    """The unit's name (its id when unknown)."""
    unit = org.units.get(unit_id)
    return unit.name if unit else unit_id


def person_name(org: Organisation, person_id: str | None) -> str:
    """The person's name (their id when unknown)."""
    person = org.person(person_id or "")
    return person.name if person else (person_id or "")


def case_facts(case: Case, unit: str = "") -> list[Fact]:
    """The facts every case card starts with: the grade (and the unit, when named)."""
    facts = [Fact("等级", case.grade.label)]
    if unit:
        facts.append(Fact("承办单位", unit))
    return facts


def case_body(case: Case) -> str:
    """The case's title (what a group may see of it: ``bot.core.presentation``); its link is ``link``."""
    return case.title


def ack_buttons(case: Case, assignment: Assignment) -> tuple[Button, ...]:
    """签收 and 非本单位职责 on a warning."""
    params = {"case": case.number, "a": str(assignment.id)}
    return (Button("签收", "case.ack", params, "primary"), Button("非本单位职责", "case.reject", params, "danger"))


def report_buttons(case: Case, assignment: Assignment) -> tuple[Button, ...]:
    """报告 on an acknowledged card."""
    return (Button("报告", "report.start", {"case": case.number, "a": str(assignment.id)}, "primary"),)


def signed(name: str, at: datetime, now: datetime) -> str:
    """``已由张三于今天 10:30签收``: who signed and when, as every card and answer says it."""
    return f"已由{name}于{when(at, now)}签收"


def unit_status(org: Organisation, a: Assignment, now: datetime) -> str:
    """What has become of a unit's part, in one line (empty while it waits)."""
    if a.state in (AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED) and a.acknowledged_at:
        return signed(person_name(org, a.acknowledged_by), a.acknowledged_at, now)
    if a.state == AssignmentState.WARNED:
        return ""
    return f"{ASSIGNMENT_LABELS[a.state]}" + (f"：{a.reason}" if a.reason else "")


def latest_report(view: CaseView, a: Assignment, now: datetime) -> str:
    """``最新报告：专项报告（第2版），今天 10:30 提交，按时`` for the unit's part ('' before its first report)."""
    mine = [e for e in view.reports if e.payload.get("assignment") == a.id]
    if not mine:
        return ""
    last = mine[-1]
    kind = str(last.payload.get("kind", ""))
    version = sum(1 for e in mine if str(e.payload.get("kind")) == kind)
    label = REPORT_LABELS.get(ReportKind(kind), kind) if kind in {str(k) for k in ReportKind} else kind
    timing = "迟报" if last.payload.get("late") else "按时"
    return f"最新报告：{label}（第{version}版），{when(last.at, now)} 提交，{timing}"


def main_leader_line(view: CaseView, now: datetime, told: bool) -> str:
    """Where the main leader stands on a case that asks his 签收 (特别重大): ``主要领导已签收 今天 09:12`` once he
    signed, ``已通知主要领导`` once his bulletin's outbox row is sent (``told``), else '' — never before."""
    duties = [d for d in view.duties if d.kind == DutyKind.MAIN_LEADER_ACKNOWLEDGE]
    signed = next((d for d in duties if d.state == DutyState.DONE and d.ended_at), None)
    if signed is not None:
        return f"主要领导已签收 {when(signed.ended_at, now)}"
    return "已通知主要领导" if duties and told else ""


def unit_card(org: Organisation, view: CaseView, a: Assignment, now: datetime, *,
              mentions: tuple[str, ...] = (), leader_told: bool = False) -> Card:
    """The unit's card of ``a`` (kind ``case_card``) as it stands now: warning with buttons, or its outcome
    with the next step; ``leader_told``: the main leader's bulletin was sent (:func:`main_leader_line`)."""
    case = view.case
    status = "；".join(p for p in (unit_status(org, a, now), latest_report(view, a, now)) if p)
    if a.state == AssignmentState.WARNED:
        buttons = ack_buttons(case, a)
        hint = f"签收：发送“签收 {case.number}”；不属于本单位职责：发送“退回 {case.number}”（群聊中请先 @舆情助手）。"
    elif a.state in (AssignmentState.ACKNOWLEDGED, AssignmentState.REPORTED):
        buttons = report_buttons(case, a)
        hint = f"报告：发送“报告 {case.number}”（群聊中请先 @舆情助手）。"
    else:
        buttons, hint = (), ""
    data = CaseCardData(title=f"舆情预警 {case.number}", color=grade_color(case.grade),
                        facts=[*case_facts(case), *deadline_facts(view.duties, now, a.id)],
                        body="\n".join(filter(None, (case_body(case), f"工作要求：{ASKED[case.grade]}",
                                                      main_leader_line(view, now, leader_told)))),
                        link=case.link or None,
                        status=status, hint=hint, case_id=case.id, unit=a.unit_id, assignment=a.id,
                        mentions=list(mentions))
    return data.card(buttons)
