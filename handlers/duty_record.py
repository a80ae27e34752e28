"""The shape every per-grade duty's dialog shares (处置意见, 研判会议, 领导小组会议, 转办反馈): started by its
command (``处置意见 YQ-…``) or by its duty's button (params ``case`` and ``d``), it asks its fields one at a
time, shows the record back, and on 确认 ends the duty through the domain with the record kept in the
timeline entry. Not an intent: the dialogs are declared in their own modules with :func:`record_dialog`.

    (none) --"<词> YQ-…" / click the duty's button--> ASK(0)   refused: not who ends it; the duty done → told so
    ASK(i) --answer (是/否 click, or typed)--> ASK(i+1) … --last answer--> CONFIRM: the record shown back
    ASK(i) --an answer it cannot read--> ASK(i): the question again, with why
    CONFIRM --确认--> END: the duty done (its lateness measured now), the record told to whom it concerns
    CONFIRM --重新填写--> ASK(0)
    a second 确认, or the duty ended meanwhile --> told who recorded it; nothing changes

A record being filled lives while the duty may still be recorded: until its deadline (at least 2 h, at most
24 h: ``bot.core.conversation.until_due``, as a report does), and its expiry notice names the case, the step
and the command that starts it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Callable

from bot.core.card import Button, Reply, Target
from bot.core.conversation import END, Conversation, OwnerButtons, Step, is_text, until_due
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import Fact, notice
from bot.domain.cards.case_card import person_name
from bot.domain.cards.duty_record import record_confirm_prompt, recorded_card, yes_no_prompt
from bot.domain.cards.prompt_card import settled_prompt
from bot.domain.case import commands as case_commands
from bot.domain.errors import DomainError, InvalidInput, NotPermitted
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.permissions import FULFIL_ROLES, Action, authorise, authorise_own_duty, case_roles
from bot.domain.words import when
from handlers.case_lookup import case_view
from handlers.dialog_owner import not_owner, owned

__all__ = ["Field", "desk_people", "duty_of", "end_and_tell", "ended_word", "may_end", "record_dialog", "required"]


class S(StrEnum):
    """States of a duty's record dialog."""

    ASK = "ask"
    CONFIRM = "confirm"


@dataclass(frozen=True)
class Field:
    """One thing a record asks: ``key`` in the record, ``label`` on the cards, ``ask`` the question;
    ``yes_no`` fields get 是/否 buttons. ``read(ctx, text)`` → (stored value, shown text); raises InvalidInput
    (the question is asked again with its message)."""

    key: str
    label: str
    ask: str
    read: Callable
    yes_no: bool = False


def required(what: str) -> Callable:
    """A field's reader for free text that may not be empty (``what``: the field, in words)."""
    def read(ctx, text: str) -> tuple[str, str]:
        if not (text or "").strip():
            raise InvalidInput("record.empty", f"请填写{what}。")
        return text.strip(), text.strip()
    return read


def duty_of(ctx, view, kinds: tuple[DutyKind, ...], duty_id: str | None):
    """The duty a click names (``d``), else the open duty of ``kinds`` the person may end — one his own unit
    owns first (a case handed down to a county that was itself transferred from above has two 转办反馈: the
    county's to the city, the city's upwards) — (else the latest)."""
    duties = [d for d in view.duties if d.kind in kinds]
    if duty_id:
        return next((d for d in duties if str(d.id) == str(duty_id)), None)
    units = [a.unit_id for a in view.assignments]
    own = {u.id for u in ctx.org.units_of(ctx.person.id)}
    endable = []
    for d in duties:
        roles = FULFIL_ROLES.get(d.kind, frozenset())
        mine = case_roles(ctx.org, ctx.person.id, view.case.county, units, d.owner_unit if d.assignment_id else None)
        if d.open and (d.owner_person == ctx.person.id if d.owner_person else roles & mine):
            endable.append(d)
    if endable:
        return next((d for d in endable if d.owner_unit in own), endable[0])
    return next((d for d in reversed(duties) if d.open), duties[-1] if duties else None)


def may_end(ctx, view, duty, who: str) -> None:
    """Refuse politely unless the person may end ``duty`` (``who``: who may, in words); raises NotPermitted."""
    if duty.owner_person is not None:  # a person's own duty: only its owner (the refusal names him)
        authorise_own_duty(ctx.org, ctx.person.id, duty.owner_person, DUTY_LABELS[duty.kind])
        return
    units = [a.unit_id for a in view.assignments]
    try:
        authorise(ctx.org, ctx.person.id, Action.FULFIL_DUTY, view.case.county, units,
                  duty.owner_unit if duty.assignment_id else None, duty.kind)
    except NotPermitted:
        raise NotPermitted("permission.denied", f"{DUTY_LABELS[duty.kind]}（{view.case.number}）由{who}登记，"
                                                f"您的点击或指令未作处理。") from None


