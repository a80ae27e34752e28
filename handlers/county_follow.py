"""关注 / 取消关注 / 县局舆情 (issue 22): the city desk follows a county's case, stops following it, and lists the
county cases it follows or took over.

    "关注 YQ-…" (the city desk, a county's case) --> followed (domain ``county.follow``): the ``county_case`` card
        (mode follow, 接管 and 取消关注) to the city desk's groups — the copy the worker keeps up to date with the
        case's progress — and a short confirmation to the asker
    "取消关注 YQ-…" / click 取消关注 (``county.unfollow``, the card) --> the follow ends; the card's copies that can
        change lose their buttons and say so (the clicked one in place); a short confirmation
    "县局舆情" (the city desk) --> a list: each case's number, county, grade, state and 已接管 / 关注中; none: says so
        (the repository's ``county_cases``: followed now, or taken over, not archived, newest first)
    refused (nothing changes): not the city desk, not a county's case, already followed / not followed — the
    domain's message, as every refusal

Not in 我的待办: that stays what the city desk answers for.
"""

from __future__ import annotations

from bot.core.card import Card, Reply, Target
from bot.core.event import Event
from bot.core.presentation import secret_item
from bot.domain.cards import notice
from bot.domain.cards.case_card import unit_name
from bot.domain.cards.county_card import UNFOLLOW, county_card, grading_entry
from bot.domain.cards.progress_lines import progress_lines
from bot.domain.case import county as county_commands
from bot.domain.case.lifecycle import CASE_LABELS
from bot.domain.errors import NotPermitted
from bot.domain.permissions import Role, opener_roles
from bot.domain.records import Case
from handlers.acknowledge import case_number_in
from handlers.card_copies import first_of_its_instance, updatable
from handlers.case_lookup import case_named
from handlers.county_report_up import unit_told
from handlers.registry import Context, router

__all__ = ["LIST_WORD", "follow_card", "settle_copies"]

FOLLOW, UNFOLLOW_WORD, LIST_WORD = "关注", "取消关注", "县局舆情"
TITLE_CHARS = 20


def follow_card(ctx: Context, case_id: int, mode: str = "follow") -> Card:
    """The ``county_case`` card of the case as it stands now, for the city desk: graded by its last grading,
    with its latest progress."""
    def read(repo):
        return repo.get_case(case_id), repo.timeline(case_id)
    case, timeline = ctx.store.run(read)
    desk = ctx.org.desk_unit()
    return county_card(ctx.org, case, grading_entry(timeline), ctx.now, mode=mode,
                       progress=progress_lines(timeline, ctx.org, ctx.now), unit=desk.id if desk else None)


@router.command(FOLLOW)
def follow_typed(event: Event, ctx: Context) -> list[Reply]:
    """``关注 YQ-…``: the city desk follows the county's case; the card goes to its groups."""
    case = case_named(ctx, case_number_in(event, FOLLOW))
    county_commands.follow(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now)
    desk = ctx.org.desk_unit()
    county = unit_name(ctx.org, case.county or "")
    where = f"{desk.name}群" if desk is not None and desk.groups.notice_platforms() else "舆情工作台"
    said = (f"已关注 {case.number}（{county}）。此后该案件的进展会同步到{where}；"
            f"发送“{UNFOLLOW_WORD} {case.number}”停止关注。")
    replies = [Reply(notice(said), case_id=case.id)]
    if desk is not None:
        replies += unit_told(desk, follow_card(ctx, case.id), case.id)
    return replies


@router.command(UNFOLLOW_WORD)
def unfollow_typed(event: Event, ctx: Context) -> list[Reply]:
    """``取消关注 YQ-…``."""
    return _unfollow(event, ctx, case_named(ctx, case_number_in(event, UNFOLLOW_WORD)))


@router.action(UNFOLLOW)
def unfollow_clicked(event: Event, ctx: Context) -> list[Reply]:
    """取消关注 on the ``county_case`` card."""
    return _unfollow(event, ctx, case_named(ctx, str(event.params.get("case", ""))))


def _unfollow(event: Event, ctx: Context, case: Case) -> list[Reply]:
    county_commands.unfollow(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now)
    said = f"已取消关注 {case.number}，其后续进展不再同步。需要时可再发送“{FOLLOW} {case.number}”。"
    status = f"{ctx.person.name}已取消关注"
    return [*settle_copies(ctx, case.id, status, event.card_id), Reply(notice(said), case_id=case.id)]


def settle_copies(ctx: Context, case_id: int, status: str, clicked_card: str = "") -> list[Reply]:
    """Every copy of the case's ``county_case`` card that can change, without its buttons and with ``status``
    (in place; a copy that cannot change is left as it is)."""
    replies: list[Reply] = []
    seen: set[tuple[str, str]] = set()
    for row in ctx.card_copies.of_case(case_id, kind="county_case"):
        can = ctx.can(row.platform)
        if not updatable(row, can) or not first_of_its_instance(row, can, seen):
            continue
        sent = Card.from_dict(row.card)
        data = {k: v for k, v in sent.data.items() if k != "hint"}  # nothing left to type instead of a button
        settled = Card(sent.kind, {**data, "status": status}, ())
        replies.append(Reply(settled, to=Target("card", str(row.id), row.platform), update=True, case_id=case_id))
    return replies


@router.command(LIST_WORD)
def county_cases(event: Event, ctx: Context) -> list[Reply]:
    """``县局舆情``: the county cases the city desk follows, and those it took over."""
    desk_id = opener_roles(ctx.org, ctx.person_id or "").get(Role.DESK)
    if desk_id is None:
        raise NotPermitted("county.list_not_desk", f"只有市局舆情工作台可以查看{LIST_WORD}。")
    rows = ctx.store.run(lambda repo: repo.county_cases(desk_id))
    if not rows:
        return [Reply(notice(f"目前没有关注中或已接管的县局舆情。县局定级为重大及以上时会自动上报并关注；"
                             f"也可发送“{FOLLOW} YQ-…”关注县局办理的案件。"))]
    lines = [f"{LIST_WORD}（{len(rows)}件）："]
    lines += [f"· {_line(ctx, case, followed is not None)}" for case, followed in rows]
    lines.append(f"发送“案件 编号”查看详情，“接管 编号 理由”接管，“{UNFOLLOW_WORD} 编号”停止关注。")
    return [Reply(notice("\n".join(lines)))]


def _line(ctx: Context, case: Case, following: bool) -> str:
    county = unit_name(ctx.org, case.county or case.taken_from or "")
    where = "关注中" if following and case.county else "已接管"
    title = secret_item(case.grade.label.removesuffix("舆情")) if case.confidential else _short(case.title)
    return f"{case.number} {county} {case.grade.label} {CASE_LABELS[case.state]} {where} {title}"


def _short(text: str) -> str:
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1] + "…"
