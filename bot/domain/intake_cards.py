"""The cards of intake, built from plain case data (the worker's handlers and the API's notice job use
the same ones): the desk's card of a new case (grade and units as buttons), "already open" with a
button to add the sighting, a case's status, and a person's open duties. Kinds: ``intake_card``
(title, facts, body, status, typed hints; buttons optional) and ``my_duties``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from bot.core.card import Button, Card
from bot.core.org import Organisation, Unit
from bot.domain.grade import Grade
from bot.domain.intake import shanghai_words, time_left_words
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.lifecycle import ASSIGNMENT_LABELS, CASE_LABELS, AssignmentState, CaseState
from bot.domain.links import Source
from bot.domain.records import Case

GRADE_BUTTON_STYLE = {Grade.GENERAL: "default", Grade.SENSITIVE: "primary", Grade.MAJOR: "warning",
                      Grade.ESPECIALLY_MAJOR: "danger"}
GRADE_COLOR = {1: "blue", 2: "orange", 3: "red", 4: "red"}
MAX_UNIT_BUTTONS = 2
LINK_PARAM_CHARS = 600  # a button's params travel in its key (WeCom: 1024 bytes in all)


def case_facts(case: Case) -> dict[str, Any]:
    """The plain data the cards read, from a domain Case."""
    return {"id": case.id, "number": case.number, "title": case.title, "grade": int(case.grade),
            "state": str(case.state), "source": case.source, "link": case.link, "first_seen_at": case.first_seen_at,
            "transfer_ref": case.transfer_ref, "drill": case.drill}


def _when(value: datetime | str | None, now: datetime) -> str:
    if value is None:
        return ""
    return shanghai_words(datetime.fromisoformat(value) if isinstance(value, str) else value, now)


def _source_label(source: str) -> str:
    try:
        return Source(source).label
    except ValueError:
        return source or "未注明"


def _title(prefix: str, case: dict) -> str:
    return f"{'【演练】' if case.get('drill') else ''}{prefix} {case['number']}"


def _base_facts(case: dict, now: datetime) -> list[dict[str, str]]:
    facts = [{"label": "标题", "value": case["title"]}, {"label": "定级", "value": Grade(case["grade"]).label},
             {"label": "来源", "value": _source_label(case.get("source") or "")}]
    if case.get("link"):
        facts.append({"label": "链接", "value": case["link"]})
    facts.append({"label": "发现时间", "value": _when(case.get("first_seen_at"), now)})
    if case.get("transfer_ref"):
        facts.append({"label": "转办单", "value": case["transfer_ref"]})
    return facts


def intake_card(case: dict, now: datetime, assigned: Iterable[Unit] = (), suggested: Iterable[Unit] = (),
                status: str = "") -> Card:
    """The desk's card of a case just opened: other grades, likely units and 其他单位 as buttons."""
    assigned = list(assigned)
    facts = _base_facts(case, now)
    if assigned:
        facts.append({"label": "承办单位", "value": "、".join(u.name for u in assigned)})
    grade = Grade(case["grade"])
    buttons = [Button(g.label.removesuffix("舆情"), "intake.grade", {"case": case["id"], "grade": int(g)},
                      GRADE_BUTTON_STYLE[g]) for g in Grade if g != grade][:3]
    taken = {u.id for u in assigned}
    buttons += [Button(u.name, "intake.assign", {"case": case["id"], "unit": u.id}, "primary")
                for u in suggested if u.id not in taken][:MAX_UNIT_BUTTONS]
    buttons.append(Button("其他单位…", "intake.units", {"case": case["id"]}))
    body = "请确认定级（默认一般舆情）并分派承办单位，可分派多个单位。"
    hints = [f"定级 {case['number']} 敏感", f"分派 {case['number']} 单位名称"]
    data = {"title": _title("已立案", case), "color": GRADE_COLOR[int(grade)], "facts": facts, "body": body,
            "status": status, "hints": hints}
    return Card("intake_card", data, tuple(buttons))


def duplicate_card(case: dict, now: datetime, link: str | None, source: str) -> Card:
    """"Already open as YQ-…": the same story again, with a button to add this sighting."""
    params: dict[str, Any] = {"case": case["id"], "source": source}
    if link and len(link) <= LINK_PARAM_CHARS:
        params["link"] = link
    body = "这条信息与已立案的案件是同一舆情，未重复立案。如是新的发现（新的转发或平台），可添加到该案件。"
    data = {"title": _title("已立案", case), "color": "gray", "facts": _base_facts(case, now)[:3], "body": body,
            "status": "", "hints": [f"案件 {case['number']}"]}
    return Card("intake_card", data, (Button("添加此次发现", "intake.sighting", params, "primary"),))


def sighting_done(case: dict, now: datetime, name: str) -> Card:
    """The duplicate card after the sighting was added."""
    data = {"title": _title("已立案", case), "color": "green", "facts": _base_facts(case, now)[:3],
            "body": "这条信息已作为再次发现记入案件时间线。", "status": f"已由 {name} 添加", "hints": []}
    return Card("intake_card", data)


def status_card(detail: dict, org: Organisation, now: datetime) -> Card:
    """A case's status (``案件 YQ-…``) from :func:`bot.store.case_views.case_detail` data."""
    facts = [{"label": "状态", "value": CASE_LABELS[CaseState(detail["state"])]}, *_base_facts(detail, now)]
    lines = []
    for a in detail["assignments"]:
        unit = org.units.get(a["unit"])
        lines.append(f"{unit.name if unit else a['unit']}：{ASSIGNMENT_LABELS[AssignmentState(a['state'])]}")
    for d in detail["duties"]:
        if d["state"] == "open":
            lines.append(f"待办 {duty_line(d, org, now)}")
    body = "\n".join(lines) or "尚未分派单位。"
    data = {"title": _title("案件", detail), "color": GRADE_COLOR[int(detail["grade"])], "facts": facts,
            "body": body, "status": "", "hints": []}
    return Card("intake_card", data)


def duty_line(duty: dict, org: Organisation, now: datetime) -> str:
    """``初报（食品生产安全监督管理科）12月1日 17:30 截止，还剩 2天``."""
    unit = org.units.get(duty.get("unit") or "")
    owner = f"（{unit.name}）" if unit else ""
    due = datetime.fromisoformat(duty["due_at"])
    return f"{DUTY_LABELS[DutyKind(duty['kind'])]}{owner} {shanghai_words(due, now)} 截止，{time_left_words(due, now)}"


def my_duties_card(name: str, duties: list[dict], org: Organisation, now: datetime) -> Card:
    """A person's open duties (``我的待办``), soonest first, with time left in words."""
    items = [{"case": d["case"], "title": d["title"], "line": duty_line(d, org, now),
              "drill": d.get("drill", False)} for d in duties[:20]]
    return Card("my_duties", {"name": name, "duties": items, "more": max(0, len(duties) - 20)})