def ended_word(ctx, view, duty) -> str:
    """What a late click or command is told when the duty has ended already ('' while it is open)."""
    if duty.open:
        return ""
    label = DUTY_LABELS[duty.kind]
    if duty.ended_by and str(duty.state) == "done":
        return f"{view.case.number} 的{label}已由{person_name(ctx.org, duty.ended_by)}于{when(duty.ended_at, ctx.now)}登记，无需重复操作。"
    return f"{view.case.number} 的{label}已结束（{duty.reason or '已关闭'}），无需再登记。"


def desk_people(ctx, view) -> list[str]:
    """The liaisons and head of the desk that runs the case."""
    desk = ctx.org.units.get(view.case.owner_unit)
    return list(dict.fromkeys((*desk.liaisons, desk.head))) if desk else []


def end_and_tell(event: Event, ctx, view, duty, title: str, facts: list[Fact], details: dict,
                 to: list[str]) -> list[Reply]:
    """End ``duty`` as done with ``details`` recorded; the person told, and ``to`` (org ids, not the person)
    sent the record. A duty ended meanwhile: the person is told by whom, nothing changes."""
    try:
        outcome = case_commands.end_duty_by_hand(ctx.store, ctx.rules, view.case.id, duty.id, ctx.actor(event),
                                                 ctx.now, done=True, note=title, details=details)
    except DomainError as exc:
        fresh = case_view(ctx, view.case.number)
        now_duty = next((d for d in fresh.duties if d.id == duty.id), duty)
        return [Reply(notice(ended_word(ctx, fresh, now_duty) or exc.message))]
    late = any(d.late for d in outcome.ended)
    timing = "（已超过时限）" if late else "（按时）"
    said = f"已登记 {view.case.number} {title}，{when(ctx.now, ctx.now)}{timing}。"
    card = recorded_card(view.case, title, facts, ctx.person.name, ctx.now, late)
    told = [Reply(card, to=Target("person", pid), case_id=view.case.id)
            for pid in dict.fromkeys(to) if pid != ctx.person.id]
    return [Reply(notice(said)), *told]


