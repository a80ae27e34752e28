"""Issue 19's "Done when" walk: a 特别重大 case on both platforms from link to archive, every step a person's act
through the real signed callbacks, a real worker and the emulators, the policy scaled ×240 (an hour is 15 s)
with the walked duties' clocks set so that each act comes on time. The desk walks it on WeCom (陈干事 chengs) and,
in ``make soak`` (``-m slow``: the walk waits some two minutes for the clock to pass its deadlines), on DingTalk
(李干事 0524, who forwards the link as text):

1. the desk forwards a link, clicks 特别重大 on the intake card and assigns 食品经营安全监督管理科
   (DingTalk: liaison 卫干事 0602) and 药品安全监督管理科 (WeCom: liaison 沈干事 shengs); once the main leader's
   bulletin is sent, the units' cards say 已通知主要领导;
2. 赵局长 (main leader, WeCom) clicks 签收 on his bulletin; the units' liaisons click 签收 on their warnings,
   whose cards then say 主要领导已签收 <时间>;
3. the desk types 上报 … 市委市政府 and 上报 … 省局, and records the 领导小组会议 (time, place, attendees,
   conclusion, 确认);
4. each unit's 初报 (typed: ``报告 YQ-… 初报``, its text, 确认);
5. the desk's 跟踪 (the case 跟踪中) and each unit's 无需续发; the desk's 平息 (权威信息 and 公开回应, ended by
   发布 of the approvals issue, close as missed here — the one exception the issue allows);
6. each unit's 评估 (five parts, 确认) and the desk's 通过 for each; 归档.

Then: every duty of the case has ended; no 逾期提醒 fired for a duty done on time (checked once the clock is past
its deadline); and after 归档 the clock has nothing left for the case and nothing more reaches anyone about it.

A step whose act is not in the router yet is marked (``pytest.xfail`` naming the act) rather than done through the
domain: a test that ends a duty by calling the domain from Python proves nothing.
"""

from __future__ import annotations

import re
import time
from functools import partial

import pytest
import redis
from sqlalchemy import func, select

from bot.core.clock import utcnow
from bot.core.event import Event
from bot.schedule import clock_schedule
from bot.store.clock import ClockFiringRow
from bot.store.outbox import OutboxRow
from handlers.registry import dialogs, load_router
from tests.faults.redeliver import settled
from tests.integration import stack as stack_module
from tests.integration.duty_checks import duties, escalations, open_duty, unverified
from tests.integration.intake.conftest import detail
from tests.integration.stack import Stack
from tests.integration.unit_flow import People

wait_for = partial(stack_module.wait_for, timeout=60)
TITLE, LINK = "网传某连锁超市销售过期婴幼儿食品", "https://weibo.com/1234567890/QxArchive1"
MAIN = "zhaojz"                            # 赵局长 (main leader), WeCom
DESKS = [pytest.param("chengs", id="desk-on-wecom"),   # 陈干事
         pytest.param("0524", id="desk-on-dingtalk", marks=pytest.mark.slow)]  # 李干事 (prefers DingTalk)
DT_LIAISON, WC_LIAISON = "0602", "shengs"  # 卫干事 (食品经营科, DingTalk) and 沈干事 (药品科, WeCom)
UNITS = {"u-foodsale": "食品经营安全监督管理科", "u-drug": "药品安全监督管理科"}
# ×240: the walked duties get an hour or more of policy time (15 s and up); the statutory ones keep theirs
POLICY = """scale: 240
wait_for_working_hours: []
duties:
  acknowledge: {general: 4wh, sensitive: 1h, major: 30min, especially_major: 3h}
  main_leader_acknowledge: {especially_major: 3h}
  initial_report: {general: 2wd, sensitive: 24h, major: 2h, especially_major: 8h}
  follow_up: {sensitive: 2wd, major: 24h, especially_major: 48h}
  leading_group_meeting: {especially_major: 8h}
  report_up_city: {especially_major: 6h}
  report_up_province: {especially_major: 6h}
"""
EVALUATION = ["网民转发涉事视频", "食品安全类舆情", "本地传播，未出省", "涉事门店主体责任", "发现早、处置快"]


