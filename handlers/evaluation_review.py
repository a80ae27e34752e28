"""The desk reviews a unit's evaluation (Art. 19(4)): ``通过 YQ-… 单位`` (or 通过 on the evaluation card)
accepts it, ``退回修改 YQ-… 单位 理由`` returns it for changes with a new 2 wd clock.

    通过 --> the unit's head and liaisons told; the last unit's accepted --> the case is evaluated (已评估), and
        the desk is told it may archive (归档)
    退回修改 --> the unit's head and liaisons get the reason and 填写评估 (a new evaluation duty, 2 wd)
    anyone but the desk --> refused politely (the domain), nothing changes
"""

from __future__ import annotations

from bot.core.card import Button, Reply, Target
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.cards.shapes import PromptCardData
from bot.domain.case import evaluation as domain
from bot.domain.errors import InvalidInput
from bot.domain.words import deadline, when
from handlers.case_lookup import CaseView, case_view
from handlers.registry import Context, router

ACCEPT, RETURN = "通过", "退回修改"


def unit_named(ctx: Context, view: CaseView, word: str, command: str) -> str:
    """The id of the case's unit named ``word`` (its name, a part of it, or its id); raises InvalidInput."""
    units = list(dict.fromkeys(a.unit_id for a in view.assignments))
    names = {u: unit_name(ctx.org, u) for u in units}
    found = [u for u in units if word in (u, names[u])] or [u for u in units if word and word in names[u]]
    if len(found) != 1:
        listed = "、".join(names.values()) or "无"
        raise InvalidInput("unit.unknown", f"请写明单位，例如：{command} {view.case.number} {next(iter(names.values()), '单位名称')}"
                           f"（本案单位：{listed}）。")
    return found[0]


def unit_people(ctx: Context, unit_id: str) -> list[str]:
    """The unit's liaisons and head, once each."""
    unit = ctx.org.units.get(unit_id)
    return [p for p in dict.fromkeys((*unit.liaisons, unit.head)) if p] if unit else []


@router.action("evaluation.accept")
def accept_clicked(event: Event, ctx: Context) -> list[Reply]:
    """通过 on an evaluation card."""
    view = case_view(ctx, str(event.params.get("case", "")))
    return _accept(event, ctx, view, str(event.params.get("u", "")))


@router.command(ACCEPT)
def accept_typed(event: Event, ctx: Context) -> list[Reply]:
    """``通过 YQ-… 单位``."""
    words = command_text(event).split()
    if len(words) < 3:
        raise InvalidInput("evaluation.usage", f"请这样通过评估总结：{ACCEPT} YQ-2026-0001 单位名称")
    view = case_view(ctx, words[1])
    return _accept(event, ctx, view, unit_named(ctx, view, words[2], ACCEPT))


def _accept(event: Event, ctx: Context, view: CaseView, unit_id: str) -> list[Reply]:
    outcome = domain.accept_evaluation(ctx.store, ctx.rules, view.case.id, unit_id, ctx.actor(event), ctx.now)
    number, name = view.case.number, unit_name(ctx.org, unit_id)
    done = outcome.entry.payload.get("to") == "evaluated"
    said = f"已通过{name}的评估总结（{number}）。" + (f"各单位评估总结均已通过，案件已评估，可发送“归档 {number}”归档。"
                                                   if done else "")
    told = f"{number} {name}的评估总结已由{ctx.person.name}于{when(ctx.now, ctx.now)}审核通过。"
    return [Reply(notice(said)), *(Reply(notice(told), to=Target("person", p), case_id=view.case.id)
                                   for p in unit_people(ctx, unit_id) if p != ctx.person.id)]


@router.command(RETURN)
def return_typed(event: Event, ctx: Context) -> list[Reply]:
    """``退回修改 YQ-… 单位 理由``: the unit writes it again on a new clock."""
    words = command_text(event).split(maxsplit=3)
    if len(words) < 4:
        raise InvalidInput("evaluation.usage", f"请这样退回评估总结：{RETURN} YQ-2026-0001 单位名称 理由")
    view = case_view(ctx, words[1])
    unit_id = unit_named(ctx, view, words[2], RETURN)
    outcome = domain.return_evaluation(ctx.store, ctx.rules, view.case.id, unit_id, ctx.actor(event), ctx.now, words[3])
    number, name, reason = view.case.number, unit_name(ctx.org, unit_id), outcome.entry.payload["reason"]
    duty = outcome.started[0]
    due = deadline(duty.due_at, ctx.now)
    card = PromptCardData(title=f"评估总结退回修改 {number}", color="orange", facts=[], case_id=view.case.id,
                          body=f"{view.case.title}\n{ctx.person.name}退回修改：{reason}\n请于{due}前重新提交。", status="",
                          hint=f"重新填写：发送“评估 {number}”。").card(
        (Button("填写评估", "evaluation.start", {"case": number, "d": str(duty.id)}, "primary"),))
    said = f"已将{name}的评估总结（{number}）退回修改，须于{due}前重新提交。"
    return [Reply(notice(said)), *(Reply(card, to=Target("person", p), case_id=view.case.id)
                                   for p in unit_people(ctx, unit_id))]
