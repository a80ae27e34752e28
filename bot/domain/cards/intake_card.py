"""The desk's intake cards (kind ``intake_card``), built from domain records (the worker's handlers and the
API's announcement job use the same ones): the desk's card of a new case (grade and units as buttons), "already
open" with a button to add the sighting, the sighting added, and a case's status (我的待办 is
:mod:`.duties_card`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from bot.core.card import Button, Card
from bot.core.org import Organisation, Unit
from bot.domain.cards.case_card import unit_name
from bot.domain.cards.duties_card import duty_words
from bot.domain.cards.response_section import response_lines
from bot.domain.cards.shapes import Fact, IntakeCardData, ResponseSection
from bot.domain.case.lifecycle import ASSIGNMENT_LABELS, CASE_LABELS
from bot.domain.grade import Grade
from bot.domain.intake.links import Source
from bot.domain.records import Assignment, Case, Duty
from bot.domain.words import grade_color, when

GRADE_BUTTON_STYLE = {Grade.GENERAL: "default", Grade.SENSITIVE: "primary", Grade.MAJOR: "warning",
                      Grade.ESPECIALLY_MAJOR: "danger"}
MAX_UNIT_BUTTONS = 2
MAX_BUTTONS = 6  # WeCom's template card shows at most 6 (bot/platforms/wecom/cardfit.py); more would split it
CONFIDENTIAL = "intake.confidential"  # 标记涉密 (handlers/secrecy.py): asks the reason, then marks the case
LINK_PARAM_CHARS = 600  # a button's params travel in its key (WeCom: 1024 bytes in all)
TRANSFER_DOWN = "case.transfer_down"  # 转县局办理 (handlers/transfer_down.py): asks which county, then hands it down


def _source_label(source: str) -> str:
    try:
        return Source(source).label
    except ValueError:
        return source or "未注明"


def _title(prefix: str, case: Case) -> str:
    return f"{prefix} {case.number}"  # a drill's 【演练】 comes from the rendering rule (bot.core.presentation)


def _base_facts(case: Case, now: datetime, transfer: str | None = None) -> list[Fact]:
    """The short facts (等级, 来源, 发现时间, 转办单): the title and the link are not facts — the title leads
    the body and the link is ``link`` (a tappable row where the card can have one), so neither is cut to a
    row's width (review ux-2026-12-07, finding 6)."""
    facts = [Fact("等级", case.grade.label), Fact("来源", _source_label(case.source or ""))]
    facts.append(Fact("发现时间", when(case.first_seen_at, now) if case.first_seen_at else ""))
    if transfer or case.transfer_ref:
        facts.append(Fact("转办单", transfer or case.transfer_ref))
    return facts


