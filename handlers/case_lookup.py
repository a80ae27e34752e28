"""How a handler finds the case an event names and reads it — only through the repository its context
hands in (``ctx.store.run``), never a session: a case with its parts (:class:`CaseView`) by number or id, the
case id a button carries, the desk's intake card of a case as it stands now, and how much of a case the person
asking may see (issue 21: :func:`case_sight`; a refused view of a confidential case goes on its timeline,
:func:`refuse_view`). Not an intent: no handler.
"""

from __future__ import annotations

from functools import partial

from bot.core.card import Card
from bot.core.event import Event
from bot.domain.cards.case_card import LIVE, CaseView, case_view_by_id, case_view_by_number
from bot.domain.cards.intake_card import intake_card
from bot.domain.case.secrecy import record_refused
from bot.domain.errors import InvalidInput, NotPermitted
from bot.domain.intake.reading import suggested_units
from bot.domain.records import Case
from bot.domain.repository import CaseRepository
from bot.domain.secrecy import REFUSED_VIEW, Sight, sight
from handlers.registry import Context
from handlers.response_view import response_section

__all__ = ["CaseView", "case_id_param", "case_named", "case_sight", "case_view", "case_view_of", "current_intake_card",
           "live_units", "refuse_view"]


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


def live_units(view: CaseView) -> list[str]:
    """The units the case is live with (warned, acknowledged, reported), in assignment order."""
    return [a.unit_id for a in view.assignments if a.state in LIVE]


def case_sight(ctx: Context, view: CaseView) -> Sight:
    """How much of the case the person acting may see (``bot.domain.secrecy.sight``, over the live units)."""
    return sight(ctx.org, ctx.person_id, confidential=view.case.confidential, county=view.case.county,
                 units=live_units(view))


def refuse_view(ctx: Context, event: Event, view: CaseView) -> None:
    """Refuse the person a confidential case they may not see: the refusal goes on the case's timeline first
    (its own transaction step, kept); raises NotPermitted with :data:`bot.domain.secrecy.REFUSED_VIEW`."""
    record_refused(ctx.store, ctx.rules, view.case.id, ctx.actor(event), ctx.now, "view")
    raise NotPermitted("case.view_refused", REFUSED_VIEW.format(number=view.case.number))


def current_intake_card(ctx: Context, case_id: int, status: str = "") -> Card:
    """The desk's intake card of a case as it stands now (kind ``intake_card``): its grade, the units it is
    assigned to, likely units as buttons, the 回应 section once there is one; raises NotFound."""
    def read(repo: CaseRepository) -> Card:
        view = case_view_by_id(repo, case_id)
        intake = repo.intake(case_id)
        assigned = [ctx.org.units[u] for u in live_units(view) if u in ctx.org.units]
        summary = (intake.summary or intake.preview_summary or "") if intake else ""
        transfer = (f"{intake.transfer_source} {view.case.transfer_ref}"
                    if intake is not None and intake.transfer_source and view.case.transfer_ref else None)
        response = response_section(ctx.org, repo.timeline(case_id))
        suggested = suggested_units(ctx.org, view.case.county, f"{view.case.title} {summary}")
        return intake_card(view.case, ctx.now, assigned, suggested, status, transfer, response,
                           hand_down=not (view.case.county or view.case.taken_from) and bool(ctx.org.counties()))
    return ctx.store.run(read)
