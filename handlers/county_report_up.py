"""Report up (issue 22, Art. 9/22): a county's case that reaches 重大 or 特别重大 — opened at it, or raised to it, and
each further raise — is told to the city desk at once: the ``county_case`` card (mode ``report_up``, with 接管 and
取消关注) in the city desk's group on every platform it has; and, when the county named one in the grading dialog's
report-up step (``tell_unit``), the same card without buttons in that city unit's group. Lowering reports nothing
(the domain's payload says ``report_up``: ``bot.domain.case.commands``). The city desk follows the case from then
on (the domain's Follow how="report_up"); a confidential case's groups read the secret notice (the presenter).

Not an intent: :func:`report_up_replies` is called after a grade was set (``handlers/leaders.after_grade``, for
``case.open`` and ``case.grade`` outcomes); :func:`opening_report_up` for a case opened outside a chat (the intake
API, ``worker/intake_jobs.py``), by its ``case.open`` entry. :func:`unit_told` sends a card to a unit's groups (its
head and liaisons 1:1 when it has none), for the other county handlers too.
"""

from __future__ import annotations

from bot.core.card import Card, Reply, Target
from bot.core.org import Unit
from bot.domain.cards.county_card import county_card
from bot.domain.cards.progress_lines import progress_lines
from bot.domain.context import Outcome
from handlers.registry import Context

__all__ = ["opening_report_up", "report_up_replies", "unit_told"]


def unit_told(unit: Unit, card: Card, case_id: int | None) -> list[Reply]:
    """``card`` to ``unit``'s group on every platform where a notice can go into it; to its head and liaisons 1:1
    when it has no such group."""
    platforms = unit.groups.notice_platforms()
    if platforms:
        return [Reply(card, to=Target("group", unit.id, platform), case_id=case_id) for platform in platforms]
    people = dict.fromkeys(p for p in (unit.head, *unit.liaisons) if p)
    return [Reply(card, to=Target("person", pid), case_id=case_id) for pid in people]


def report_up_replies(outcome: Outcome, ctx: Context) -> list[Reply]:
    """After ``case.open`` / ``case.grade``: when its payload says ``report_up``, the ``county_case`` card to the city
    desk's groups and, when the payload names ``tell_unit``, to that unit's groups; else nothing."""
    payload = outcome.entry.payload or {}
    desk = ctx.org.desk_unit()
    if not payload.get("report_up") or desk is None:
        return []
    found, timeline = ctx.store.run(lambda repo: (repo.get_case(outcome.case.id), repo.timeline(outcome.case.id)))
    case = found or outcome.case
    progress = progress_lines(timeline, ctx.org, ctx.now)
    graded = outcome.entry
    replies = unit_told(desk, county_card(ctx.org, case, graded, ctx.now, mode="report_up", progress=progress,
                                          unit=desk.id), case.id)
    told = ctx.org.units.get(str(payload.get("tell_unit") or ""))
    if told is not None and told.active and told.id != desk.id:
        card = county_card(ctx.org, case, graded, ctx.now, mode="report_up", progress=progress, unit=told.id,
                           buttons=False)
        replies += unit_told(told, card, case.id)
    return replies


def opening_report_up(ctx: Context, case_id: int) -> list[Reply]:
    """The report up of a case a county opened at 重大 or above (its ``case.open`` entry says ``report_up``), for a
    case opened outside a chat handler (the intake API); nothing for any other case."""
    def read(repo):
        return repo.get_case(case_id), next((e for e in repo.timeline(case_id) if e.action == "case.open"), None)
    case, opened = ctx.store.run(read)
    if case is None or opened is None:
        return []
    return report_up_replies(Outcome(case, opened), ctx)
