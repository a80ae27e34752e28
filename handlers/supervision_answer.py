"""回复督办: the unit's head or liaison answers a 督办; the answer goes back to who supervised.

    (none) --"回复督办 YQ-… 内容"--> END: answered
    (none) --click 回复督办 (supervision.answer, on the 督办 card, a reminder, 我的待办) / "回复督办 YQ-…"-->
        WORDS: "请发送回复内容"
    WORDS --text--> END: answered — the unit's ``supervision_answer`` duty ends (late when past its deadline,
        and counted late); the supervisor gets the answer (按时 / 逾期)
    refused at the start: not the head or a liaison of a unit with an open 督办 on the case
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.card import Reply, Target
from bot.core.conversation import END, Conversation, Step, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.case.supervision import answer_supervision
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.kinds import DutyKind
from bot.domain.permissions import Action, Role, authorise, case_roles
from bot.domain.words import when
from handlers.case_lookup import case_view
from handlers.registry import dialog

WORD = "回复督办"


class S(StrEnum):
    """States of the 回复督办 dialog."""

    WORDS = "words"


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action == "supervision.answer"
    return command_text(event).split()[:1] == [WORD]


def start(event: Event, ctx, data: dict) -> Step:
    """Find the 督办 the person's unit is to answer; answer at once when the words are there, else ask."""
    words = command_text(event).split(maxsplit=2)
    number = str(event.params.get("case", "")) if event.kind == "click" else (words[1] if len(words) > 1 else "")
    if not number:
        raise InvalidInput("case.number_missing", f"请这样回复督办：{WORD} YQ-2026-0001 回复内容")
    view = case_view(ctx, number)
    units = [a.unit_id for a in view.assignments]
    unit_roles = {Role.LIAISON, Role.UNIT_HEAD}
    open_ = [d for d in view.duties if d.kind == DutyKind.SUPERVISION_ANSWER and d.open and d.owner_unit
             and case_roles(ctx.org, ctx.person.id, view.case.county, units, d.owner_unit) & unit_roles]
    if not open_:
        authorise(ctx.org, ctx.person.id, Action.ANSWER_SUPERVISION, view.case.county, units)  # refuses outsiders
        return Step(END, (Reply(notice(f"{view.case.number} 没有待您单位回复的督办（可能已回复）。")),))
    duty = next((d for d in open_ if str(d.id) == str(event.params.get("d"))), open_[0])
    data = {"case": view.case.number, "a": duty.assignment_id, "d": duty.id}
    if event.kind != "click" and len(words) > 2:
        return answer(ctx, data, words[2], event)
    where = ctx.extra.get("answer_where") or "直接回复即可"
    return Step(S.WORDS, (Reply(notice(f"请发送对 {view.case.number} 督办的回复内容（{where}；发送“取消”放弃）。")),), data)


def got_words(event: Event, ctx, data: dict) -> Step:
    """The answer's words."""
    return answer(ctx, data, command_text(event) or event.title or "", event)


def answer(ctx, data: dict, text: str, event: Event) -> Step:
    """Record the answer; tell the person and the supervisor."""
    view = case_view(ctx, data["case"])
    try:
        outcome = answer_supervision(ctx.store, ctx.rules, view.case.id, int(data["a"]), ctx.actor(event), ctx.now,
                                     text, int(data["d"]))
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    body = outcome.entry.payload
    due = outcome.ended[0].due_at
    timing = f"（逾期回复，截止时间为 {when(due, ctx.now)}）" if body["late"] else "（按时）"
    name = unit_name(ctx.org, body["unit"])
    replies = [Reply(notice(f"已回复 {view.case.number} 的督办{timing}。"))]
    if body.get("supervisor") and body["supervisor"] != ctx.person.id:
        told = f"{name}{ctx.person.name}回复督办 {view.case.number}{timing}：\n{body['text']}"
        replies.append(Reply(notice(told), to=Target("person", body["supervisor"]), case_id=view.case.id))
    return Step(END, tuple(replies))


SUPERVISION_ANSWER = dialog(Conversation(
    name="supervision_answer",
    expiry_notice=lambda data: f"{data['case']} 的督办尚未回复，请重新发送“{WORD} {data['case']} 回复内容”。",
    entry_points=[(_is_start, start)],
    states={S.WORDS: [(lambda e: is_text(e) and not _is_start(e), got_words)]},
))
