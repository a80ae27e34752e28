"""转县局办理 (Art. 21): the city desk hands a city case down to a county bureau (kind ``county`` in the org),
which runs it from then on and feeds the result back with 转办反馈 (handlers/transfer_feedback.py). The domain's
``transfer_down`` makes the county the case's desk and starts the transfer-feedback clock, owned by the county.

    (none) --"转县局 YQ-… 甲县市场监督管理局"--> END: handed down, the county told
    (none) --"转县局 YQ-…" / click 转县局办理 (case.transfer_down)--> COUNTY: a card, one button per county
    COUNTY --click a county (transfer_down.pick, owner-bound) / type its name--> END: handed down, the county told
    COUNTY / typed name --a name matching no county, or several--> COUNTY: the counties listed, asked again
    any --取消--> END, nothing changes
    not the city desk, or already a county's case --start--> refused at once

A county's name is read loosely: its full name or id, or its short form (甲县局, 甲县, 甲县市场监管局). What the
county is told (:func:`county_told`): its groups get the desk's card of the case (``current_intake_card``, from
which the county desk runs it) with the feedback deadline as its status line, and its liaisons and head a
short notice 1:1 naming 转办反馈; a county with no group gets the card 1:1 too. The city desk's groups get its
copy of the ``county_case`` card (mode ``transfer_down``, :func:`desk_copy`), which its follow keeps up to date.
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.card import Button, Card, Reply, Target
from bot.core.conversation import END, Conversation, OwnerButtons, Step, is_text
from bot.core.event import Event
from bot.core.org import Organisation, Unit
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.cards.case_card import case_facts
from bot.domain.cards.county_card import county_card, grading_entry
from bot.domain.cards.intake_card import TRANSFER_DOWN
from bot.domain.cards.progress_lines import progress_lines
from bot.domain.cards.prompt_card import settled_prompt
from bot.domain.cards.shapes import PromptCardData
from bot.domain.case import commands as case_commands
from bot.domain.case.lifecycle import check_case_allows
from bot.domain.errors import DomainError, InvalidInput, NotPermitted
from bot.domain.kinds import DutyKind
from bot.domain.permissions import Action, authorise
from bot.domain.records import Case
from bot.domain.words import grade_color, when
from handlers.case_lookup import CaseView, case_view, current_intake_card
from handlers.county_report_up import unit_told
from handlers.dialog_owner import not_owner, owned
from handlers.registry import Context, dialog, router

__all__ = ["PICK", "TRANSFER_DOWN", "WORD", "county_told", "desk_copy", "match_county",
           "transfer_down_button"]

WORD = "转县局"
PICK = "transfer_down.pick"
USAGE = f"请这样转县局办理：{WORD} YQ-2026-0001 甲县市场监督管理局（可写简称，如 甲县局）。"
SUFFIXES = ("市场监督管理局", "市场监管局", "监督管理局", "监管局", "局")


class S(StrEnum):
    """States of the dialog."""

    COUNTY = "county"


def transfer_down_button(number: str) -> Button:
    """转县局办理 for case ``number`` (the desk's card, the status card): starts this dialog."""
    return Button("转县局办理", TRANSFER_DOWN, {"case": number})


def _core(name: str) -> str:
    """A county's name without its bureau suffix: 甲县市场监督管理局, 甲县局 and 甲县 all read 甲县."""
    name = name.strip()
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return name


def match_county(org: Organisation, typed: str) -> tuple[Unit | None, list[Unit]]:
    """The county bureau ``typed`` names (its full name or id, or a short form), else (None, the candidates:
    several when ambiguous, none when unknown)."""
    typed = (typed or "").strip()
    units = org.counties()
    if not typed:
        return None, []
    exact = [u for u in units if typed in (u.id, u.name)]
    if exact:
        return exact[0], []
    core = _core(typed)
    found = [u for u in units if _core(u.name) == core] or [u for u in units if core in u.name]
    return (found[0], []) if len(found) == 1 else (None, found)


def _names(units: list[Unit]) -> str:
    return "、".join(u.name for u in units)


def _unclear(org: Organisation, typed: str, found: list[Unit]) -> str:
    """Why ``typed`` named no county, with the counties to choose from."""
    if found:
        return f"“{typed}”可能是：{_names(found)}，请写完整名称。"
    return f"没有找到“{typed}”对应的县局。可转交的县局：{_names(org.counties())}。"


def _may_transfer(ctx: Context, view: CaseView) -> None:
    """Refuse, before anything is asked, whoever may not hand this case down; raises a DomainError."""
    case = view.case
    check_case_allows(case.state, str(Action.TRANSFER_DOWN))
    if case.county:
        county = ctx.org.units.get(case.county)
        raise InvalidInput("case.already_county", f"{case.number} 已由{county.name if county else case.county}办理，"
                                                  "不能再转县局。")
    try:
        authorise(ctx.org, ctx.person.id, Action.TRANSFER_DOWN, case.county, [a.unit_id for a in view.assignments])
    except NotPermitted:
        raise NotPermitted("permission.denied", f"只有{ctx.org.desk_name()}可以将案件转县局办理，"
                                                "您的点击或指令未作处理。") from None
    if not ctx.org.counties():
        raise InvalidInput("case.no_county", "组织架构中没有县（市、区）局，无法转县局办理。")


def _prompt(ctx: Context, case: Case, why: str = "") -> Step:
    """The card asking which county, one owner-bound button each."""
    buttons = tuple(Button(u.name, "transfer_down.pick", owned({"case": case.number, "u": u.id}, ctx))
                    for u in ctx.org.counties())
    where = ctx.extra.get("answer_where") or "直接回复即可"
    card = PromptCardData(title=f"转县局办理 {case.number}", color=grade_color(case.grade), facts=case_facts(case),
                          body=f"{case.title}\n请选择承办的县（市、区）局。转交后由县局办理并反馈办理结果，舆情工作台可随时查看。",
                          status=why, hint=f"回复县局名称（可写简称，如 甲县局；{where}）；发送“取消”放弃。").card(buttons)
    return Step(S.COUNTY, (Reply(card, case_id=case.id),), {"case": case.number, "case_id": case.id})


def _is_start(event: Event) -> bool:
    if event.kind == "click":
        return event.action == TRANSFER_DOWN
    return command_text(event).split(maxsplit=1)[:1] == [WORD]


def start(event: Event, ctx: Context, data: dict) -> Step:
    """转县局 YQ-… [县局] or the card's button: refuse who may not; hand down at once when the county is named
    clearly, else ask which."""
    parts = command_text(event).split(maxsplit=2)
    number = str(event.params.get("case", "")) if event.kind == "click" else (parts[1] if len(parts) > 1 else "")
    if not number:
        raise InvalidInput("case.number_missing", USAGE)
    view = case_view(ctx, number)
    _may_transfer(ctx, view)
    if event.kind == "click" or len(parts) < 3:
        return _prompt(ctx, view.case)
    unit, found = match_county(ctx.org, parts[2])
    if unit is None:
        return _prompt(ctx, view.case, _unclear(ctx.org, parts[2], found))
    return _hand_down(event, ctx, view, unit)


def picked(event: Event, ctx: Context, data: dict) -> Step:
    """A county's button or its name typed: hand the case down (a name that is no county: asked again)."""
    if refused := not_owner(event, ctx):
        return Step(S.COUNTY, (Reply(notice(refused)),), data)
    if event.kind == "click":
        unit = ctx.org.units.get(str(event.params.get("u", "")))
        found = []
    else:
        unit, found = match_county(ctx.org, command_text(event))
    if unit is None or unit.kind != "county" or not unit.active:
        text = _unclear(ctx.org, command_text(event), found) if event.kind != "click" else "该县局已不可选，请重新选择。"
        return Step(S.COUNTY, (Reply(notice(text)),), data)
    view = case_view(ctx, data["case"])
    return _hand_down(event, ctx, view, unit)


def _hand_down(event: Event, ctx: Context, view: CaseView, unit: Unit) -> Step:
    """Hand the case down to ``unit`` (the domain), settle a clicked card, confirm, and tell the county."""
    case = view.case
    try:
        outcome = case_commands.transfer_down(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, unit.id)
    except DomainError as exc:
        return Step(END, (Reply(notice(exc.message)),))
    settled = ()
    if event.kind == "click" and event.card_id and event.action == PICK:
        settled = (Reply(settled_prompt(f"转县局办理 {case.number}", f"已转{unit.name}"), update=True, case_id=case.id),)
    duty = _feedback_duty(outcome.started, unit.id)
    due = f"，转办反馈期限：{when(duty.due_at, ctx.now)}" if duty else ""
    said = (f"已将 {case.number} 转{unit.name}办理{due}。县局办结后发送“转办反馈 {case.number}”登记，"
            f"反馈将告知{ctx.org.desk_name()}。")
    return Step(END, (*settled, Reply(notice(said), case_id=case.id), *desk_copy(ctx, outcome.case),
                      *county_told(ctx, outcome.case, unit, duty)))


def desk_copy(ctx: Context, case: Case) -> list[Reply]:
    """The city desk's copy of the ``county_case`` card (mode ``transfer_down``) in its groups: the card its
    follow of the case (the domain's, how="transfer_down") brings up to date with the county's progress."""
    desk = ctx.org.desk_unit()
    if desk is None:
        return []
    timeline = ctx.store.run(lambda repo: repo.timeline(case.id))
    card = county_card(ctx.org, case, grading_entry(timeline), ctx.now, mode="transfer_down",
                       progress=progress_lines(timeline, ctx.org, ctx.now), unit=desk.id)
    return unit_told(desk, card, case.id)


def _feedback_duty(duties, county: str):
    """The transfer's feedback clock among the duties a hand-down started (the county's; None: no clock)."""
    mine = [d for d in duties if d.kind == DutyKind.TRANSFER_FEEDBACK]
    return next((d for d in mine if d.owner_unit == county), mine[0] if mine else None)


def county_told(ctx: Context, case: Case, unit: Unit, duty=None) -> list[Reply]:
    """What the county hears of a case handed down to it: the desk's card of the case in its groups (the
    feedback deadline as its status line), a notice 1:1 to its liaisons and head naming 转办反馈 — and the card
    1:1 too when it has no group."""
    due = f"请于{when(duty.due_at, ctx.now)}前反馈办理结果" if duty else "请及时反馈办理结果"
    status = f"市局转县局办理，{due}（转办反馈 {case.number}）"
    card: Card = current_intake_card(ctx, case.id, status)
    platforms = unit.groups.notice_platforms()
    replies = [Reply(card, to=Target("group", unit.id, p), case_id=case.id) for p in platforms]
    people = [pid for pid in dict.fromkeys((*unit.liaisons, unit.head)) if pid and pid != ctx.person_id]
    text = (f"{ctx.org.desk_name()}已将 {case.number}（{case.title}）转{unit.name}办理，由贵局定级、分派和处置，"
            f"{due}。办结后发送“转办反馈 {case.number}”登记反馈情况。")
    for pid in people:
        if not platforms:
            replies.append(Reply(card, to=Target("person", pid), case_id=case.id))
        replies.append(Reply(notice(text), to=Target("person", pid), case_id=case.id))
    return replies


def _is_name(event: Event) -> bool:
    """Typed text that may be a county's name (not a command: 我的待办 and the like pass through)."""
    words = command_text(event).split(maxsplit=1)
    return is_text(event) and bool(words) and words[0].lower() not in router.commands and not _is_start(event)


TRANSFER_DOWN_DIALOG = dialog(Conversation(
    name="transfer_down",
    expiry_notice=lambda data: f"{data['case']} 尚未转县局（未选择县局），请重新发送“{WORD} {data['case']} 县局名称”。",
    owner_buttons=OwnerButtons((PICK,), WORD),
    entry_points=[(_is_start, start)],
    states={S.COUNTY: [(lambda e: e.kind == "click" and e.action == PICK, picked), (_is_name, picked)]},
))
