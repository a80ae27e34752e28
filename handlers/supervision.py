"""督办 (Art. 6, 23): a leader or the desk supervises a live unit of a case.

    (none) --"督办 YQ-… 单位 内容"--> END: sent
    (none) --click 督办<单位> (supervision.start: a bulletin, a 逾期提醒 to a leader, the 案件 card) /
        "督办 YQ-… 单位"--> WORDS: "请发送督办内容"
    WORDS --text--> END: sent
    sent: the unit's ``supervision_answer`` duty starts (特别重大 1 h, 重大 4 h, 敏感 1 wd, 一般 2 wd); its head and
        liaisons get the words on a card with 回复督办 (handlers/supervision_answer.py); the sender is told when
        the answer is due
    refused at the start (nothing asked, nothing changes): not a leader or the desk of the case, the unit not
        working on it, the case archived
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.card import Reply, Target
from bot.core.conversation import END, Conversation, Step, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import LIVE, unit_name
from bot.domain.cards.follow_through import supervision_card
from bot.domain.case.lifecycle import check_case_allows
from bot.domain.case.supervision import supervise
from bot.domain.errors import DomainError, InvalidInput, NotFound
from bot.domain.permissions import Action, authorise
from bot.domain.words import deadline
from handlers.case_lookup import case_view
from handlers.evaluation_review import unit_named, unit_people
from handlers.registry import dialog

WORD = "督办"


class S(StrEnum):
    """States of the 督办 dialog."""

    WORDS = "words"


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action == "supervision.start"
    return command_text(event).split()[:1] == [WORD]


def start(event: Event, ctx, data: dict) -> Step:
    """Check the person may supervise this unit now; send at once when the words are there, else ask for them."""
    words = command_text(event).split(maxsplit=3)
    number = str(event.params.get("case", "")) if event.kind == "click" else (words[1] if len(words) > 1 else "")
    if not number:
        raise InvalidInput("case.number_missing", f"请这样督办：{WORD} YQ-2026-0001 单位名称 督办内容")
    view = case_view(ctx, number)
    authorise(ctx.org, ctx.person.id, Action.SUPERVISE, view.case.county, [a.unit_id for a in view.assignments])
    check_case_allows(view.case.state, str(Action.SUPERVISE))
    live = [a.unit_id for a in view.assignments if a.state in LIVE]
    if event.kind == "click":
        unit_id = str(event.params.get("u", ""))
    elif len(words) > 2:
        unit_id = unit_named(ctx, view, words[2], WORD)
    elif len(live) == 1:
        unit_id = live[0]
    else:
        raise InvalidInput("supervision.unit", f"请写明督办哪个单位，例如：{WORD} {view.case.number} "
                           f"{unit_name(ctx.org, live[0]) if live else '单位名称'} 督办内容")
    if unit_id not in live:
        raise NotFound("supervision.no_unit", f"{unit_name(ctx.org, unit_id)}没有在办理 {view.case.number}，无法督办。")
    data = {"case": view.case.number, "u": unit_id}
    if event.kind != "click" and len(words) > 3:
        return send(ctx, data, words[3], event)
    where = ctx.extra.get("answer_where") or "直接回复即可"
    ask = f"请发送对{unit_name(ctx.org, unit_id)}的督办内容（{view.case.number}；{where}；发送“取消”放弃）。"
    return Step(S.WORDS, (Reply(notice(ask)),), data)


def got_words(event: Event, ctx, data: dict) -> Step:
    """The words of the 督办: send them."""
    return send(ctx, data, command_text(event) or event.title or "", event)


def send(ctx, data: dict, text: str, event: Event) -> Step:
    """Record the 督办, tell the unit's head and liaisons, and the sender when the answer is due."""
    view = case_view(ctx, data["case"])
    try:
        outcome = supervise(ctx.store, ctx.rules, view.case.id, data["u"], ctx.actor(event), ctx.now, text)
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    duty = next(iter(outcome.started), None)
    name = unit_name(ctx.org, data["u"])
    card = supervision_card(view.case, name, ctx.person.name, outcome.entry.payload["text"], ctx.now, duty)
    due = f"，须于{deadline(duty.due_at, ctx.now)}前回复" if duty is not None else ""
    said = f"已督办{name}（{view.case.number}）{due}。回复将发给您。"
    return Step(END, (Reply(notice(said)), *(Reply(card, to=Target("person", p), case_id=view.case.id)
                                            for p in unit_people(ctx, data["u"]))))


SUPERVISION = dialog(Conversation(
    name="supervision",
    expiry_notice=lambda data: f"对 {data['case']} 的督办尚未发出，请重新发送“{WORD} {data['case']} 单位 内容”。",
    entry_points=[(_is_start, start)],
    states={S.WORDS: [(lambda e: is_text(e) and not _is_start(e), got_words)]},
))