@pytest.fixture
def walk(redis_url, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    running = Stack(redis_url, tmp_path, extra_env={"POLICY_FILE": str(policy)})
    yield running
    running.stop()


def act_exists(text: str) -> bool:
    """Whether typing ``text`` reaches a handler of its own (a command or a dialog's entry), not the fallback."""
    event = Event(platform="wecom", kind="text", user_id="x", chat_id="x", chat_type="single", dedup_key="x",
                  received_at=utcnow().isoformat(), text=text)
    router = load_router()
    handler = router.find(event)
    return (handler is not None and handler is not router.fallback) or any(d.entry(event) for d in dialogs.values())


def require(text: str) -> None:
    """Mark the walk where an act of issue 19 is not built yet (never done through the domain instead)."""
    if not act_exists(text):
        pytest.xfail(f"act not built yet: {text.split()[0]}")


def traffic(stack, case_id: int) -> tuple[int, int]:
    """(clock firings, outbox rows) of the case."""
    with stack.database.session() as session:
        firings = session.scalar(select(func.count()).select_from(ClockFiringRow)
                                 .where(ClockFiringRow.case_id == case_id))
        rows = session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.case_id == case_id))
    return firings, rows


def scheduled_for(stack, ids: set[int]) -> list[str]:
    """The clock's pending firings (``clock-fire-<duty>-…``) of the duties ``ids``."""
    conn = redis.Redis.from_url(stack.env["REDIS_URL"])
    return [job for job in clock_schedule.pending(conn) if job.split("-")[2].isdigit()
            and int(job.split("-")[2]) in ids]


def dt_body(dt, user: str, title: str) -> str:
    """The body of the newest card titled ``title`` that ``user`` holds on DingTalk ('' when none)."""
    for m in reversed([m for m in dt.messages_for_user(user) if m.channel == "card"]):
        view = dt.card_view(m.out_track_id, user)
        if view["title"].startswith(title):
            return view["body"]
    return ""


def open_and_grade(p: People, desk: str) -> tuple[str, int]:
    """Step 1: the desk forwards the link (WeCom: a link message; DingTalk: text holding it), clicks 特别重大 on
    the intake card and assigns both units."""
    if desk.isdigit():
        p.say(desk, f"{TITLE} {LINK}")
    else:
        assert p.wecom.act_as(desk).send_link(TITLE, LINK, "视频大量转发").status == 200
    number = p.wait(lambda: next((m.group(1) for t in p.got(desk) if (m := re.search(r"已立案 (YQ-\d{4}-\d{4})", t))),
                                 None), what="the intake card")
    p.press(desk, f"已立案 {number}", "intake.grade", grade=4)
    wait_for(lambda: detail(p.stack, number)["grade"] == 4, what="the grade\n" + p.stack.worker_log())
    p.converse(desk, f"分派 {number} {' '.join(UNITS.values())}")
    wait_for(lambda: len(detail(p.stack, number)["assignments"]) == 2, what="both units assigned")
    return number, detail(p.stack, number)["id"]


def acknowledge(p: People, number: str) -> None:
    """Step 2: the main leader's 签收 on his bulletin, each unit's 签收 on its warning (buttons)."""
    p.press(MAIN, f"舆情通报 {number}", "leader.ack", case=number)
    for liaison in (DT_LIAISON, WC_LIAISON):
        p.press(liaison, f"舆情预警 {number}", "case.ack", case=number)
    wait_for(lambda: {a["state"] for a in detail(p.stack, number)["assignments"]} == {"acknowledged"},
             what="both units acknowledged\n" + p.stack.worker_log())


