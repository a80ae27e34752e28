"""评估 (Art. 19(4)): the unit's head or liaison writes the evaluation of a subsided 重大/特别重大 case.

    (none) --"评估 YQ-…" / click 填写评估 (evaluation.start)--> FIELD 起因 (1/5)
    FIELD i --text--> FIELD i+1 … 经验教训 (5/5) --text--> CONFIRM: the five parts shown back
    CONFIRM --确认 / click 确认提交--> END: submitted (the unit's evaluation duty ends, lateness measured),
        forwarded to the desk as a card with 通过 (退回修改 is typed: handlers/evaluation_review.py)
    CONFIRM --重新填写 / click--> FIELD 起因
    refused at the start: not the unit's head or liaison, the case not subsided, nothing to submit (already
        submitted and waiting, or accepted)

Each part is required: an empty message is no text, so the question stays. The dialog lives a day; its expiry
notice names the case (“YQ-… 的评估总结尚未提交…”).
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from bot.core.card import Button, Reply, Target
from bot.core.conversation import END, Conversation, OwnerButtons, Step, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.cards.follow_through import evaluation_card, evaluation_confirm
from bot.domain.case import evaluation as domain
from bot.domain.case.lifecycle import check_case_allows
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.kinds import DutyKind
from bot.domain.permissions import Action, Role, authorise, case_roles
from bot.domain.words import when
from handlers.case_lookup import case_view
from handlers.dialog_owner import not_owner, owned
from handlers.dialog_steps import clicked, typed
from handlers.registry import dialog

WORD = "评估"


class S(StrEnum):
    """States of the evaluation dialog."""

    FIELD = "field"
    CONFIRM = "confirm"


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action == "evaluation.start"
    return command_text(event).split()[:1] == [WORD]


def start(event: Event, ctx, data: dict) -> Step:
    """Check the person may submit the unit's evaluation now, then ask for the first part."""
    parts = command_text(event).split()
    number = str(event.params.get("case", "")) if event.kind == "click" else (parts[1] if len(parts) > 1 else "")
    if not number:
        raise InvalidInput("case.number_missing", f"请在“{WORD}”后写上案件编号，例如：{WORD} YQ-2026-0001")
    view = case_view(ctx, number)
    units = [a.unit_id for a in view.assignments]
    authorise(ctx.org, ctx.person.id, Action.EVALUATE, view.case.county, units)  # who first, then the state
    check_case_allows(view.case.state, str(Action.EVALUATE))
    mine = [d for d in view.duties if d.kind == DutyKind.EVALUATION and d.open and d.owner_unit
            and _may_submit(ctx, view, units, d.owner_unit)]
    if not mine:
        return Step(END, (Reply(notice(f"{view.case.number} 没有待您单位提交的评估总结（已提交待审核或已通过）。")),))
    duty = next((d for d in mine if str(d.id) == str(event.params.get("d"))), mine[0])
    data = {"case": view.case.number, "a": duty.assignment_id, "i": 0, "parts": {}}
    return _ask(ctx, data)


def _may_submit(ctx, view, units: list[str], unit_id: str) -> bool:
    """Whether the person is the head or a liaison of ``unit_id`` on this case."""
    return bool(case_roles(ctx.org, ctx.person.id, view.case.county, units, unit_id) & {Role.LIAISON, Role.UNIT_HEAD})


def _ask(ctx, data: dict) -> Step:
    key, label = domain.FIELDS[data["i"]]
    where = ctx.extra.get("answer_where") or "直接回复即可"
    text = f"{data['case']} 评估总结：请填写{label}（{data['i'] + 1}/{len(domain.FIELDS)}；{where}；发送“取消”放弃）。"
    return Step(S.FIELD, (Reply(notice(text)),), data)


def _parts(data: dict) -> list[tuple[str, str]]:
    return [(label, data["parts"].get(key, "")) for key, label in domain.FIELDS]


def got_text(event: Event, ctx, data: dict) -> Step:
    """One part: keep it, then ask for the next or show all five back."""
    key, _ = domain.FIELDS[data["i"]]
    data = {**data, "parts": {**data["parts"], key: command_text(event) or event.title or ""}, "i": data["i"] + 1}
    if data["i"] < len(domain.FIELDS):
        return _ask(ctx, data)
    buttons = (Button("确认提交", "evaluation.confirm", owned({"case": data["case"]}, ctx), "primary"),
               Button("重新填写", "evaluation.redo", owned({"case": data["case"]}, ctx)))
    return Step(S.CONFIRM, (Reply(evaluation_confirm(data["case"], _parts(data), buttons)),), data)


def redo(event: Event, ctx, data: dict) -> Step:
    """重新填写: from 起因 again."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    return _ask(ctx, {**data, "i": 0, "parts": {}})


def confirmed(event: Event, ctx, data: dict) -> Step:
    """Submit; tell the person how it stands against its deadline, and the desk the evaluation."""
    if refused := not_owner(event, ctx):
        return Step(S.CONFIRM, (Reply(notice(refused)),), data)
    view = case_view(ctx, data["case"])
    try:
        outcome = domain.submit_evaluation(ctx.store, ctx.rules, view.case.id, int(data["a"]), ctx.actor(event),
                                           ctx.now, data["parts"])
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    due = next((d.due_at for d in outcome.ended), None)
    timing = (f"（逾期提交：截止时间为 {when(due, ctx.now)}）" if outcome.entry.payload.get("late")
              else f"（按时，截止 {when(due, ctx.now)}）" if due else "")
    said = f"已提交 {view.case.number} 评估总结，提交时间 {when(ctx.now, ctx.now)}{timing}，等待舆情工作台审核。"
    unit_id = outcome.entry.payload["unit"]
    card = evaluation_card(view.case, unit_name(ctx.org, unit_id), unit_id, ctx.person.name, ctx.now, _parts(data),
                           timing)
    desk = ctx.org.units.get(view.case.owner_unit)
    people = [p for p in dict.fromkeys((*desk.liaisons, desk.head)) if p] if desk else []
    to_desk = (Reply(card, to=Target("person", p), case_id=view.case.id) for p in people)
    return Step(END, (Reply(notice(said)), *to_desk))


EVALUATION = dialog(Conversation(
    name="evaluation", timeout=timedelta(hours=24),
    expiry_notice=lambda data: f"{data['case']} 的评估总结尚未提交，请重新发送“{WORD} {data['case']}”。",
    owner_buttons=OwnerButtons(("evaluation.confirm", "evaluation.redo"), WORD),
    entry_points=[(_is_start, start)],
    states={S.FIELD: [(lambda e: is_text(e) and not _is_start(e), got_text)],
            S.CONFIRM: [(clicked("evaluation.confirm"), confirmed), (typed("确认", "确认提交"), confirmed),
                        (clicked("evaluation.redo"), redo), (typed("重新填写"), redo)]},
))
