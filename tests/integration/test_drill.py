"""Issue 23's done-when through the real CLI, worker and emulators: ``yuqing drill start --scale 60 --scenario
examples/drills/major.yaml`` opens one drill case whose cards all say 【演练】; nobody signs in time, so its 签收
deadline (30 min ÷ 60 = 30 s) passes and the 逾期提醒 reaches the unit's head within a minute; a real case forwarded
meanwhile is no drill; the digest leaves the drill out; ``yuqing drill report`` lists each step against its scaled
deadline — the 签收 done late, the 初报 on time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.clock import utcnow
from bot.store.cases import CaseRow
from bot.store.org_repo import read_organisation
from tests.integration.stack import Stack
from tests.integration.unit_flow import People
from worker.digests import contents

ROOT = Path(__file__).resolve().parents[2]
LIAISON, HEAD = "0602", "0601"  # 卫干事 and 褚科长 of 食品经营安全监督管理科 (DingTalk)
GROUP = "cidFoodSale01=="


def yuqing(stack, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=stack.env, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture(scope="module")
def stack(redis_service, tmp_path_factory):
    redis_service.reset()
    running = Stack(redis_service.url, tmp_path_factory.mktemp("drill"))
    yield running
    running.stop()


def cases(stack) -> list[CaseRow]:
    with stack.database.session() as session:
        return list(session.scalars(select(CaseRow).order_by(CaseRow.id)))


def test_a_drill_from_the_cli_runs_the_real_flow_in_compressed_time_and_reports_it(stack):
    p = People(stack, timeout=90)
    started = yuqing(stack, "drill", "start", "--scale", "60", "--scenario", "examples/drills/major.yaml")
    assert started.returncode == 0, started.stderr
    [drill] = cases(stack)
    assert drill.drill and drill.drill_scale == 60 and drill.number in started.stdout
    # the unit is warned: every card and message of the drill says 演练, in the group and 1:1
    p.wait(lambda: [m for m in p.dt.messages_for_group(GROUP) if m.channel == "card"], what="the unit's drill card")
    # a real story forwarded meanwhile opens a real case
    p.exchange("0524", ("某商场扶梯夹伤儿童 https://weibo.com/9/real", "已立案"))
    real = cases(stack)[-1]
    assert real.id != drill.id and not real.drill
    # nobody signs: 30 s later the 签收 is overdue and the unit's head gets the 逾期提醒, marked
    p.wait(lambda: [t for t in p.got(HEAD) if "逾期提醒" in t and drill.number in t], what="the 逾期提醒 to 褚科长")
    p.exchange(LIAISON, (f"签收 {drill.number}", "签收"))
    p.exchange(LIAISON, (f"报告 {drill.number} 初报", "请发送初报内容"),
               ("初报：涉事批次已下架封存，3名消费者已就医。", "确认提交初报"), ("确认", f"已提交 {drill.number} 初报"))
    for user in (LIAISON, HEAD):
        told = [t for t in p.got(user) if drill.number in t]
        assert told and all("演练" in t for t in told), [t for t in told if "演练" not in t]
    group = [str(p.dt.card_view(m.out_track_id, LIAISON)) if m.channel == "card" else str(m.content)
             for m in p.dt.messages_for_group(GROUP)]
    assert all("演练" in t for t in group if drill.number in t), group
    assert not any("演练" in t for t in p.got("0524") if real.number in t and drill.number not in t)
    # the digest counts the real case and leaves the drill out
    with stack.database.session() as session:
        digest = json.dumps(contents(session, read_organisation(session), utcnow(), 1), ensure_ascii=False,
                            default=str)
    assert real.number in digest and drill.number not in digest
    # the report: each step against its scaled deadline
    report = yuqing(stack, "drill", "report", drill.number, "--json")
    assert report.returncode == 0, report.stderr
    steps = {row["kind"]: row for row in json.loads(report.stdout)["duties"]}
    assert steps["acknowledge"]["verdict"] == "late" and steps["initial_report"]["verdict"] in ("on_time", "open")
    text = yuqing(stack, "drill", "report", drill.number)
    assert "迟办" in text.stdout and "演练" in text.stdout
    shown = yuqing(stack, "case", "show", drill.number).stdout
    timeline = shown[shown.index("时间线:"):].splitlines()[1:]
    assert timeline and all("【演练】" in line for line in timeline), timeline  # the timeline says 演练 throughout
    verified = yuqing(stack, "case", "verify", "--all")  # the chains hold and the rows agree with them (issue 24)
    assert verified.returncode == 0 and verified.stdout.count("完好 (ok)") == 2, verified.stdout + verified.stderr
