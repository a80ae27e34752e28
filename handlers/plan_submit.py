"""方案 (Art. 19(2)): the desk or the unit submits a response plan of a 重大/特别重大 case — a new version each time —
signed off in order: the unit's leader in charge gets the 方案审批 card 1:1 (``handlers/approval_sending.py``), the
main leader after his 同意 (``handlers/approvals.py``).

    (none) --"方案 YQ-… [单位]"--> WAY: 新闻通稿 / 新闻发布会 / 媒体吹风会 / 接受采访 / 专家解读 (buttons, or typed)
        several units possible, none named --> UNIT: one button each --> WAY
    WAY --a way--> CONTENT: "请发送方案内容" --text--> WHEN: "何时回应" --text (free words)--> CONFIRM
    CONFIRM --确认提交 / 确认--> END: submit_plan; the submitter told; the leader in charge gets the card
    CONFIRM --修改--> WAY      any state --取消 (typed or clicked)--> END, nothing kept
    refused at the start: who first (not the unit's head or liaison nor the desk), then the state, then the
        grade (一般/敏感: the domain's 「…无需报批回应方案（重大、特别重大舆情才需要）」)
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from bot.core.card import Button, Reply
from bot.core.conversation import END, Conversation, OwnerButtons, Step, cancelled_reply, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import Fact, notice
from bot.domain.cards.case_card import case_facts, unit_name
from bot.domain.cards.shapes import PromptCardData
from bot.domain.errors import DomainError, IllegalTransition, InvalidInput
from bot.domain.permissions import Action
from bot.domain.response import CHANNEL_LABELS, PLAN_WAYS, response_state, submit_plan
from bot.domain.response.channels import plan_way
from bot.domain.response.checks import need_text
from bot.domain.response.plans import PLANNED_GRADES
from bot.domain.words import grade_color
from handlers.approval_sending import PLAN, approval_cards, names_of
from handlers.case_lookup import case_view
from handlers.desk_card import desk_card_updates
from handlers.dialog_owner import not_owner, owned
from handlers.dialog_steps import clicked, settled_click, typed
from handlers.evaluation_review import unit_named
from handlers.registry import dialog
from handlers.script_submit import names_of_units, start_for

__all__ = ["PLAN_DIALOG"]

WORD = "方案"
WAYS = "、".join(CHANNEL_LABELS[w] for w in PLAN_WAYS)


class S(StrEnum):
    """States of the 方案 dialog."""

    UNIT = "unit"
    WAY = "way"
    CONTENT = "content"
    WHEN = "when"
    CONFIRM = "confirm"


def _is_start(event: Event) -> bool:
    return event.kind != "click" and command_text(event).split()[:1] == [WORD]


def _where(ctx) -> str:
    return ctx.extra.get("answer_where") or "直接回复即可"


def start(event: Event, ctx, data: dict) -> Step:
    """Check who, the state and the grade; ask which unit, or the way of responding."""
    view, unit_id, mine = start_for(event, ctx, WORD, Action.PLAN_SUBMIT)
    case = view.case
    if case.grade not in PLANNED_GRADES:  # as submit_plan says it, before anything is asked
        raise IllegalTransition("plan.not_needed", f"{case.number} 为{case.grade.label}，无需报批回应方案"
                                                   "（重大、特别重大舆情才需要）。")
    data = {"case": case.number, "case_id": case.id, "units": mine}
    if unit_id is not None:
        return _ask_way(ctx, view, {**data, "u": unit_id})
    buttons = tuple(Button(unit_name(ctx.org, u), "plan.unit", owned({"case": case.number, "u": u}, ctx))
                    for u in mine)
    card = PromptCardData(title=f"{WORD} {case.number}", color=grade_color(case.grade), facts=case_facts(case),
                          body=f"{case.title}\n请选择为哪个单位提交回应方案：{names_of_units(ctx, mine)}。", hint="回复单位名称；发送“取消”放弃。",
                          case_id=case.id).card(buttons)
    return Step(S.UNIT, (Reply(card, case_id=case.id),), data)


def _ask_way(ctx, view, data: dict) -> Step:
    """The ways of responding as buttons (the version it will be in the title)."""
    view = view or case_view(ctx, data["case"])
    latest = response_state(ctx.store.run(lambda repo: repo.timeline(view.case.id))).latest_plan(data["u"])
    n = latest.version + 1 if latest else 1
    buttons = tuple(Button(CHANNEL_LABELS[w], "plan.way", owned({"case": data["case"], "w": str(w)}, ctx))
                    for w in PLAN_WAYS)
    card = PromptCardData(title=f"回应方案 {view.case.number} v{n}", color=grade_color(view.case.grade),
                          facts=case_facts(view.case, unit_name(ctx.org, data["u"])),
                          body=f"{view.case.title}\n第1/3项：请选择回应方式。",
                          hint=f"回复回应方式：{WAYS}；发送“取消”放弃。", case_id=view.case.id).card(buttons)
    return Step(S.WAY, (Reply(card, case_id=view.case.id),), {**data, "v": n})


def picked_unit(event: Event, ctx, data: dict) -> Step:
    """A unit button, or a unit's name typed."""
    if refused := not_owner(event, ctx):
        return Step(S.UNIT, (Reply(notice(refused)),), data)
    view = case_view(ctx, data["case"])
    unit_id = str(event.params.get("u", "")) if event.kind == "click" else _named(ctx, view, command_text(event))
    if unit_id not in data["units"]:
        return Step(S.UNIT, (Reply(notice(f"请选择：{names_of_units(ctx, data['units'])}。")),), data)
    asked = _ask_way(ctx, view, {**data, "u": unit_id})
    return Step(asked.state, (*settled_click(event, data, f"{WORD} {data['case']}", f"已选择{unit_name(ctx.org, unit_id)}"),
                              *asked.replies), asked.data)


