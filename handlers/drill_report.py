"""演练报告 YQ-… (issue 23): the report of a drill for the desk — each duty's times against its scaled deadline,
on time, late or missed, the scripted steps performed, who acted (``bot.domain.drill.report``) — as a notice.

    演练报告 YQ-… --the city desk, or the case's county desk--> the report (the notice carries the case: 【演练】)
                  --anyone else--> refused politely, nothing read
                  --a confidential drill, someone outside its table--> refused, the refusal on its timeline
                  --not a drill--> "YQ-… 不是演练案件。"
    演练报告 (no number) --> how to ask
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.drill.report import drill_report
from bot.domain.errors import NotFound, NotPermitted
from bot.domain.permissions import Role, case_roles
from bot.domain.secrecy import Sight
from handlers.case_lookup import case_sight, case_view, refuse_view
from handlers.registry import Context, router

WORD = "演练报告"
USAGE = f"请这样查询演练报告：{WORD} YQ-2026-0001"
DESK_ROLES = frozenset({Role.DESK, Role.COUNTY_DESK, Role.CITY_DESK})


@router.command(WORD)
def show_drill_report(event: Event, ctx: Context) -> list[Reply]:
    """The report of the drill named by number, for its desk; others are refused."""
    words = command_text(event).split()
    if len(words) < 2:
        return [Reply(notice(USAGE))]
    number = words[1].strip().upper()
    try:
        view = case_view(ctx, number)
    except NotFound:
        return [Reply(notice(f"没有找到案件 {words[1]}，请核对编号（如 YQ-2026-0001）。"))]
    case = view.case
    if case.confidential and case_sight(ctx, view) == Sight.NONE:
        refuse_view(ctx, event, view)
    roles = case_roles(ctx.org, ctx.person.id, case.county, [a.unit_id for a in view.assignments])
    if not roles & DESK_ROLES:
        raise NotPermitted("drill.report_desk", f"演练报告由舆情工作台查看，如需了解请联系{ctx.org.desk_name()}。")
    timeline, duties = ctx.store.run(lambda repo: (repo.timeline(case.id), repo.duties(case.id)))
    report = drill_report(timeline, duties, case, ctx.org, ctx.now)
    return [Reply(notice(report.as_text()), case_id=case.id)]
