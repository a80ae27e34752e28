"""The statistics' known dataset (issue 25): six cases walked through the real domain commands with an injected
clock, so every figure of 2026年11月 can be computed by hand (tests/store/test_stats_figures.py asserts them; parts
B–D may build their files, chart and chat answer from it). Times are Shanghai; working hours 08:30–12:00,
14:00–17:30; the default policy.

    F  YQ-…  一般  食品科  opened Fri 10-30 (outside the period): 初报 11-02 on time, 专项报告 11-02 on time
    A  一般  食品科  微博   opened Mon 11-02 09:00, warned 09:10, 签收 09:40 (30 min); 初报 Wed 11-04 10:10 — 迟报 (due
                          09:10); 专项报告 11-04 11:00 on time; 口径 v1 11-04 14:00 退回 by 钱副局长 15:00, v2 Thu 11-05
                          09:00 approved by 钱副局长 10:00 and 吴副局长 11:00 (2 versions, 120 min); 督办 11-05 14:00
                          (due Mon 11-09 14:00) answered Tue 11-10 09:00 — late
    B  一般  药品科  抖音   涉密; opened Tue 11-03 10:00, warned 10:05, 签收 10:35 (30 min); 专项报告 11-04 15:00 on
                          time; 平息 11-04 16:00 with its 初报 open — 漏报 (closed as missed)
    C  县局  甲县局  本地论坛  opened by the county Wed 11-11 09:00 at 敏感, raised to 重大 10:00 (reported up at once);
                          its 公开回应 closed by the county 11:00 (not counted), its 研判会议 never held — 未办
    D  一般  药品科  微博   opened Mon 11-16 09:00, warned 09:10, 签收 11:10 (120 min); 初报 and 处置情况 never sent —
                          漏报 ×2 (overdue, open at the period's end); raised to 重大 Wed 12-02 (after the period)
    E  演练 一般 食品科     opened Tue 11-10 09:00, 签收 late — a drill: counted nowhere
"""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import SHANGHAI
from bot.domain.case import commands as cases
from bot.domain.case.progress import subside
from bot.domain.case.supervision import answer_supervision, supervise
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind, ReportKind
from bot.domain.records import Actor
from bot.domain.response import decide_script, submit_script
from bot.domain.unit import commands as units
from bot.store.case_repo import SqlCaseStore
from bot.store.org_repo import apply_organisation
from tests.unit.domain.sample_org import make_org

DESK, FOOD, DRUG = Actor("p-li", "wecom"), Actor("p-feng", "wecom"), Actor("p-wei", "dingtalk")
COUNTY = Actor("p-xie", "dingtalk")
QIAN, WU = Actor("p-qian", "wecom"), Actor("p-wu", "dingtalk")
NOW = datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI)   # when the figures are made


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Shanghai time in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def rules() -> Rules:
    return Rules(make_org(), default_policy(), WorkCalendar())


def _opened(store, r, actor, when, title, source, grade=Grade.GENERAL, **kw):
    return cases.open_case(store, r, actor, when, title=title, source=source, grade=grade, **kw).case


def _warned(store, r, case, unit, when, acker, ack_at):
    a = units.assign_unit(store, r, case.id, DESK, when, unit).assignment
    units.acknowledge(store, r, case.id, a.id, acker, ack_at)
    return a


def _case_f(store, r) -> None:
    f = _opened(store, r, DESK, at(10, 30, 9), "十月的旧案", "微博")
    a = _warned(store, r, f, "u-food", at(10, 30, 9, 10), FOOD, at(10, 30, 9, 20))
    units.report(store, r, f.id, a.id, FOOD, at(11, 2, 10), ReportKind.INITIAL, "初报：已核查。")
    units.report(store, r, f.id, a.id, FOOD, at(11, 2, 10, 30), ReportKind.SPECIAL, "处置情况：已办结。")


def _case_a(store, r) -> None:
    c = _opened(store, r, DESK, at(11, 2, 9), "某超市销售过期食品", "微博")
    a = _warned(store, r, c, "u-food", at(11, 2, 9, 10), FOOD, at(11, 2, 9, 40))
    units.report(store, r, c.id, a.id, FOOD, at(11, 4, 10, 10), ReportKind.INITIAL, "初报：迟了一小时。")
    units.report(store, r, c.id, a.id, FOOD, at(11, 4, 11), ReportKind.SPECIAL, "处置情况：已下架。")
    submit_script(store, r, c.id, "u-food", FOOD, at(11, 4, 14), "口径第一稿。")
    decide_script(store, r, c.id, "u-food", 1, QIAN, at(11, 4, 15), approve=False, reason="请补充调查结论")
    submit_script(store, r, c.id, "u-food", FOOD, at(11, 5, 9), "口径第二稿。")
    decide_script(store, r, c.id, "u-food", 2, QIAN, at(11, 5, 10), approve=True)
    decide_script(store, r, c.id, "u-food", 2, WU, at(11, 5, 11), approve=True)
    supervise(store, r, c.id, "u-food", DESK, at(11, 5, 14), "请尽快说明处置进展。")
    answer_supervision(store, r, c.id, a.id, FOOD, at(11, 10, 9), "已说明。")


def _case_b(store, r) -> None:
    c = _opened(store, r, DESK, at(11, 3, 10), "涉密：某药店违规售药", "抖音", confidential=True)
    a = _warned(store, r, c, "u-drug", at(11, 3, 10, 5), DRUG, at(11, 3, 10, 35))
    units.report(store, r, c.id, a.id, DRUG, at(11, 4, 15), ReportKind.SPECIAL, "处置情况：已查处。")
    subside(store, r, c.id, DESK, at(11, 4, 16), "热度消退")


def _case_c(store, r) -> None:
    c = _opened(store, r, COUNTY, at(11, 11, 9), "甲县某餐馆卫生问题", "本地论坛", grade=Grade.SENSITIVE)
    cases.set_grade(store, r, c.id, COUNTY, at(11, 11, 10), Grade.MAJOR, "多家媒体转载")
    duty = next(d for d in store.run(lambda repo: repo.duties(c.id)) if d.kind == DutyKind.PUBLIC_RESPONSE)
    cases.end_duty_by_hand(store, r, c.id, duty.id, COUNTY, at(11, 11, 11), done=False, reason="市局统一回应")


def _case_d(store, r) -> None:
    c = _opened(store, r, DESK, at(11, 16, 9), "某品牌奶粉质量传言", "微博")
    _warned(store, r, c, "u-drug", at(11, 16, 9, 10), DRUG, at(11, 16, 11, 10))
    cases.set_grade(store, r, c.id, DESK, at(12, 2, 10), Grade.MAJOR, "传言扩散")


def _case_e(store, r) -> None:
    c = _opened(store, r, DESK, at(11, 10, 9), "演练：某食品抽检不合格", "微博", drill=True)
    _warned(store, r, c, "u-food", at(11, 10, 9, 10), FOOD, at(11, 10, 16))


def build(database) -> None:
    """Write the org and the six cases into ``database``."""
    with database.session() as session:
        apply_organisation(session, make_org(), at(10, 1, 9))
    store, r = SqlCaseStore(database), rules()
    for case in (_case_f, _case_a, _case_b, _case_c, _case_d, _case_e):
        case(store, r)
