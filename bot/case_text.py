"""Cases as the command line prints them: a list line per case, and one case in full (``yuqing case
list`` / ``yuqing case show``). Plain text in Asia/Shanghai; ``--json`` prints the views themselves.

A confidential (涉密) case is printed as its number, grade and state only (:func:`redacted`, :func:`secret_line`)
unless the operator asks for ``--reveal`` (docs/secrecy.md): the command line has no acting person to ask
``bot.domain.secrecy`` about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.clock import SHANGHAI
from bot.domain.case.lifecycle import ASSIGNMENT_LABELS, CASE_LABELS, AssignmentState, CaseState
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, DutyKind


def _local(iso: str | None) -> str:
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if iso else "-"


SECRET_HINT = "涉密（内容不显示，使用 --reveal 查看）"
SHOWN_WHEN_SECRET = ("number", "grade", "state", "confidential")  # what a redacted view keeps


def case_line(case: dict[str, Any]) -> str:
    """``YQ-2026-0001  已立案  一般舆情  2026-11-29 10:00  标题`` (``【涉密】`` before the title of a revealed
    confidential case)."""
    marks = ("【演练】" if case.get("drill") else "") + ("【涉密】" if case.get("confidential") else "")
    return (f"{case['number']}  {CASE_LABELS[CaseState(case['state'])]}  {Grade(case['grade']).label}  "
            f"{_local(case['opened_at'])}  {marks}{case['title']}")


def redacted(case: dict[str, Any]) -> dict[str, Any]:
    """A confidential case's view cut to its number, grade and state (and ``confidential: true``)."""
    return {key: case[key] for key in SHOWN_WHEN_SECRET}


def secret_line(case: dict[str, Any]) -> str:
    """``YQ-2026-0003  处置中  重大舆情  涉密（内容不显示，使用 --reveal 查看）``: a redacted case as text."""
    return f"{case['number']}  {CASE_LABELS[CaseState(case['state'])]}  {Grade(case['grade']).label}  {SECRET_HINT}"


def case_text(case: dict[str, Any]) -> str:
    """One case in full: facts, intake, units, duties, sightings and its timeline's actions."""
    lines = [case_line(case), f"来源: {case['source'] or '-'}   链接: {case['link'] or '-'}",
             f"发现: {_local(case['first_seen_at'])}   立案: {_local(case['opened_at'])}   承办: {case['owner_unit']}"]
    intake = case.get("intake")
    if case.get("transfer_ref"):
        source = (intake or {}).get("transfer_source") or ""
        lines.append(f"转办: {source} {case['transfer_ref']}".rstrip())
    if intake:
        preview = intake["preview"]
        lines.append(f"预览: {preview['status']}" + (f"  {preview['title']}" if preview.get("title") else "")
                     + (f"  ({preview['error']})" if preview.get("error") else ""))
        if intake.get("external_id"):
            lines.append(f"外部编号: {intake['external_id']}")
    for a in case["assignments"]:
        lines.append(f"单位 {a['unit']}: {ASSIGNMENT_LABELS[AssignmentState(a['state'])]}")
    for d in case["duties"]:
        late = " 迟" if d["late"] else ""
        lines.append(f"待办 {DUTY_LABELS[DutyKind(d['kind'])]} ({d['unit'] or '主要领导'}): {d['state']}{late}"
                     f"  截止 {_local(d['due_at'])}")
    for s in case["sightings"]:
        lines.append(f"再次发现 {_local(s['seen_at'])} {s['source']} {s['link'] or ''}".rstrip())
    lines.append("时间线:")
    drill = "【演练】" if case.get("drill") else ""  # a drill's timeline says so throughout (issue 23)
    lines += [f"  {e['seq']:>3}  {_local(e['at'])}  {drill}{e['action']}  {e['actor']}" for e in case["timeline"]]
    return "\n".join(lines)
