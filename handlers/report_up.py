"""上报 (特别重大, Art. 18): the desk or a leader records that the case was reported to 市委市政府 or to 省局 — when
and by whom — and that report's duty (report_up_city / report_up_province, 2 h by default) ends; the desk and
the leaders are told.

    "上报 YQ-… 市委市政府|省局 [说明]" --> the duty of that place done at this moment, by the sender
    click 登记上报市委市政府 / 登记上报省局 (duty.report_up, params case, d) --> the same for the clicked duty
    no place typed --> asked to name it; the duty done already --> told by whom and when, nothing changes
    anyone but the desk or a leader --> refused politely, nothing changes
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import Fact, notice
from bot.domain.case.decisions import UPWARD
from bot.domain.errors import InvalidInput
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.words import when
from handlers.acknowledge import case_number_in
from handlers.case_lookup import case_view
from handlers.duty_record import desk_people, duty_of, end_and_tell, ended_word, may_end
from handlers.leaders import leaders
from handlers.registry import Context, router

WHO = "舆情工作台或局领导"
PLACES = "、".join(UPWARD)


@router.action("duty.report_up")
def report_up_clicked(event: Event, ctx: Context) -> list[Reply]:
    """The button of a report_up duty (1:1 reminder, 我的待办): that duty recorded as reported now."""
    view = case_view(ctx, str(event.params.get("case", "")))
    kinds = (DutyKind.REPORT_UP_CITY, DutyKind.REPORT_UP_PROVINCE)
    duty = duty_of(ctx, view, kinds, str(event.params.get("d") or "") or None)
    return _report_up(event, ctx, view, duty, "")


@router.command("上报")
def report_up_typed(event: Event, ctx: Context) -> list[Reply]:
    """``上报 YQ-… 市委市政府`` / ``上报 YQ-… 省局`` (an optional note after it)."""
    view = case_view(ctx, case_number_in(event, "上报"))
    parts = command_text(event).split(maxsplit=3)
    place = parts[2] if len(parts) > 2 else ""
    if place not in UPWARD:
        raise InvalidInput("report_up.place", f"请写明上报对象（{PLACES}），例如：上报 {view.case.number} 市委市政府")
    duty = duty_of(ctx, view, (DutyKind(UPWARD[place]),), None)
    return _report_up(event, ctx, view, duty, parts[3] if len(parts) > 3 else "")


def _report_up(event: Event, ctx: Context, view, duty, note: str) -> list[Reply]:
    if duty is None:
        return [Reply(notice(f"{view.case.number} 没有待登记的上报事项（特别重大舆情才需上报市委市政府和省局）。"))]
    may_end(ctx, view, duty, WHO)
    if said := ended_word(ctx, view, duty):
        return [Reply(notice(said))]
    label = DUTY_LABELS[duty.kind]
    facts = [Fact("上报时间", when(ctx.now, ctx.now)), Fact("上报人", ctx.person.name)]
    details = {"at": ctx.now.isoformat(), "by": ctx.person.id}
    if note:
        facts.append(Fact("说明", note))
        details["note"] = note
    told = list(dict.fromkeys([*desk_people(ctx, view), *leaders(ctx, view)]))
    return end_and_tell(event, ctx, view, duty, label, facts, details, told)
