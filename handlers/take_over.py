"""接管 (issue 22): the city desk takes a county's case over, with a reason; from then on the city desk and the city
leaders are its desk and approvers (domain ``county.take_over``), the county's people keep their unit roles.

    (none) --"接管 YQ-… 理由" (the city desk)--> END: taken over
    (none) --"接管 YQ-…" / click 接管 (``county.take_over``, the county_case card)--> REASON: "请说明接管的理由"
        (continued 1:1 where the platform can; the prompt says where)
    REASON --text--> END: taken over        any --取消--> END, nothing changes
    refused at the start (nothing asked, nothing changes): not the city desk, not a county's case (or taken over
        already) — the domain's message

Taken over: the asker gets the desk's card of the case (``current_intake_card``: grade, units, the desk's buttons)
to run it; the city desk's groups are told, and so are the county's ("市局已接管 YQ-…，此后由市局舆情工作台和市局
领导办理；本局作为承办单位继续签收、报送"); the ``county_case`` card's copies that can change lose their buttons.
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.conversation import END, Conversation, Step, is_text
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.cards.county_card import TAKE_OVER
from bot.domain.case import county as county_commands
from bot.domain.case.lifecycle import check_case_allows
from bot.domain.errors import InvalidInput
from bot.domain.permissions import Action, authorise
from handlers.case_lookup import case_named, case_view_of, current_intake_card
from handlers.county_follow import settle_copies
from handlers.county_report_up import unit_told
from handlers.reason_step import REASON, ask_reason, reason_answered
from handlers.registry import Context, dialog

WORD = "接管"
USAGE = f"请这样接管县局案件：{WORD} YQ-2026-0001 理由"
COUNTY_TOLD = "市局已接管 {number}，此后由市局舆情工作台和市局领导办理；本局作为承办单位继续签收、报送。"


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action == TAKE_OVER
    return command_text(event).split()[:1] == [WORD]


def start(event: Event, ctx: Context, data: dict) -> Step:
    """Check the person may take this case over; take it at once when the reason is there, else ask for it."""
    words = command_text(event).split(maxsplit=2) if event.kind != "click" else []
    if event.kind == "click":
        number = str(event.params.get("case", ""))
    elif len(words) > 1:
        number = words[1]
    else:
        raise InvalidInput("take_over.usage", USAGE)
    case = case_named(ctx, number)
    if not case.county:
        taken = "（已由市局接管）" if case.taken_from else ""
        raise InvalidInput("county.not_county", f"{case.number} 不是县局办理的案件{taken}，无需接管。")
    check_case_allows(case.state, str(Action.TAKE_OVER))
    view = case_view_of(ctx, case.id)
    authorise(ctx.org, ctx.person.id, Action.TAKE_OVER, case.county, [a.unit_id for a in view.assignments])
    if len(words) > 2:
        return Step(END, tuple(take(event, ctx, case.number, words[2])))
    return ask_reason(ctx, case.number, f"请说明接管 {case.number}（{unit_name(ctx.org, case.county)}）的理由",
                      "接管后由市局舆情工作台和市局领导办理，县局作为承办单位继续签收、报送。", case.id)


def take(event: Event, ctx: Context, number: str, reason: str) -> list[Reply]:
    """Take the case over; the replies: the asker's card, the city desk's and the county's groups told, the
    county_case card's copies settled."""
    case = case_named(ctx, number)
    outcome = county_commands.take_over(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, reason)
    reason = str(outcome.entry.payload.get("reason") or reason.strip())
    county = ctx.org.units.get(str(outcome.entry.payload.get("county") or case.county or ""))
    county_name = county.name if county is not None else ""
    said = (f"已接管 {number}（{county_name}，理由：{reason}）。此后由市局舆情工作台和市局领导办理，"
            f"{county_name}作为承办单位继续签收、报送。")
    replies = [Reply(notice(said), case_id=case.id),
               Reply(current_intake_card(ctx, case.id, f"{ctx.person.name}已接管"), case_id=case.id)]
    replies += settle_copies(ctx, case.id, f"已由{ctx.person.name}接管")
    desk = ctx.org.desk_unit()
    if desk is not None:
        told = f"{number}（{county_name}）已由{ctx.person.name}接管（理由：{reason}），此后由市局舆情工作台和市局领导办理。"
        replies += unit_told(desk, notice(told), case.id)
    if county is not None:
        replies += unit_told(county, notice(COUNTY_TOLD.format(number=number)), case.id)
    return replies


TAKE_OVER_DIALOG = dialog(Conversation(
    name="take_over",
    expiry_notice=lambda data: f"{data['case']} 尚未接管（未填写理由），请重新发送“{WORD} {data['case']} 理由”。",
    entry_points=[(_is_start, start)],
    states={REASON: [(lambda e: is_text(e) and not _is_start(e), reason_answered(take))]},
))
