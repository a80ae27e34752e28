"""涉密 (issue 21): the desk marks a case confidential, the desk head lifts it; both with a reason, on the timeline.

    (none) --"涉密 YQ-… 理由" (desk)--> END: marked
    (none) --click 标记涉密 (``intake.confidential``, the desk's intake card) / "涉密 YQ-…"--> REASON:
        "请说明理由" (continued 1:1 where the platform can; the prompt says where)
    REASON --text--> END: marked
    any --取消--> END, nothing changes
    refused at the start (nothing asked, nothing changes): not the desk of the case; already confidential
    (none) --"解除涉密 YQ-… 理由" (the desk head only)--> END: lifted; the running desk's people are told 1:1

Marked: the case's earlier group messages are re-drawn as the group's notice where the platform can change them,
and listed (timeline and answer) where it cannot (``handlers/secret_groups.py``); the named people
(``bot.domain.secrecy.named_people``) are told 1:1; the desk person who marked it gets the desk's intake card
1:1, to work on outside the group.
"""

from __future__ import annotations

from bot.core.card import Reply, Target
from bot.core.conversation import END, Conversation, Step, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.intake_card import CONFIDENTIAL
from bot.domain.case.secrecy import clear_confidential, mark_confidential, record_exposed
from bot.domain.errors import InvalidInput
from bot.domain.permissions import Action, authorise, running_desk
from bot.domain.secrecy import named_people
from handlers.case_lookup import case_id_param, case_named, case_view, case_view_of, current_intake_card, live_units
from handlers.reason_step import REASON, ask_reason, reason_answered
from handlers.registry import Context, dialog, router
from handlers.secret_groups import exposure_words, redraw

WORD, CLEAR_WORD = "涉密", "解除涉密"
USAGE = f"请这样标记涉密：{WORD} YQ-2026-0001 理由"
CLEAR_USAGE = f"请这样解除涉密：{CLEAR_WORD} YQ-2026-0001 理由"


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action == CONFIDENTIAL
    return command_text(event).split()[:1] == [WORD]


def start(event: Event, ctx: Context, data: dict) -> Step:
    """Check the person may mark this case; mark it at once when the reason is there, else ask for it."""
    words = command_text(event).split(maxsplit=2) if event.kind != "click" else []
    if event.kind == "click":
        view = case_view_of(ctx, case_id_param(event))
    elif len(words) > 1:
        view = case_view(ctx, words[1].upper())
    else:
        raise InvalidInput("confidential.usage", USAGE)
    authorise(ctx.org, ctx.person.id, Action.MARK_CONFIDENTIAL, view.case.county, [a.unit_id for a in view.assignments])
    if view.case.confidential:
        return Step(END, (Reply(notice(f"{view.case.number} 已是涉密案件。")),))
    if len(words) > 2:
        return Step(END, tuple(mark(event, ctx, view.case.number, words[2])))
    return ask_reason(ctx, view.case.number, f"请说明把 {view.case.number} 标记为涉密的理由",
                      "标记后各群只显示案件编号和等级，详情单独发送给知悉范围内的人员。")


def mark(event: Event, ctx: Context, number: str, reason: str) -> list[Reply]:
    """Mark the case, re-draw or list its earlier group messages, tell the named people; the replies."""
    case = case_view(ctx, number).case
    outcome = mark_confidential(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, reason)
    reason = outcome.entry.payload.get("reason", reason.strip())
    redrawn, exposed = redraw(ctx, case.id)
    if exposed:
        record_exposed(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, [e.entry() for e in exposed])
    view = case_view_of(ctx, case.id)
    named = named_people(ctx.org, county=view.case.county, units=live_units(view))
    told = [pid for pid in named if pid != ctx.person.id]
    lines = [f"已将 {number} 标记为涉密案件（理由：{reason}）。今后各群只显示案件编号和等级，详情单独发送给知悉范围内的人员"
             f"（已私信告知 {len(told)} 人）。"]
    if redrawn:
        lines.append(f"已把 {len(redrawn)} 条群消息改为只显示编号和等级。")
    if exposed:
        lines.append(exposure_words(exposed, ctx.now))
    replies = [Reply(notice("\n".join(lines)), case_id=case.id), *redrawn]
    text = (f"{number}「{view.case.title}」已由{ctx.person.name}标记为涉密案件（理由：{reason}）。今后群内只显示案件编号和等级，"
            "详情将单独发送给您；请勿在群内讨论案件内容。")
    replies += [Reply(notice(text), to=Target("person", pid), case_id=case.id) for pid in told]
    if ctx.person.id in named:  # the desk keeps working on the case 1:1
        card = current_intake_card(ctx, case.id, f"{ctx.person.name}已标记为涉密")
        replies.append(Reply(card, to=Target("person", ctx.person.id, event.platform), case_id=case.id))
    return replies


@router.command(CLEAR_WORD)
def clear(event: Event, ctx: Context) -> list[Reply]:
    """解除涉密 YQ-… 理由 (the desk head): lift the marking and tell the running desk's people."""
    words = command_text(event).split(maxsplit=2)
    if len(words) < 2:
        raise InvalidInput("confidential.usage", CLEAR_USAGE)
    case = case_named(ctx, words[1])
    clear_confidential(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, words[2] if len(words) > 2 else "")
    reason = words[2].strip() if len(words) > 2 else ""
    desk = running_desk(ctx.org, case.county)
    people = [pid for pid in dict.fromkeys((desk.head, *desk.liaisons) if desk else ()) if pid and pid != ctx.person.id]
    told = f"{case.number} 已由{ctx.person.name}解除涉密（理由：{reason}）。此后群内消息恢复显示案件内容。"
    return [Reply(notice(f"已解除 {case.number} 的涉密标记（理由：{reason}），已告知舆情工作台。"), case_id=case.id),
            *(Reply(notice(told), to=Target("person", pid), case_id=case.id) for pid in people)]


CONFIDENTIAL_DIALOG = dialog(Conversation(
    name="confidential",
    expiry_notice=lambda data: f"{data['case']} 尚未标记涉密（未填写理由），请重新发送“{WORD} {data['case']} 理由”。",
    entry_points=[(_is_start, start)],
    states={REASON: [(lambda e: is_text(e) and not _is_start(e), reason_answered(mark))]},
))
