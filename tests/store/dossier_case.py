"""A case walked through the real domain commands into a database, for the dossier's tests (issue 24): opened
with a link, seen again, raised to 重大, assigned to 食品科 and acknowledged, 初报 reported, its 口径 submitted and
approved by both leaders. Part B's archive tests may build their dossier from it too."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.clock import SHANGHAI
from bot.domain.case import commands as cases
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.intake.commands import add_sighting
from bot.domain.kinds import ReportKind
from bot.domain.records import Actor, Intake
from bot.domain.response import decide_script, submit_script
from bot.domain.unit import commands as units
from bot.store.case_repo import SqlCaseStore
from bot.store.org_repo import apply_organisation
from tests.unit.domain.sample_org import make_org

NOW = datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=SHANGHAI)
DESK, FOOD = Actor("p-li", "wecom"), Actor("p-feng", "wecom")
QIAN, WU = Actor("p-qian", "wecom"), Actor("p-wu", "dingtalk")


def rules() -> Rules:
    return Rules(make_org(), default_policy(), WorkCalendar())


def rich_case(database, *, confidential: bool = False, title: str = "某超市销售过期食品") -> str:
    """Build the case; returns its number."""
    with database.session() as session:
        apply_organisation(session, make_org(), NOW)
    store, r = SqlCaseStore(database), rules()
    at = iter(NOW + timedelta(minutes=7 * i, microseconds=i) for i in range(1, 50))
    case = cases.open_case(store, r, DESK, NOW, title=title, source="微博", link="https://weibo.com/1/abc",
                           confidential=confidential, intake=Intake("text", summary="网民反映某超市销售过期食品")).case
    add_sighting(store, r, case.id, DESK, next(at), link="https://www.douyin.com/video/9", source="抖音")
    cases.set_grade(store, r, case.id, DESK, next(at), Grade.MAJOR, "转发量激增")
    assignment = units.assign_unit(store, r, case.id, DESK, next(at), "u-food").assignment
    units.acknowledge(store, r, case.id, assignment.id, FOOD, next(at))
    units.report(store, r, case.id, assignment.id, FOOD, next(at), ReportKind.INITIAL, "经核查，涉事超市已下架。")
    submit_script(store, r, case.id, "u-food", FOOD, next(at), "已责令下架并立案调查。")
    decide_script(store, r, case.id, "u-food", 1, QIAN, next(at), approve=True)
    decide_script(store, r, case.id, "u-food", 1, WU, next(at), approve=True)
    return case.number
