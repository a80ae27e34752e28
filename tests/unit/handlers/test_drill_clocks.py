"""A drill keeps its time scale through the handlers: the desk's 定级 dialog, 改派, and the unit's 报告
all run with the worker's rules in force (full length), and still start the drill's scaled clocks; a case
that is no drill keeps its full-length ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.clock import SHANGHAI
from bot.domain.case.commands import open_case
from bot.domain.records import Actor
from tests.unit.handlers.unit_side import World, texts


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def dues(world, case_id: int) -> dict[str, list[str]]:
    """The open duties' due times (Shanghai) by kind."""
    out: dict[str, list[str]] = {}
    for d in world.store.run(lambda repo: repo.duties(case_id)):
        if d.open:
            out.setdefault(str(d.kind), []).append(d.due_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M:%S"))
    return out


def scales(world, case_id: int) -> set[float]:
    return {d.policy["scale"] for d in world.store.run(lambda repo: repo.duties(case_id))}


def test_regrade_assign_reassign_and_report_on_a_drill_start_its_scaled_clocks(world):
    drill_rules = replace(world.rules, policy=world.rules.policy.with_scale(60))  # the switch at ×60 when it opened
    case = open_case(world.store, drill_rules, Actor("p-li", "dingtalk"), world.now, title="演练：某超市销售过期食品",
                     source="微博", drill=True).case
    plain = world.open().case                                        # not a drill: full length throughout
    assert world.rules.policy.scale == 1                             # what every handler below passes

    replies = world.act("p-li", text=f"定级 {case.number} 重大 演练：多家媒体转载")
    assert texts(replies)[0] == f"{case.number} 已由一般舆情调整为重大舆情。"
    assert dues(world, case.id) == {"assessment_meeting": ["11-30 10:24:00"], "public_response": ["11-30 10:48:00"]}
    world.act("p-li", text=f"定级 {plain.number} 重大 多家媒体转载")
    assert dues(world, plain.id) == {"assessment_meeting": ["12-01 10:00:00"], "public_response": ["12-02 10:00:00"]}

    world.assign(case.id, "u-foodsale")                              # with the worker's rules, as 分派 does
    now = dues(world, case.id)
    assert now["acknowledge"] == ["11-30 10:00:30"] and now["initial_report"] == ["11-30 10:02:00"]

    world.now += timedelta(seconds=10)
    world.act("p-wei", text=f"退回 {case.number}")
    world.act("p-wei", text="属于生产环节")
    replies = world.act("p-li", text=f"改派 {case.number} 食品生产")
    assert texts(replies)[0] == f"{case.number} 已由李干事改派给食品生产安全监督管理科。"
    now = dues(world, case.id)
    assert now["acknowledge"] == ["11-30 10:00:40"] and now["initial_report"] == ["11-30 10:02:10"]

    world.act("p-feng", text=f"签收 {case.number}")
    world.act("p-feng", text=f"报告 {case.number} 初报")
    world.act("p-feng", text="演练：已派员现场核查")
    replies = world.act("p-feng", text="确认")
    assert texts(replies)[0] == f"已提交 {case.number} 初报（第1版），提交时间 今天 10:00（按时，截止 今天 10:02）。"
    assert dues(world, case.id)["follow_up"] == ["11-30 10:24:10"]           # 24 h ÷ 60 from the report
    assert scales(world, case.id) == {60} and scales(world, plain.id) == {1}
