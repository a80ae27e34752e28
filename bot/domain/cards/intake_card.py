"""The desk's intake cards (kind ``intake_card``) and a person's open duties (kind ``my_duties``), built from
domain records (the worker's handlers and the API's announcement job use the same ones): the desk's card of a
new case (grade and units as buttons), "already open" with a button to add the sighting, the sighting added,
a case's status, and 我的待办.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from bot.core.card import Button, Card
from bot.core.org import Organisation, Unit
from bot.domain.cards.shapes import DutyItem, Fact, IntakeCardData, MyDutiesData
from bot.domain.case.lifecycle import ASSIGNMENT_LABELS, CASE_LABELS
from bot.domain.grade import Grade
from bot.domain.intake.links import Source
from bot.domain.kinds import DUTY_LABELS
from bot.domain.records import Assignment, Case, Duty
from bot.domain.words import grade_color, time_left, when

GRADE_BUTTON_STYLE = {Grade.GENERAL: "default", Grade.SENSITIVE: "primary", Grade.MAJOR: "warning",
                      Grade.ESPECIALLY_MAJOR: "danger"}
MAX_UNIT_BUTTONS = 2
MAX_DUTIES = 20
LINK_PARAM_CHARS = 600  # a button's params travel in its key (WeCom: 1024 bytes in all)


def _source_label(source: str) -> str:
    try:
        return Source(source).label
    except ValueError:
        return source or "未注明"


def _title(prefix: str, case: Case) -> str:
    return f"{prefix} {case.number}"  # a drill's 【演练】 comes from the rendering rule (bot.core.presentation)


def _base_facts(case: Case, now: datetime, transfer: str | None = None) -> list[Fact]:
    facts = [Fact("标题", case.title), Fact("定级", case.grade.label), Fact("来源", _source_label(case.source or ""))]
    if case.link:
        facts.append(Fact("链接", case.link))
    facts.append(Fact("发现时间", when(case.first_seen_at, now) if case.first_seen_at else ""))
    if transfer or case.transfer_ref:
        facts.append(Fact("转办单", transfer or case.transfer_ref))
    return facts


def intake_card(case: Case, now: datetime, assigned: Iterable[Unit] = (), suggested: Iterable[Unit] = (),
                status: str = "", transfer: str | None = None) -> Card:
    """The desk's card of a case: other grades, likely units and 其他单位 as buttons (``transfer``: the
    transfer slip in words, when it names its source)."""
    assigned = list(assigned)
    facts = _base_facts(case, now, transfer)
    if assigned:
        facts.append(Fact("承办单位", "、".join(u.name for u in assigned)))
    buttons = [Button(g.label.removesuffix("舆情"), "intake.grade", {"case": case.id, "grade": int(g)},
                      GRADE_BUTTON_STYLE[g]) for g in Grade if g != case.grade][:3]
    taken = {u.id for u in assigned}
    buttons += [Button(u.name, "intake.assign", {"case": case.id, "unit": u.id}, "primary")
                for u in suggested if u.id not in taken][:MAX_UNIT_BUTTONS]
    buttons.append(Button("其他单位…", "intake.units", {"case": case.id}))
    data = IntakeCardData(title=_title("已立案", case), color=grade_color(case.grade), facts=facts,
                          body="请确认定级（默认一般舆情）并分派承办单位，可分派多个单位。", status=status,
                          hints=[f"定级 {case.number} 敏感", f"分派 {case.number} 单位名称"])
    return data.card(buttons)


def duplicate_card(case: Case, now: datetime, link: str | None, source: str) -> Card:
    """"Already open as YQ-…": the same story again, with a button to add this sighting."""
    params: dict[str, Any] = {"case": case.id, "source": source}
    if link and len(link) <= LINK_PARAM_CHARS:
        params["link"] = link
    body = "这条信息与已立案的案件是同一舆情，未重复立案。如是新的发现（新的转发或平台），可添加到该案件。"
    data = IntakeCardData(title=_title("已立案", case), color="gray", facts=_base_facts(case, now)[:3], body=body,
                          status="", hints=[f"案件 {case.number}"])
    return data.card((Button("添加此次发现", "intake.sighting", params, "primary"),))


def sighting_done(case: Case, now: datetime, name: str) -> Card:
    """The duplicate card after the sighting was added."""
    return IntakeCardData(title=_title("已立案", case), color="green", facts=_base_facts(case, now)[:3],
                          body="这条信息已作为再次发现记入案件时间线。", status=f"已由 {name} 添加", hints=[]).card()


def status_card(case: Case, assignments: list[Assignment], duties: list[Duty], org: Organisation,
                now: datetime) -> Card:
    """A case's status (``案件 YQ-…``): state, facts, each unit's part, the open duties with time left."""
    facts = [Fact("状态", CASE_LABELS[case.state]), *_base_facts(case, now)]
    lines = []
    for a in assignments:
        unit = org.units.get(a.unit_id)
        lines.append(f"{unit.name if unit else a.unit_id}：{ASSIGNMENT_LABELS[a.state]}")
    lines += [f"待办 {duty_line(d, org, now)}" for d in duties if d.open]
    data = IntakeCardData(title=_title("案件", case), color=grade_color(case.grade), facts=facts,
                          body="\n".join(lines) or "尚未分派单位。", status="", hints=[])
    return data.card()


def duty_line(duty: Duty, org: Organisation, now: datetime) -> str:
    """``初报（食品生产安全监督管理科） 12月1日 17:30 截止，剩余 2天``."""
    unit = org.units.get(duty.owner_unit or "")
    owner = f"（{unit.name}）" if unit else ""
    return f"{DUTY_LABELS[duty.kind]}{owner} {when(duty.due_at, now)} 截止，{time_left(duty.due_at, now)}"


def my_duties_card(name: str, duties: list[tuple[Duty, Case]], org: Organisation, now: datetime) -> Card:
    """A person's open duties (``我的待办``), soonest first, with time left in words."""
    items = [DutyItem(case.number, case.title, duty_line(duty, org, now), case.drill)
             for duty, case in duties[:MAX_DUTIES]]
    return MyDutiesData(name=name, duties=items, more=max(0, len(duties) - MAX_DUTIES)).card()