def intake_card(case: Case, now: datetime, assigned: Iterable[Unit] = (), suggested: Iterable[Unit] = (),
                status: str = "", transfer: str | None = None, response: ResponseSection | None = None,
                hand_down: bool = False) -> Card:
    """The desk's card of a case: other grades, likely units, 标记涉密 (until the case is confidential) and
    其他单位 as buttons, six at most (``transfer``: the transfer slip in words, when it names its source). Once a unit is assigned it no longer asks for what
    is done: it says the grade and units can still be changed. ``response``: the 回应 section (scripts,
    plans, publications), after what is asked.

    ``hand_down`` (the city desk's card of a city case, where the org has county bureaus): the case may be
    handed down to a county (转县局, Art. 21). The first card has no room for its button (three grades, the
    likeliest unit, 标记涉密, 其他单位…: WeCom's six), so it names the command among its hints; once a unit is
    assigned, 转县局办理 takes the place of one suggested unit (增派 stays under 其他单位…). A county's case
    suggests no unit but the county itself (a county desk may not assign city units)."""
    assigned = list(assigned)
    facts = _base_facts(case, now, transfer)
    if assigned:
        facts.append(Fact("承办单位", "、".join(u.name for u in assigned)))
    buttons = [Button(g.label.removesuffix("舆情"), "intake.grade", {"case": case.id, "grade": int(g)},
                      GRADE_BUTTON_STYLE[g]) for g in Grade if g != case.grade][:3]
    taken = {u.id for u in assigned}
    tail = [Button("其他单位…", "intake.units", {"case": case.id})]
    if not case.confidential:
        tail.insert(0, Button("标记涉密", CONFIDENTIAL, {"case": case.id}))
    down = [Button("转县局办理", TRANSFER_DOWN, {"case": case.number})] if hand_down and assigned else []
    room = min(MAX_UNIT_BUTTONS, MAX_BUTTONS - len(buttons) - len(tail) - len(down))
    if case.county:  # a county runs its own case (issue 22): the only unit its desk may assign is itself
        suggested = [u for u in suggested if u.id == case.county]
    buttons += [Button(u.name, "intake.assign", {"case": case.id, "unit": u.id}, "primary")
                for u in suggested if u.id not in taken][:max(room, 0)]
    buttons += down + tail
    asked = ("如需调整定级或增派单位，可点击下方按钮。" if assigned
             else "请确认定级（默认一般舆情）并分派承办单位，可分派多个单位。")
    hints = [f"定级 {case.number} 敏感", f"分派 {case.number} 单位名称"]
    if hand_down:
        hints.append(f"转县局 {case.number} 县局名称")
    data = IntakeCardData(title=_title("已立案", case), color=grade_color(case.grade), facts=facts,
                          body="\n".join([case.title, asked, *response_lines(response, now)]), status=status,
                          link=case.link or None, hints=hints)
    return data.card(buttons)


def duplicate_card(case: Case, now: datetime, link: str | None, source: str) -> Card:
    """"Already open as YQ-…": the same story again, with a button to add this sighting."""
    params: dict[str, Any] = {"case": case.id, "source": source}
    if link and len(link) <= LINK_PARAM_CHARS:
        params["link"] = link
    body = f"{case.title}\n这条信息与已立案的案件是同一舆情，未重复立案。如是新的发现（新的转发或平台），可记为再次发现。"
    data = IntakeCardData(title=_title("已立案", case), color="gray", facts=_base_facts(case, now)[:2], body=body,
                          status="", link=case.link or None, hints=[f"案件 {case.number}"])
    return data.card((Button("记为再次发现", "intake.sighting", params, "primary"),))


def sighting_done(case: Case, now: datetime, name: str) -> Card:
    """The duplicate card after the sighting was added."""
    return IntakeCardData(title=_title("已立案", case), color="green", facts=_base_facts(case, now)[:2],
                          body=f"{case.title}\n这条信息已作为再次发现记入案件时间线。", status=f"已由{name}记为再次发现",
                          link=case.link or None, hints=[]).card()


def status_card(case: Case, assignments: list[Assignment], duties: list[Duty], org: Organisation,
                now: datetime, supervise: Iterable[Button] = (), response: ResponseSection | None = None) -> Card:
    """A case's status (``案件 YQ-…``): state, facts, each unit's part, the open duties with time left; with
    ``supervise`` (the 督办 buttons, one per live unit) for a leader or the desk; ``response``: the 回应 section
    (each unit's script and plan, publications) after the units' parts."""
    supervise = tuple(supervise)
    facts = [Fact("状态", CASE_LABELS[case.state]), *_base_facts(case, now)]
    lines = [f"{unit_name(org, a.unit_id)}：{ASSIGNMENT_LABELS[a.state]}" for a in assignments]
    lines += response_lines(response, now)
    lines += [f"待办 {duty_words(d, now, _unit_name(d, org))}" for d in duties if d.open]
    data = IntakeCardData(title=_title("案件", case), color=grade_color(case.grade), facts=facts,
                          body="\n".join([case.title, *lines] if lines else [case.title, "尚未分派单位。"]), status="",
                          link=case.link or None, hints=[f"督办：发送“督办 {case.number} 单位 内容”"] if supervise else [])
    return data.card(supervise)


def _unit_name(duty: Duty, org: Organisation) -> str:
    unit = org.units.get(duty.owner_unit or "")
    return unit.name if unit else ""
