"""预警 (Art. 13): once a unit is assigned, its warning goes to the unit's group and 1:1 to its liaisons.

:func:`after_assign` is what others are told after a unit was assigned (intake's 分派 and the desk's 改派):
the unit's warning, and the leaders' bulletin when the grade calls for it (``handlers/leaders.py``).
The group gets the card on every platform where a notice can go into the unit's group
(``UnitGroups.notice_platforms``) —
on DingTalk an interactive card, on WeCom the robot's notice (the card's text, @-mentioning the
liaisons where the platform's capabilities say group notices mention); each liaison gets the card 1:1 with
签收 / 非本单位职责. A confidential case (Art. 28) shows only a notice in groups (the rendering rule,
``bot.core.presentation``, hides it there); its details go 1:1 to the liaisons and the unit head.
"""

from __future__ import annotations

from bot.core.card import Reply, Target
from bot.domain.cards.case_card import unit_card
from bot.domain.context import Outcome
from handlers.case_lookup import case_view_of
from handlers.leader_told import main_leader_told
from handlers.leaders import assign_replies


def after_assign(outcome: Outcome, ctx) -> list[Reply]:
    """After a unit was assigned a case (or reassigned it): its warning to the unit's group and liaisons,
    and the leaders' bulletins with the units known now when the grade calls for them."""
    return warning_replies(outcome, ctx) + assign_replies(outcome, ctx)


def warning_replies(outcome: Outcome, ctx) -> list[Reply]:
    """The warning of the unit of ``outcome.assignment`` (none when the outcome has no assignment)."""
    assignment = outcome.assignment
    if assignment is None:
        return []
    org = ctx.org
    unit = org.units.get(assignment.unit_id)
    if unit is None:
        return []
    view = case_view_of(ctx, outcome.case.id)
    a = view.assignment(assignment.id) or assignment
    case = view.case
    replies: list[Reply] = []
    told = main_leader_told(ctx, case.id, case.county)  # 特别重大: 已通知主要领导 once his bulletin is sent
    liaisons = [p for p in (org.person(pid) for pid in unit.liaisons) if p]
    for platform in unit.groups.notice_platforms():
        mentioned = ctx.can(platform).mentions_in_groups
        mentions = tuple(uid for p in liaisons if (uid := p.user_id(platform))) if mentioned else ()
        group_card = unit_card(org, view, a, ctx.now, mentions=mentions, leader_told=told)
        replies.append(Reply(group_card, to=Target("group", unit.id, platform), case_id=case.id))
    readers = list(unit.liaisons) + ([unit.head] if case.confidential and unit.head not in unit.liaisons else [])
    for person_id in readers:
        replies.append(Reply(unit_card(org, view, a, ctx.now, leader_told=told), to=Target("person", person_id),
                             case_id=case.id))
    return replies
