"""分派单位 (Art. 13): a unit button on the desk's card (``intake.assign``) assigns that unit; 其他单位…
(``intake.units``) or ``分派 YQ-…`` without names starts a short dialog that matches typed unit names
loosely; ``分派 YQ-… 名称 名称`` assigns at once. Several units are allowed. What the unit and the leaders
are told comes from ``handlers.warning.after_assign``.

    (none) --click 其他单位 / 分派 YQ-…--> NAMES --names--> NAMES (assigned, or "did you mean …")
                                            NAMES --完成--> END        any --取消--> END
    (none) --分派 YQ-… 名称…--> assigned (END)

After names are assigned the desk's intake cards of the case are brought up to date in place where the
platform can change them (review ux-2026-12-07, finding 15); 完成 sends a fresh card only when none could be.
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.card import Reply
from bot.core.conversation import END, Conversation, Step
from bot.core.errors import HandlerError
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.intake.links import find_links
from bot.domain.intake.reading import match_units
from bot.domain.permissions import require_desk
from bot.domain.unit.commands import assign_unit
from handlers import warning
from handlers.case_lookup import case_id_param, case_named, case_view_of, current_intake_card
from handlers.desk_card import desk_card_updates
from handlers.leaders import latest_bulletins
from handlers.registry import Context, dialog, dialogs, router

DONE_WORDS = ("完成", "好了", "结束", "没有了", "无")
USAGE = "请这样分派：分派 YQ-2026-0001 食品生产安全监督管理科（可写多个单位，用空格或顿号隔开）。"


class S(StrEnum):
    """States of the dialog."""

    NAMES = "names"


def assign_one(event: Event, ctx: Context, case_id: int, unit_id: str) -> list[Reply]:
    """Assign ``unit_id`` (its clocks at the case's own scale: the domain's) and add what the unit is told."""
    outcome = assign_unit(ctx.store, ctx.rules, case_id, ctx.actor(event), ctx.now, unit_id)
    return warning.after_assign(outcome, ctx)


@router.action("intake.assign")
def assign_by_button(event: Event, ctx: Context) -> list[Reply]:
    """A unit button: assign it and show the card with the unit listed."""
    require_desk(ctx.org, ctx.person_id)
    case_id = case_id_param(event)
    unit_id = str(event.params.get("unit", ""))
    told = assign_one(event, ctx, case_id, unit_id)
    unit = ctx.org.units.get(unit_id)
    status = f"{ctx.person.name}已分派{unit.name if unit else unit_id}"
    return [Reply(current_intake_card(ctx, case_id, status), update=True, case_id=case_id), *told]


def assign_names(event: Event, ctx: Context, case_id: int, text: str) -> list[Reply]:
    """Assign every unit ``text`` names clearly; say which names were unclear or unknown."""
    said, told = [], []
    for match in match_units(ctx.org, text):
        if match.unit is None and match.candidates:
            said.append(f"“{match.typed}”可能是：{'、'.join(u.name for u in match.candidates)}，请写完整名称。")
        elif match.unit is None:
            said.append(f"没有找到“{match.typed}”对应的单位。")
        else:
            try:
                told += assign_one(event, ctx, case_id, match.unit.id)
                said.append(f"已分派{match.unit.name}。")
            except HandlerError as exc:
                said.append(exc.message)
    cards = desk_card_updates(ctx, case_id) if told else []
    return [Reply(notice("\n".join(said))), *cards, *latest_bulletins(told)]


def start_by_button(event: Event, ctx: Context, data: dict) -> Step:
    """其他单位…: ask for unit names."""
    require_desk(ctx.org, ctx.person_id)
    case_id = case_id_param(event)
    return _ask(ctx, case_id)


def start_by_text(event: Event, ctx: Context, data: dict) -> Step:
    """``分派 YQ-… [名称…]``: assign the names given, else ask for them."""
    require_desk(ctx.org, ctx.person_id)
    words = command_text(event).split(maxsplit=2)
    if len(words) < 2:
        return Step(END, (Reply(notice(USAGE)),))
    case = case_named(ctx, words[1])
    if len(words) == 3:
        return Step(END, tuple(assign_names(event, ctx, case.id, words[2])))
    return _ask(ctx, case.id)


def _ask(ctx: Context, case_id: int) -> Step:
    number = case_view_of(ctx, case_id).case.number
    where = ctx.extra.get("answer_where") or ""
    prompt = (f"请回复要分派 {number} 的单位名称（可写简称，多个单位用空格或顿号隔开），全部分派后回复“完成”。"
              f"{'（' + where + '）' if where else ''}")
    return Step(S.NAMES, (Reply(notice(prompt)),), {"case": case_id, "number": number})


def got_names(event: Event, ctx: Context, data: dict) -> Step:
    """Names typed in the dialog: assign what matches, stay for more until 完成."""
    text = command_text(event)
    if text in DONE_WORDS:
        updated = desk_card_updates(ctx, data["case"], "分派完成")
        if updated:
            return Step(END, (Reply(notice("分派完成，舆情工作台的卡片已更新。")), *updated))
        return Step(END, (Reply(current_intake_card(ctx, data["case"], "分派完成"), case_id=data["case"]),))
    return Step(S.NAMES, tuple(assign_names(event, ctx, data["case"], text)), data)


def _is_click(action: str):
    return lambda e: e.kind == "click" and e.action == action


def _is_command(word: str):
    return lambda e: e.kind != "click" and command_text(e).split(maxsplit=1)[:1] == [word]


def _is_names(event: Event) -> bool:
    words = command_text(event).split(maxsplit=1)
    return (event.kind in ("text", "mention") and bool(words) and words[0].lower() not in router.commands
            and not find_links(event.text)
            and not any(c.entry(event) for name, c in dialogs.items() if name != "assign_units"))


ASSIGN = dialog(Conversation(
    name="assign_units",
    expiry_notice=lambda data: (f"{data.get('number', '')} 的分派尚未完成（等待单位名称），请重新发送"
                                f"“分派 {data.get('number', '案件编号')} 单位名称”。"),
    entry_points=[(_is_click("intake.units"), start_by_button), (_is_command("分派"), start_by_text)],
    states={S.NAMES: [(_is_names, got_names)]},
))