def record_dialog(name: str, word: str, action: str, kinds: tuple[DutyKind, ...], title: str, who: str,
                  fields: tuple[Field, ...], recipients: Callable) -> Conversation:
    """A duty's record dialog: ``word`` typed or the ``action`` button starts it for a duty of ``kinds``; it
    asks ``fields`` and ends the duty on 确认, telling ``recipients(ctx, view)`` (org ids)."""
    yes, no, confirm, redo = (f"{name}.yes", f"{name}.no", f"{name}.confirm", f"{name}.redo")

    def is_start(event: Event) -> bool:
        if event.kind == "click":
            return event.action == action
        return event.kind != "click" and command_text(event).split()[:1] == [word]

    def where(ctx) -> str:
        return ctx.extra.get("answer_where") or "直接回复即可"

    def ask(ctx, data: dict, view=None, why: str = "") -> Step:
        field = fields[data["i"]]
        step = f"第{data['i'] + 1}/{len(fields)}项"
        if field.yes_no:
            view = view or case_view(ctx, data["case"])
            buttons = (_mine("是", yes, data, ctx, "primary"), _mine("否", no, data, ctx))
            card = yes_no_prompt(view.case, title, step, field.ask, buttons)
            replies = (Reply(notice(why)),) if why else ()
            return Step(S.ASK, (*replies, Reply(card, case_id=view.case.id)), data)
        text = f"{why}\n" if why else ""
        text += f"{title} {data['case']}（{step}）：{field.ask}（{where(ctx)}；发送“取消”放弃）"
        return Step(S.ASK, (Reply(notice(text)),), data)

    def start(event: Event, ctx, data: dict) -> Step:
        parts = command_text(event).split()
        number = str(event.params.get("case", "")) if event.kind == "click" else (parts[1] if len(parts) > 1 else "")
        if not number:
            raise InvalidInput("case.number_missing", f"请在“{word}”后写上案件编号，例如：{word} YQ-2026-0001")
        view = case_view(ctx, number)
        duty = duty_of(ctx, view, kinds, event.params.get("d") if event.kind == "click" else None)
        if duty is None:
            return Step(END, (Reply(notice(f"{view.case.number} 没有待登记的{title}。")),))
        may_end(ctx, view, duty, who)
        if said := ended_word(ctx, view, duty):
            return Step(END, (Reply(notice(said)),))
        data = {"case": view.case.number, "case_id": view.case.id, "d": duty.id, "due": duty.due_at.isoformat(),
                "i": 0, "answers": {}}
        return ask(ctx, data, view)

    def answered(event: Event, ctx, data: dict) -> Step:
        if refused := not_owner(event, ctx):
            return Step(S.ASK, (Reply(notice(refused)),), data)
        field = fields[data["i"]]
        text = ("是" if event.action == yes else "否") if event.kind == "click" else command_text(event)
        try:
            value, shown = field.read(ctx, text)
        except InvalidInput as exc:
            return ask(ctx, data, why=exc.message)
        answers = {**data["answers"], field.key: {"value": value, "shown": shown}}
        data = {**data, "answers": answers, "i": data["i"] + 1}
        settled = _settled(event, data, f"{title} {data['case']}", f"{field.label}：{shown}")
        nxt = ask(ctx, data) if data["i"] < len(fields) else confirm_step(ctx, data)
        return Step(nxt.state, (*settled, *nxt.replies), nxt.data)

    def confirm_step(ctx, data: dict) -> Step:
        facts = [Fact(f.label, data["answers"][f.key]["shown"]) for f in fields]
        buttons = (_mine("确认提交", confirm, data, ctx, "primary"), _mine("重新填写", redo, data, ctx))
        return Step(S.CONFIRM, (Reply(record_confirm_prompt(data["case"], title, facts, buttons)),), data)

    def confirmed(event: Event, ctx, data: dict) -> Step:
        if refused := not_owner(event, ctx):
            return Step(S.CONFIRM, (Reply(notice(refused)),), data)
        view = case_view(ctx, data["case"])
        duty = next((d for d in view.duties if d.id == int(data["d"])), None)
        facts = [Fact(f.label, data["answers"][f.key]["shown"]) for f in fields]
        details = {f.key: data["answers"][f.key]["value"] for f in fields}
        settled = _settled(event, data, f"确认{title} {data['case']}", "已提交")
        return Step(END, (*settled, *end_and_tell(event, ctx, view, duty, title, facts, details,
                                                  recipients(ctx, view))))

    def again(event: Event, ctx, data: dict) -> Step:
        if refused := not_owner(event, ctx):
            return Step(S.CONFIRM, (Reply(notice(refused)),), data)
        settled = _settled(event, data, f"确认{title} {data['case']}", "已选择重新填写")
        nxt = ask(ctx, {**data, "i": 0, "answers": {}})
        return Step(nxt.state, (*settled, *nxt.replies), nxt.data)

    def answer_text(e: Event) -> bool:
        return is_text(e) and not is_start(e)

    def typed(*words: str):
        return lambda e: e.kind != "click" and command_text(e) in words

    def clicked(*keys: str):
        return lambda e: e.kind == "click" and e.action in keys

    return Conversation(
        name=name, lasts=lambda data, now: until_due(data.get("due"), now),
        owner_buttons=OwnerButtons(((yes, no) if any(f.yes_no for f in fields) else ()) + (confirm, redo), word),
        expiry_notice=lambda data: f"{data['case']} 的{title}尚未提交，请重新发送“{word} {data['case']}”。",
        entry_points=[(is_start, start)],
        states={S.ASK: [(clicked(yes, no), answered), (answer_text, answered)],
                S.CONFIRM: [(clicked(confirm), confirmed), (typed("确认", "确认提交"), confirmed),
                            (clicked(redo), again), (typed("重新填写"), again)]},
    )


def _mine(label: str, key: str, data: dict, ctx, style: str = "default") -> Button:
    """A button of a record dialog, bound to its owner. Its key is one the dialog declares (``record_dialog``
    builds both from the dialog's name), so tests/unit/handlers/test_registry.py's per-key test covers every
    one through the registered dialogs; its static scan cannot read a key built from a name."""
    params = owned({"case": data["case"]}, ctx)
    return Button(label, key, params, style)


def _settled(event: Event, data: dict, title: str, status: str) -> tuple[Reply, ...]:
    """The clicked question brought to its outcome (no buttons left), when it was answered by a click."""
    if event.kind != "click" or not event.card_id:
        return ()
    return (Reply(settled_prompt(title, status), update=True, case_id=data.get("case_id")),)