def _named(ctx, view, word: str) -> str:
    try:
        return unit_named(ctx, view, word, WORD)
    except InvalidInput:
        return ""


def picked_way(event: Event, ctx, data: dict) -> Step:
    """A way button, or its name typed; then ask what is done."""
    if refused := not_owner(event, ctx):
        return Step(S.WAY, (Reply(notice(refused)),), data)
    try:
        way = plan_way(str(event.params.get("w", "")) if event.kind == "click" else command_text(event))
    except InvalidInput as exc:
        return Step(S.WAY, (Reply(notice(exc.message)),), data)
    label = CHANNEL_LABELS[way]
    ask = f"请发送回应方案的内容（{data['case']} 第2/3项，回应方式：{label}；{_where(ctx)}；发送“取消”放弃）。"
    return Step(S.CONTENT, (*settled_click(event, data, f"回应方案 {data['case']}", f"回应方式：{label}"),
                            Reply(notice(ask))), {**data, "way": str(way)})


def got_content(event: Event, ctx, data: dict) -> Step:
    """What is done; then ask when."""
    try:
        content = need_text(command_text(event) or event.title or "", "方案内容")
    except InvalidInput as exc:
        return Step(S.CONTENT, (Reply(notice(f"{exc.message}请发送回应方案的内容。")),), data)
    ask = f"请发送回应时间（{data['case']} 第3/3项，如“今天 16:00”“明天上午”；{_where(ctx)}；发送“取消”放弃）。"
    return Step(S.WHEN, (Reply(notice(ask)),), {**data, "content": content})


def got_when(event: Event, ctx, data: dict) -> Step:
    """When (free words); show the plan back."""
    try:
        data = {**data, "when": need_text(command_text(event), "回应时间")}
    except InvalidInput as exc:
        return Step(S.WHEN, (Reply(notice(f"{exc.message}请发送回应时间。")),), data)
    params = {"case": data["case"]}
    buttons = (Button("确认提交", "plan.confirm", owned(params, ctx), "primary"),
               Button("修改", "plan.redo", owned(params, ctx)), Button("取消", "plan.cancel", owned(params, ctx)))
    facts = [Fact("承办单位", unit_name(ctx.org, data["u"])), Fact("版本", f"v{data['v']}"),
             Fact("回应方式", CHANNEL_LABELS[plan_way(data["way"])]), Fact("回应时间", data["when"])]
    card = PromptCardData(title=f"确认提交回应方案 {data['case']}", color="blue", facts=facts, body=data["content"],
                          hint="回复“确认”提交，回复“修改”从回应方式重新填写；发送“取消”放弃。").card(buttons)
    return Step(S.CONFIRM, (Reply(card),), data)


def redo(event: Event, ctx, data: dict) -> Step:
    """修改: from the way again."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    asked = _ask_way(ctx, None, {k: v for k, v in data.items() if k not in ("way", "content", "when")})
    return Step(asked.state, (*settled_click(event, data, f"确认提交回应方案 {data['case']}", "已选择修改"),
                              *asked.replies), asked.data)


def cancelled(event: Event, ctx, data: dict) -> Step:
    """取消 clicked: nothing is submitted."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    return Step(END, (*settled_click(event, data, f"确认提交回应方案 {data['case']}", "已取消"), cancelled_reply()))


def confirmed(event: Event, ctx, data: dict) -> Step:
    """Submit the version; tell the submitter, and send the leader in charge the card."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    view = case_view(ctx, data["case"])
    try:
        outcome = submit_plan(ctx.store, ctx.rules, view.case.id, data["u"], ctx.actor(event), ctx.now, data["way"],
                              data["content"], data["when"])
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    n = outcome.entry.payload["version"]
    said = (f"已提交 {view.case.number} {unit_name(ctx.org, data['u'])}的回应方案 v{n}，"
            f"已送{names_of(ctx, outcome, PLAN)}审批（分管局领导同意后再送主要领导审批）。")
    settled = settled_click(event, data, f"确认提交回应方案 {data['case']}", f"已提交 v{n}")
    return Step(END, (*settled, Reply(notice(said)), *approval_cards(ctx, view, outcome, PLAN),
                      *desk_card_updates(ctx, view.case.id)))


def _answer(e: Event) -> bool:
    return is_text(e) and not _is_start(e)


def _any_text(e: Event) -> bool:
    """Any typed message, an empty one too (a bare @-mention): answered with what is missing."""
    return e.kind in ("text", "mention", "link") and not _is_start(e)


PLAN_DIALOG = dialog(Conversation(
    name="plan_submit", timeout=timedelta(hours=2),
    expiry_notice=lambda data: f"{data['case']} 的回应方案尚未提交，请重新发送“{WORD} {data['case']}”。",
    owner_buttons=OwnerButtons(("plan.unit", "plan.way", "plan.confirm", "plan.redo", "plan.cancel"), WORD),
    entry_points=[(_is_start, start)],
    states={S.UNIT: [(clicked("plan.unit"), picked_unit), (_answer, picked_unit)],
            S.WAY: [(clicked("plan.way"), picked_way), (_answer, picked_way)],
            S.CONTENT: [(_any_text, got_content)],
            S.WHEN: [(_any_text, got_when)],
            S.CONFIRM: [(clicked("plan.confirm"), confirmed), (typed("确认", "确认提交"), confirmed),
                        (clicked("plan.redo"), redo), (typed("修改", "重新填写"), redo),
                        (clicked("plan.cancel"), cancelled)]},
))
