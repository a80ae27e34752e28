"""研判定级 (Art. 16–17): the desk sets or changes a case's grade, with the factors and a reason.

    (none) --"定级 YQ-…" / click 调整定级 (case.grade)--> GRADE: a card with the four grades
    (none) --"定级 YQ-… 重大"--> REASON          (none) --"定级 YQ-… 重大 理由…"--> END (set at once)
    GRADE --click a grade / type its name--> REASON: "请说明研判依据"（性质、严重程度、可控性、影响范围、关注度、热度）
    REASON --text--> END: grade set (domain), every card of the case shows it, leaders told (leaders.after_grade)
    REASON --text, a county's case raised to 重大 or above (report up, issue 22)--> TELL: "上报市局：… 是否还需告知
        市局相关科室？" (the typed 定级 YQ-… 重大 理由 too)
    TELL --"无"--> END: set, reported up to the city desk (handlers/county_report_up.py)
    TELL --a city section's or affiliate's name, read loosely--> END: set, reported up, that unit told too (tell_unit)
    TELL --a name matching none, or several--> TELL: asked again, with the names to choose from
    any --取消--> END, nothing changes
    not the desk --start--> refused at once, nothing changes
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from bot.core.card import Button, Reply
from bot.core.conversation import END, Conversation, OwnerButtons, Step, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.prompt_card import grade_prompt
from bot.domain.case import commands as case_commands
from bot.domain.case.lifecycle import check_case_allows
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.grade import Grade
from bot.domain.intake.reading import match_units
from bot.domain.permissions import Action, authorise
from handlers import leaders
from handlers.case_lookup import case_view
from handlers.dialog_owner import not_owner, owned
from handlers.registry import dialog

FACTORS = "性质、严重程度、可控性、影响范围、关注度、热度"


class S(StrEnum):
    """States of the grading dialog."""

    GRADE = "grade"
    REASON = "reason"
    TELL = "tell"


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action == "case.grade"
    words = command_text(event).split()
    return len(words) >= 2 and words[0] in ("定级", "调整定级")


def _grade_of(text: str) -> Grade | None:
    try:
        return Grade.from_key(text.strip())
    except ValueError:
        return None


def start(event: Event, ctx, data: dict) -> Step:
    """Check the person is the desk of this case, then ask for the grade (or the reason, if typed)."""
    parts = command_text(event).split(maxsplit=3)
    number = str(event.params.get("case", "")) if event.kind == "click" else (parts[1] if len(parts) > 1 else "")
    if not number:
        raise InvalidInput("case.number_missing", "请在“定级”后写上案件编号，例如：定级 YQ-2026-0001 重大")
    view = case_view(ctx, number)
    check_case_allows(view.case.state, str(Action.GRADE))
    authorise(ctx.org, ctx.person.id, Action.GRADE, view.case.county, [a.unit_id for a in view.assignments])
    typed = _grade_of(parts[2]) if len(parts) > 2 and event.kind != "click" else None
    if typed is not None:
        data = {"case": view.case.number, "grade": int(typed)}
        return got_reason(event, ctx, data, parts[3]) if len(parts) > 3 else _ask_reason(ctx, data, typed)
    buttons = tuple(Button(g.label, "grade.pick", owned({"case": view.case.number, "g": str(int(g))}, ctx),
                           "primary" if g == view.case.grade else "default") for g in Grade)
    return Step(S.GRADE, (Reply(grade_prompt(view.case, buttons), case_id=view.case.id),), {"case": view.case.number})


def _ask_reason(ctx, data: dict, grade: Grade) -> Step:
    """Ask for the factors and the reason of ``grade``."""
    where = ctx.extra.get("answer_where") or "直接回复即可"
    text = f"定为{grade.label}。请说明研判依据（{FACTORS}）和理由（{where}；发送“取消”放弃）。"
    return Step(S.REASON, (Reply(notice(text)),), {**data, "grade": int(grade)})


def picked(event: Event, ctx, data: dict) -> Step:
    """A grade button or a grade's name."""
    if refused := not_owner(event, ctx):
        return Step(S.GRADE, (Reply(notice(refused)),), data)
    grade = _grade_of(str(event.params.get("g", ""))) if event.kind == "click" else _grade_of(command_text(event))
    if grade is None:
        return Step(S.GRADE, (Reply(notice("请选择等级：一般、敏感、重大、特别重大。")),), data)
    return _ask_reason(ctx, data, grade)


