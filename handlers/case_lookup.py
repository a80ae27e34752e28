"""How a handler finds the case an event names and reads it — only through the repository its context
hands in (``ctx.store.run``), never a session: a case with its parts (:class:`CaseView`) by number or id, the
case id a button carries, and the desk's intake card of a case as it stands now. Not an intent: no handler.
"""

from __future__ import annotations

from functools import partial

from bot.core.card import Card
from bot.core.event import Event
from bot.domain.cards.case_card import LIVE, CaseView, case_view_by_id, case_view_by_number
from bot.domain.cards.intake_card import intake_card
from bot.domain.errors import InvalidInput
from bot.domain.intake.reading import likely_units
from bot.domain.records import Case
from bot.domain.repository import CaseRepository
from handlers.registry import Context
from handlers.response_view import response_section

__all__ = ["CaseView", "case_id_param", "case_named", "case_view", "case_view_of", "current_intake_card"]


def case_view(ctx: Context, number: str) -> CaseView:
    """The case ``number`` with its parts; raises NotFound."""
    return ctx.store.run(partial(case_view_by_number, number=number))


def case_view_of(ctx: Context, case_id: int) -> CaseView:
    """The case with this id and its parts; raises NotFound."""
    return ctx.store.run(partial(case_view_by_id, case_id=case_id))


def case_named(ctx: Context, number: str) -> Case:
    """The case with this number, as the desk typed it; raises InvalidInput when there is none."""
    case = ctx.store.run(lambda repo: repo.case_by_number(number.strip().upper()))
    if case is None:
        raise InvalidInput("case.unknown_number", f"没有找到案件 {number}，请核对编号（如 YQ-2026-0001）。")
    return case


def case_id_param(event: Event) -> int:
    """The case id a button carries; raises InvalidInput for a button without one."""
    try:
        return int(event.params.get("case"))
    except (TypeError, ValueError):
        raise InvalidInput("case.param", "这个按钮已失效，请发送“案件 编号”查看案件。") from None


def current_intake_card(ctx: Context, case_id: int, status: str = "") -> Card:
    """The desk's intake card of a case as it stands now (kind ``intake_card``): its grade, the units it is
    assigned to, likely units as buttons, the 回应 section once there is one; raises NotFound."""
    def read(repo: CaseRepository) -> Card:
        view = case_view_by_id(repo, case_id)
        intake = repo.intake(case_id)
        live = [a.unit_id for a in view.assignments if a.state in LIVE]
        assigned = [ctx.org.units[u] for u in live if u in ctx.org.units]
        summary = (intake.summary or intake.preview_summary or "") if intake else ""
        suggested = likely_units(ctx.org, f"{view.case.title} {summary}", limit=4)
        transfer = (f"{intake.transfer_source} {view.case.transfer_ref}"
                    if intake is not None and intake.transfer_source and view.case.transfer_ref else None)
        response = response_section(ctx.org, repo.timeline(case_id))
        return intake_card(view.case, ctx.now, assigned, suggested, status, transfer, response)
    return ctx.store.run(read)
