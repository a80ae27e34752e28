"""跟踪 (Art. 19(3)) and the units' answer on a follow-up script (``bot.domain.case.progress``).

    desk  --跟踪 YQ-… 内容--> note on the timeline; handling/responding → 跟踪中; each working unit's head and
          liaisons get the question 1:1 (需要续发口径 / 无需续发; typed the same with the case number)
    unit head/liaison --跟踪 YQ-… 内容--> the unit's own tracking note; the desk person who opened the case is told
    unit  --需要续发口径--> 跟踪中 → 回应中; --无需续发--> recorded; the desk that asked is told either way;
          a second answer to the same question (double click, or a colleague) is answered, nothing changes
"""

from __future__ import annotations

from bot.core.card import Reply, Target
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.cards.progress_card import SCRIPT_NEEDED, SCRIPT_NOT_NEEDED, script_question
from bot.domain.cards.prompt_card import settled_prompt
from bot.domain.case import progress
from bot.domain.case.lifecycle import CASE_LABELS
from bot.domain.errors import InvalidInput
from handlers.case_lookup import case_named
from handlers.registry import Context, router


@router.command("跟踪")
def track(event: Event, ctx: Context) -> list[Reply]:
    """``跟踪 YQ-… 内容``: the desk's tracking note (and the question to the units), or a unit's own."""
    words = command_text(event).split(maxsplit=2)
    if len(words) < 3:
        raise InvalidInput("track.usage", "请这样写：跟踪 YQ-2026-0001 跟踪到的情况（如：话题热度下降，无新增转发）。")
    case = case_named(ctx, words[1])
    outcome = progress.track(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, words[2])
    payload = outcome.entry.payload
    case = outcome.case
    if "asked" not in payload:
        told = f"{unit_name(ctx.org, payload['unit'])} {ctx.person.name}跟踪 {case.number}：{payload['note']}"
        desk = [Reply(notice(told), to=Target("person", case.opened_by), case_id=case.id)]
        return [Reply(notice(f"已记录本单位对 {case.number} 的跟踪情况。"))] + (desk if ctx.org.person(case.opened_by) else [])
    replies = []
    for unit_id in payload["asked"]:
        card = script_question(case, unit_id, unit_name(ctx.org, unit_id), payload["note"], outcome.entry.seq)
        for person_id in _readers(ctx, unit_id):
            replies.append(Reply(card, to=Target("person", person_id), case_id=case.id))
    moved = f"，案件转为“{CASE_LABELS[case.state]}”" if payload["from"] != payload["to"] else ""
    asked = "、".join(unit_name(ctx.org, u) for u in payload["asked"])
    ask = f"；已询问{asked}是否需要续发口径" if asked else ""
    return [Reply(notice(f"已记录 {case.number} 的跟踪情况{moved}{ask}。"))] + replies


@router.action(SCRIPT_NEEDED, SCRIPT_NOT_NEEDED)
def answer_by_button(event: Event, ctx: Context) -> list[Reply]:
    """需要续发口径 / 无需续发 clicked on the question."""
    needed = event.action == SCRIPT_NEEDED
    case = case_named(ctx, str(event.params.get("case", "")))
    try:
        ask = int(event.params.get("t"))
    except (TypeError, ValueError):
        ask = None
    unit = str(event.params.get("unit") or "") or None
    replies = _answer(event, ctx, case.id, needed, unit, ask)
    said = "需要续发口径" if needed else "无需续发"
    return [Reply(settled_prompt(f"跟踪 {case.number}", f"{ctx.person.name}已答复：{said}"), update=True,
                  case_id=case.id)] + replies[1:]


@router.command("需要续发口径", "无需续发")
def answer_typed(event: Event, ctx: Context) -> list[Reply]:
    """``需要续发口径 YQ-…`` / ``无需续发 YQ-…`` typed."""
    words = command_text(event).split()
    if len(words) < 2:
        raise InvalidInput("script.usage", f"请在“{words[0]}”后写上案件编号，例如：{words[0]} YQ-2026-0001")
    case = case_named(ctx, words[1])
    return _answer(event, ctx, case.id, words[0] == "需要续发口径", None, None)


def _answer(event: Event, ctx: Context, case_id: int, needed: bool, unit: str | None, ask: int | None) -> list[Reply]:
    outcome = progress.answer_script(ctx.store, ctx.rules, case_id, ctx.actor(event), ctx.now, needed=needed,
                                     unit_id=unit, ask=ask)
    case, payload = outcome.case, outcome.entry.payload
    said = "需要续发口径" if needed else "无需续发"
    moved = f"，案件转为“{CASE_LABELS[case.state]}”" if payload["from"] != payload["to"] else ""
    asker = next((e.actor for e in ctx.store.run(lambda repo: repo.timeline(case.id)) if e.seq == payload["ask"]),
                 case.opened_by)
    told = f"{unit_name(ctx.org, payload['unit'])} {ctx.person.name}答复 {case.number}：{said}{moved}。"
    return [Reply(notice(f"已答复 {case.number}：{said}{moved}。")),
            Reply(notice(told), to=Target("person", asker), case_id=case.id)]


def _readers(ctx: Context, unit_id: str) -> list[str]:
    """The unit's head and liaisons, once each."""
    unit = ctx.org.units.get(unit_id)
    if unit is None:
        return []
    return list(dict.fromkeys([p for p in [unit.head, *unit.liaisons] if p]))
