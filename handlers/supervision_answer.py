"""回复督办: the unit's head or liaison answers a 督办; the answer goes back to who supervised.

    (none) --"回复督办 YQ-… 内容"--> END: answered
    (none) --click 回复督办 (supervision.answer, on the 督办 card, a reminder, 我的待办) / "回复督办 YQ-…"-->
        WORDS: "请发送回复内容"
    WORDS --text--> END: answered — the unit's ``supervision_answer`` duty ends (late when past its deadline,
        and counted late); the supervisor gets the answer (按时 / 逾期)
    refused at the start: not the head or a liaison of a unit with an open 督办 on the case, nor the person who
        owns the clicked one (a person's own 回复督办, ``Duty.owner_person``: he alone answers it, through
        ``end_duty_by_hand``; anyone else is told who answers it)
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.card import Reply, Target
from bot.core.conversation import END, Conversation, Step, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.case import commands as case_commands
from bot.domain.case.supervision import answer_supervision
from bot.domain.context import Outcome
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.permissions import Action, Role, authorise, authorise_own_duty, case_roles
from bot.domain.records import DutyState
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
    open_ = [d for d in view.duties if d.kind == DutyKind.SUPERVISION_ANSWER and d.open
             and (d.owner_person == ctx.person.id if d.owner_person else d.owner_unit
                  and case_roles(ctx.org, ctx.person.id, view.case.county, units, d.owner_unit) & unit_roles)]
    ended = _others_or_ended(ctx, view, event)
    if ended is not None:
        return ended
    if not open_:
        authorise(ctx.org, ctx.person.id, Action.ANSWER_SUPERVISION, view.case.county, units)  # refuses outsiders
        return Step(END, (Reply(notice(f"{view.case.number} 没有待您单位回复的督办（可能已回复）。")),))
    duty = next((d for d in open_ if str(d.id) == str(event.params.get("d"))), open_[0])
    data = {"case": view.case.number, "a": duty.assignment_id, "d": duty.id}
    if event.kind != "click" and len(words) > 2:
        return answer(ctx, data, words[2], event)
    where = ctx.extra.get("answer_where") or "直接回复即可"
    return Step(S.WORDS, (Reply(notice(f"请发送对 {view.case.number} 督办的回复内容（{where}；发送“取消”放弃）。")),), data)


def _others_or_ended(ctx, view, event: Event) -> Step | None:
    """A click on a person's own 回复督办: refused for anyone but its owner (NotPermitted, nothing changes); for
    him, once it has ended, that it needs nothing more; None otherwise (go on)."""
    clicked = next((d for d in view.duties if d.kind == DutyKind.SUPERVISION_ANSWER and d.owner_person
                    and str(d.id) == str(event.params.get("d"))), None) if event.kind == "click" else None
    if clicked is None:
        return None
    authorise_own_duty(ctx.org, ctx.person.id, clicked.owner_person, DUTY_LABELS[clicked.kind])
    if clicked.open:
        return None
    said = "已回复" if clicked.state == DutyState.DONE else f"已结束（{clicked.reason or '已关闭'}）"
    return Step(END, (Reply(notice(f"{view.case.number} 的这项督办{said}，无需重复操作。")),))


def got_words(event: Event, ctx, data: dict) -> Step:
    """The answer's words."""
    return answer(ctx, data, command_text(event) or event.title or "", event)


def answer(ctx, data: dict, text: str, event: Event) -> Step:
    """Record the answer; tell the person and the supervisor."""
    view = case_view(ctx, data["case"])
    try:
        if data.get("a") is None:  # a person's own 回复督办 (no unit's part): ended by hand
            outcome, body = _answer_own(ctx, view, int(data["d"]), text, event)
        else:
            outcome = answer_supervision(ctx.store, ctx.rules, view.case.id, int(data["a"]), ctx.actor(event),
                                         ctx.now, text, int(data["d"]))
            body = outcome.entry.payload
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    due = outcome.ended[0].due_at
    timing = f"（逾期回复，截止时间为 {when(due, ctx.now)}）" if body["late"] else "（按时）"
    name = unit_name(ctx.org, body["unit"]) if body.get("unit") else ""
    replies = [Reply(notice(f"已回复 {view.case.number} 的督办{timing}。"))]
    if body.get("supervisor") and body["supervisor"] != ctx.person.id:
        told = f"{name}{ctx.person.name}回复督办 {view.case.number}{timing}：\n{body['text']}"
        replies.append(Reply(notice(told), to=Target("person", body["supervisor"]), case_id=view.case.id))
    return Step(END, tuple(replies))


def _answer_own(ctx, view, duty_id: int, text: str, event: Event) -> tuple[Outcome, dict]:
    """A person answers the 督办 he owns: the duty ends by hand (its owner alone may), the words kept as the
    entry's ``details``. Returns the outcome and what :func:`answer` tells: ``late``, ``text``, ``supervisor``
    (who started the duty, when an entry did). Raises DomainError (no words, refused, already ended)."""
    words = text.strip()
    if not words:
        raise InvalidInput("supervision.no_words", "回复督办须写明内容。")
    outcome = case_commands.end_duty_by_hand(ctx.store, ctx.rules, view.case.id, duty_id, ctx.actor(event), ctx.now,
                                             done=True, note=WORD, details={"text": words})
    started = ctx.store.run(lambda repo: next((e.actor for e in repo.timeline(view.case.id)
                                               if any(s.get("id") == duty_id for s in e.payload.get("started", []))),
                                              None))
    return outcome, {"late": outcome.entry.payload["late"], "text": words, "supervisor": started}


SUPERVISION_ANSWER = dialog(Conversation(
    name="supervision_answer",
    expiry_notice=lambda data: f"{data['case']} 的督办尚未回复，请重新发送“{WORD} {data['case']} 回复内容”。",
    entry_points=[(_is_start, start)],
    states={S.WORDS: [(lambda e: is_text(e) and not _is_start(e), got_words)]},
))