def got_reason(event: Event, ctx, data: dict, reason: str | None = None) -> Step:
    """Set the grade (every card of the case and the leaders hear of it); a county's case raised to 重大 or above
    first asks which city unit is to be told besides the city desk (:data:`TELL_ASK`)."""
    text = reason if reason is not None else command_text(event)
    view = case_view(ctx, data["case"])
    if text.strip() and reports_up(view.case, Grade(data["grade"])):
        return Step(S.TELL, (Reply(notice(_tell_ask(ctx))),), {**data, "reason": text})
    return _set(event, ctx, view, Grade(data["grade"]), text, None)


def reports_up(case, grade: Grade) -> bool:
    """Whether setting ``grade`` reports ``case`` up to the city: a county's case raised to 重大 or above."""
    return bool(case.county) and grade >= Grade.MAJOR and grade > case.grade


TELL_ASK = ("上报市局：已同时报告市局舆情工作台。是否还需告知市局相关科室？请回复科室名称（如 食品生产安全监督管理科），"
            "不需要请回复“无”。")
NOTHING = ("无", "没有", "不需要", "否", "不用", "无需")


def _tell_ask(ctx, said: str = "") -> str:
    """The report-up step's question, or (``said``: what was wrong with the answer) the question again, shorter."""
    where = ctx.extra.get("answer_where") or "直接回复即可"
    ask = f"{said}请回复一个科室名称，不需要请回复“无”" if said else TELL_ASK.removesuffix("。")
    return f"{ask}（{where}；发送“取消”放弃定级）。"


def tellable(org):
    """The city units a county may name to be told: active sections and affiliates, not the desk."""
    return [u for u in org.units.values() if u.active and u.kind in ("section", "affiliate") and not u.desk]


def got_tell(event: Event, ctx, data: dict) -> Step:
    """The city unit to be told (or 无): set the grade with it; a name matching no unit, or several, asks again."""
    text = command_text(event).strip()
    if text in NOTHING:
        return _set(event, ctx, case_view(ctx, data["case"]), Grade(data["grade"]), data["reason"], None)
    units = tellable(ctx.org)
    matches = match_units(replace(ctx.org, units={u.id: u for u in units}), text)
    if len(matches) == 1 and matches[0].unit is not None:
        return _set(event, ctx, case_view(ctx, data["case"]), Grade(data["grade"]), data["reason"],
                    matches[0].unit.id)
    if len(matches) > 1:
        said = "只能告知一个科室。"
    else:
        candidates = matches[0].candidates if matches else ()
        said = (f"“{text}”可能是：{'、'.join(u.name for u in candidates)}。" if candidates else
                f"没有找到“{text}”。可告知的科室和单位：{'、'.join(u.name for u in units)}。")
    return Step(S.TELL, (Reply(notice(_tell_ask(ctx, said))),), data)


def _set(event: Event, ctx, view, grade: Grade, reason: str, tell_unit: str | None) -> Step:
    try:
        outcome = case_commands.set_grade(ctx.store, ctx.rules, view.case.id, ctx.actor(event), ctx.now,
                                          grade, reason, tell_unit=tell_unit)
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    text = f"{view.case.number} 已由{view.case.grade.label}调整为{grade.label}。"
    if outcome.entry.payload.get("report_up"):
        told = ctx.org.units.get(tell_unit or "")
        text += "已报告市局舆情工作台" + (f"，并告知{told.name}" if told else "") + "。"
    return Step(END, (Reply(notice(text)), *leaders.after_grade(outcome, ctx)))


def _is_grade_text(event: Event) -> bool:
    return is_text(event) and _grade_of(command_text(event)) is not None


GRADING = dialog(Conversation(
    name="grade_case",
    expiry_notice=lambda data: (f"{data['case']} 的定级尚未完成（"
                                + ("未回复是否告知市局科室" if "reason" in data else "未确定等级或未填写理由")
                                + f"），请重新发送“定级 {data['case']}”。"),
    owner_buttons=OwnerButtons(("grade.pick",), "定级"),
    entry_points=[(_is_start, start)],
    states={S.GRADE: [(lambda e: e.kind == "click" and e.action == "grade.pick", picked), (_is_grade_text, picked)],
            S.REASON: [(lambda e: is_text(e) and not _is_start(e), got_reason)],
            S.TELL: [(lambda e: is_text(e) and not _is_start(e), got_tell)]},
))