@pytest.mark.counts_messages
@pytest.mark.parametrize("desk", DESKS)
def test_an_especially_major_case_walks_from_link_to_archive_by_peoples_acts(walk, desk):
    p = People(walk)
    number, case_id = open_and_grade(p, desk)
    wait_for(lambda: "已通知主要领导" in dt_body(p.dt, DT_LIAISON, f"舆情预警 {number}"),
             what="the unit's card to say the main leader's bulletin went out\n" + walk.worker_log())
    acknowledge(p, number)
    wait_for(lambda: not open_duty(walk, case_id, "main_leader_acknowledge"), what="the main leader's 签收")
    wait_for(lambda: "主要领导已签收" in dt_body(p.dt, DT_LIAISON, f"舆情预警 {number}"),
             what="the unit's card to say the main leader signed\n" + walk.worker_log())

    require(f"上报 {number} 市委市政府")
    for place in ("市委市政府", "省局"):
        p.converse(desk, f"上报 {number} {place} 电话报告市委值班室")
    wait_for(lambda: not any(open_duty(walk, case_id, k) for k in ("report_up_city", "report_up_province")),
             what="both upward reports recorded\n" + walk.worker_log())

    require(f"领导小组会议 {number}")
    p.converse(desk, f"领导小组会议 {number}", "现在", "三楼会议室", "赵局长、钱副局长、孙科长", "立即下架涉事批次并发布通报",
               "确认")
    wait_for(lambda: not open_duty(walk, case_id, "leading_group_meeting"), what="the 领导小组会议 recorded")

    for liaison in (DT_LIAISON, WC_LIAISON):
        p.converse(liaison, f"报告 {number} 初报", "涉事批次已全部下架封存，正在溯源。", "确认")
    wait_for(lambda: not open_duty(walk, case_id, "initial_report"), what="both 初报\n" + walk.worker_log())

    require(f"跟踪 {number} 内容")
    p.converse(desk, f"跟踪 {number} 话题热度回落，无新增负面")
    wait_for(lambda: detail(walk, number)["state"] == "tracking", what="the case 跟踪中")
    for liaison in (DT_LIAISON, WC_LIAISON):
        p.converse(liaison, f"无需续发 {number}")

    require(f"平息 {number} 理由")
    p.converse(desk, f"平息 {number} 连续48小时无新增讨论")
    wait_for(lambda: detail(walk, number)["state"] == "subsided", what="the case 已平息\n" + walk.worker_log())

    require(f"评估 {number}")
    for liaison in (DT_LIAISON, WC_LIAISON):
        p.converse(liaison, f"评估 {number}", *EVALUATION, "确认")
    wait_for(lambda: not open_duty(walk, case_id, "evaluation"), what="both evaluations submitted")
    require(f"通过 {number} 单位")
    for unit in UNITS.values():
        p.converse(desk, f"通过 {number} {unit}")
    wait_for(lambda: detail(walk, number)["state"] == "evaluated", what="the case 已评估\n" + walk.worker_log())

    require(f"归档 {number}")
    p.converse(desk, f"归档 {number}")
    wait_for(lambda: detail(walk, number)["state"] == "archived", what="the case 已归档\n" + walk.worker_log())
    settled(walk, wait_for)

    rows = duties(walk, case_id)
    assert [(d.kind, d.state) for d in rows if d.state == "open"] == [], "every duty ended"
    missed = {d.kind for d in rows if d.late and d.reason and "平息" in d.reason}
    assert missed == {"authoritative_release", "public_response"}, "only the acts of issue 20 close as missed"
    on_time = [d for d in rows if d.state == "done" and not d.late]
    assert {"main_leader_acknowledge", "leading_group_meeting", "report_up_city", "report_up_province",
            "initial_report", "evaluation"} <= {d.kind for d in on_time}
    assert [(d.kind, d.id, escalations(walk, d.id)) for d in on_time] == [(d.kind, d.id, []) for d in on_time], \
        "no 逾期提醒 for a duty done on time"
    # and none can come: the clock has no firing left for any of its duties (so no wait for their deadlines to pass)
    assert scheduled_for(walk, {d.id for d in rows}) == [], "the clock has nothing left for an archived case"
    assert [d.kind for d in rows if d.firing_id is not None] == [], "no duty keeps an active firing"
    assert unverified(walk) == {}, "case verify: the rows agree with what the timeline recorded (issue 24)"
    before = traffic(walk, case_id)
    time.sleep(5)  # 20 minutes of policy time: a firing left behind would show now (the test waits, not a request)
    settled(walk, wait_for)
    assert traffic(walk, case_id) == before, "nothing fires, nothing is sent after 归档"
