"""平息 and 重新跟踪 (Art. 19): the desk ends the active phase of a case, or takes it back up.

    desk --平息 YQ-… 理由--> 已平息: 续报 stop, open statutory and report duties close as missed (平息时未办结),
         meetings and decisions not yet due as not needed, transfer feedback stays open; 重大/特别重大: each
         working unit's 评估总结 starts and its head and liaisons are told (评估 YQ-…)
    desk --重新跟踪 (button on the answer to a sighting of a subsided case, or typed)--> 跟踪中
"""

from __future__ import annotations

from bot.core.card import Reply, Target
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.cards.progress_card import RETRACK
from bot.domain.cards.prompt_card import settled_prompt
from bot.domain.case import progress
from bot.domain.clock.acts import command_of
from bot.domain.errors import InvalidInput
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.words import deadline
from handlers.case_lookup import case_named
from handlers.registry import Context, router


@router.command("平息")
def subside(event: Event, ctx: Context) -> list[Reply]:
    """``平息 YQ-… 理由``."""
    words = command_text(event).split(maxsplit=2)
    if len(words) < 3:
        raise InvalidInput("subside.usage", "请这样写：平息 YQ-2026-0001 理由（如：连续三天无新增讨论）。")
    case = case_named(ctx, words[1])
    outcome = progress.subside(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, words[2])
    case = outcome.case
    missed = [d for d in outcome.ended if d.late]
    not_needed = [d for d in outcome.ended if not d.late and d.kind != DutyKind.FOLLOW_UP]
    parts = [f"已将 {case.number} 标记为已平息"]
    if any(d.kind == DutyKind.FOLLOW_UP for d in outcome.ended):
        parts.append("续报停止")
    if missed:
        parts.append(f"{len(missed)} 项未办结的待办按逾期关闭（{_labels(missed)}）")
    if not_needed:
        parts.append(f"{len(not_needed)} 项无需再办（{_labels(not_needed)}）")
    replies = []
    for duty in outcome.started:
        name = unit_name(ctx.org, duty.owner_unit)
        text = (f"{case.number} 已平息，请于{deadline(duty.due_at, ctx.now)}前提交本单位的评估总结"
                f"（发送“{command_of(duty.kind, case.number)}”）。")
        unit = ctx.org.units.get(duty.owner_unit)
        readers = dict.fromkeys([p for p in ([unit.head, *unit.liaisons] if unit else []) if p])
        replies += [Reply(notice(text), to=Target("person", pid), case_id=case.id) for pid in readers]
        parts.append(f"已请{name}提交评估总结")
    return [Reply(notice("；".join(parts) + "。"))] + replies


@router.action(RETRACK)
def retrack_by_button(event: Event, ctx: Context) -> list[Reply]:
    """重新跟踪 clicked on the answer to a sighting."""
    return _retrack(event, ctx, str(event.params.get("case", "")), click=True)


@router.command("重新跟踪")
def retrack_typed(event: Event, ctx: Context) -> list[Reply]:
    """``重新跟踪 YQ-…``."""
    words = command_text(event).split()
    if len(words) < 2:
        raise InvalidInput("retrack.usage", "请这样写：重新跟踪 YQ-2026-0001")
    return _retrack(event, ctx, words[1], click=False)


def _retrack(event: Event, ctx: Context, number: str, click: bool) -> list[Reply]:
    case = case_named(ctx, number)
    progress.retrack(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now)
    text = f"{case.number} 已重新跟踪（跟踪中）；跟踪情况请发送“跟踪 {case.number} 内容”。"
    if click:
        return [Reply(settled_prompt(f"{case.number} 重新跟踪", f"{ctx.person.name}已重新跟踪"), update=True,
                      case_id=case.id), Reply(notice(text))]
    return [Reply(notice(text))]


def _labels(duties) -> str:
    return "、".join(dict.fromkeys(DUTY_LABELS[d.kind] for d in duties))
