"""Shared set-up of the response tests (issue 20): a case assigned to 食品科 and acknowledged, the actors by role.

The sample org (sample_org.py): 钱副局长 (p-qian) is the publicity leader and the desk's leader in charge; 吴副局长
(p-wu) leads 食品科 (u-food) and the county; 郑副局长 (p-zheng) leads 药品科 (u-drug); 赵局长 (p-zhao) is the main leader.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.org import Organisation
from bot.domain.case import commands as cases
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.unit import commands as units

DESK, FOOD, DRUG = Actor("p-li", "wecom"), Actor("p-feng", "wecom"), Actor("p-wei", "dingtalk")
QIAN, WU, ZHENG, ZHAO = Actor("p-qian", "wecom"), Actor("p-wu", "dingtalk"), Actor("p-zheng"), Actor("p-zhao")


def live_case(store, rules, now, grade: Grade = Grade.MAJOR, unit_ids=("u-food",)):
    """A case of ``grade`` opened by the desk, each unit assigned and acknowledged by its liaison."""
    case = cases.open_case(store, rules, DESK, now, title="某超市销售过期食品", grade=grade).case
    liaisons = {"u-food": FOOD, "u-drug": DRUG}
    for unit in unit_ids:
        a = units.assign_unit(store, rules, case.id, DESK, now, unit).assignment
        units.acknowledge(store, rules, case.id, a.id, liaisons[unit], now)
    return case


def with_people(org: Organisation, roles: dict[str, tuple[str, ...]] | None = None,
                leaders: dict[str, str] | None = None) -> Organisation:
    """The org with some people's roles and some units' leaders in charge replaced."""
    people = {pid: replace(p, roles=(roles or {}).get(pid, p.roles)) for pid, p in org.people.items()}
    unit_map = {uid: replace(u, leader_in_charge=(leaders or {}).get(uid, u.leader_in_charge))
                for uid, u in org.units.items()}
    return Organisation(org.bureau_name, org.bureau_short, people, unit_map)
