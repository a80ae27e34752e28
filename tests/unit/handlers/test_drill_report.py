"""演练报告 YQ-… (issue 23) as the desk meets it, on a real case store (``unit_side.World``): the desk reads the
drill's report (each duty against its scaled deadline); a unit, a leader or someone outside a confidential drill
is refused; a real case is not a drill."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.case.commands import open_case
from bot.domain.context import load_case, record
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.secrecy import REFUSED_VIEW
from tests.unit.handlers.unit_side import World, texts

NOT_DESK = "演练报告由舆情工作台查看，如需了解请联系综合应急和新闻宣传科。"


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def drill(world, confidential=False):
    """A 重大 drill at ×60 warned to 食品经营 (u-foodsale), its scenario recorded; 签收 on time, 初报 late."""
    case = open_case(world.store, world.rules, Actor("p-li", "dingtalk"), world.now, title="演练：某超市销售过期食品",
                     grade=Grade.MAJOR, drill=True, drill_scale=60, confidential=confidential).case
    payload = {"people": ["p-zhao", "p-qian", "p-wu"], "steps": [], "scale": 60, "source": "major.yaml",
               "units": ["u-foodsale"], "started_by": "p-sun"}
    world.store.run(lambda repo: record(repo, world.rules, load_case(repo, case.id), Actor("p-sun", "dingtalk"),
                                        "desk_head", "drill.scenario", world.now, payload))
    world.assign(case.id, "u-foodsale")
    world.now += timedelta(seconds=10)
    world.act("p-wei", text=f"签收 {case.number}")
    world.now += timedelta(minutes=3)
    world.act("p-wei", text=f"报告 {case.number} 初报")
    world.act("p-wei", text="演练：已派员现场核查")
    world.act("p-wei", text="确认")
    world.now += timedelta(minutes=1)
    return case


def test_the_desk_reads_the_drills_report(world):
    case = drill(world)
    for person in ("p-li", "p-sun"):
        replies = world.act(person, text=f"演练报告 {case.number.lower()}")
        assert len(replies) == 1 and replies[0].case_id == case.id  # the notice carries the case: marked 【演练】
        text = texts(replies)[0]
        assert text.startswith(f"演练报告 {case.number}\n")
        assert "签收预警（食品经营安全监督管理科）：开始 今天 10:00:00，截止 今天 10:00:30，卫干事于 今天 10:00:10 办结 —— 按时" in text
        assert "初报（食品经营安全监督管理科）：开始 今天 10:00:00，截止 今天 10:02:00，卫干事于 今天 10:03:10 办结 —— 迟办" in text
        assert "接收通报和审批的领导：赵局长、钱副局长、吴副局长" in text


@pytest.mark.parametrize("person", ["p-wei", "p-chu", "p-zhao", "p-wu"])
def test_units_and_leaders_are_refused_politely(world, person):
    case = drill(world)
    assert texts(world.act(person, text=f"演练报告 {case.number}")) == [NOT_DESK]


def test_a_real_case_is_not_a_drill_and_a_number_is_needed(world):
    real = world.open(Grade.MAJOR).case
    assert texts(world.act("p-li", text=f"演练报告 {real.number}")) == [f"{real.number} 不是演练案件。"]
    assert texts(world.act("p-li", text="演练报告")) == ["请这样查询演练报告：演练报告 YQ-2026-0001"]
    assert texts(world.act("p-li", text="演练报告 YQ-2026-9999"))[0].startswith("没有找到案件 YQ-2026-9999")


def test_a_confidential_drill_refuses_whoever_is_outside_and_records_it(world):
    case = drill(world, confidential=True)
    assert texts(world.act("p-jiang", text=f"演练报告 {case.number}")) == [REFUSED_VIEW.format(number=case.number)]
    actions = [e.action for e in world.store.run(lambda repo: repo.timeline(case.id))]
    assert actions[-1] == "case.view_refused"
    assert texts(world.act("p-li", text=f"演练报告 {case.number}"))[0].startswith(f"演练报告 {case.number}\n")
