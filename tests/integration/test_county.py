"""County bureaus (issue 22) through the real callbacks, worker and emulators: a county's 重大 case reported up to
the city desk, its later steps shown there; a lowered grade reports nothing; the city follows, takes over and has
a script approved by the city's leaders; a case handed down (转县局) gets the county's 转办反馈 and the city hears
of it; a county's policy shortens its own clock and not the city's.

People (examples/org.yaml): 谢干事 (0802, DingTalk) is 甲县局's liaison — its desk; 戚局长 (0801) its head and, with
no ``leaders:`` named, its approver; 李干事 (0524 on DingTalk) is on the city desk; 钱副局长 (qianfjz, WeCom) the
publicity leader; 吴副局长 (0412, DingTalk) the city deputy over 甲县局.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.grade import Grade

from bot.store.cases import CaseRow, DutyRow, FollowRow
from tests.integration.stack import Stack
from tests.integration.duty_checks import unverified
from tests.integration.unit_flow import Opened, People, open_and_assign, timeline_actions

COUNTY, DESK, HEAD = "0802", "0524", "0801"
DESK_DT, DESK_WECOM = "cidDesk0001==", "综合应急和新闻宣传科"  # WeCom: by name (its robot's and smart bot's)
FOOD_GROUP = "食品生产安全监督管理科"  # WeCom only
POLICY = """\
progress_every: 15min
counties:
  u-county-a:
    duties:
      public_response: {major: 24h, especially_major: 12h}
"""


@pytest.fixture(scope="module")
def stack(redis_service, tmp_path_factory):
    redis_service.reset()
    folder = tmp_path_factory.mktemp("county")
    policy = folder / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    running = Stack(redis_service.url, folder, extra_env={"POLICY_FILE": str(policy)})
    yield running
    running.stop()


@pytest.fixture
def people(stack) -> People:
    return People(stack, timeout=40)


def opened_by_county(p: People, title: str) -> Opened:
    """谢干事 opens a case in 1:1 and warns his own bureau (a county warns itself; it may not assign city units)."""
    p.exchange(COUNTY, (f"立案 {title}", title[:6]))
    with p.stack.database.session() as session:
        row = session.scalars(select(CaseRow).where(CaseRow.title == title)).one()
        case = Opened(row.number, row.id)
    assert row.county == "u-county-a"
    p.exchange(COUNTY, (f"分派 {case.number} 食品生产安全监督管理科", "不能分派市局单位"),
               (f"分派 {case.number} 甲县市场监督管理局", "甲县市场监督管理局"))
    return case


def desk_group(p: People) -> list[str]:
    """What the city desk's DingTalk group shows now (each card as it looks now) and its WeCom group got."""
    dt = [str(p.dt.card_view(m.out_track_id, DESK)) if m.channel == "card" else str(m.content)
          for m in p.dt.messages_for_group(DESK_DT)]
    return dt + [str(m.get("content", m)) for m in p.wecom.messages_for_group(DESK_WECOM)]


def dt_card(p: People, number: str) -> str:
    """The city desk's DingTalk copy of the case's county card, as it reads now ('' before it came)."""
    cards = [str(p.dt.card_view(m.out_track_id, DESK)) for m in p.dt.messages_for_group(DESK_DT) if m.channel == "card"]
    return next((c for c in reversed(cards) if number in c and "县局" in c), "")


def wecom_progress(p: People, number: str) -> list[str]:
    """The batched progress notices of the case in the city desk's WeCom group."""
    return [str(m) for m in p.wecom.messages_for_group(DESK_WECOM) if f"{number} 县局进展" in str(m)]


def follows(stack, case_id: int) -> list[FollowRow]:
    with stack.database.session() as session:
        return list(session.scalars(select(FollowRow).where(FollowRow.case_id == case_id)))


def test_a_county_major_case_is_reported_up_and_its_later_steps_show_at_the_city(stack, people):
    p = people
    case = opened_by_county(p, "甲县某餐馆食物中毒传闻")
    p.exchange(COUNTY, (f"定级 {case.number} 重大", "研判依据"), ("多名就餐者就医，多家媒体转载", "告知市局"),
               ("食品生产安全监督管理科", f"{case.number} 已由一般舆情调整为重大舆情"))
    p.wait(lambda: sum("县局上报" in t and case.number in t for t in desk_group(p)) >= 2,
           what="the report-up card in the city desk's groups (DingTalk and WeCom)")
    reported = [t for t in desk_group(p) if case.number in t and "县局上报" in t]
    assert all("甲县市场监督管理局" in t and "重大" in t and "谢干事" in t for t in reported), reported
    p.wait(lambda: [m for m in p.wecom.messages_for_group(FOOD_GROUP) if case.number in str(m)],
           what="the unit the county named told")
    assert [f.how for f in follows(stack, case.case_id)] == ["report_up"]
    # the county's later steps show at the city: on the DingTalk copy of the card at once; in WeCom (whose group
    # cards cannot change) as notices, the first at once and the next when progress_every (15 min) has passed
    p.exchange(COUNTY, (f"签收 {case.number}", "签收"))
    p.wait(lambda: "签收" in dt_card(p, case.number), what="the 签收 on the city desk's DingTalk card")
    p.wait(lambda: wecom_progress(p, case.number), what="the first progress notice in the desk's WeCom group")
    p.exchange(COUNTY, (f"报告 {case.number} 初报", "请发送初报内容"),
               ("初报：3名就餐者轻微不适，已就医；涉事餐馆已停业整顿。", "确认提交初报"), ("确认", f"已提交 {case.number} 初报"))
    p.wait(lambda: "报送初报" in dt_card(p, case.number), what="the 初报 on the city desk's DingTalk card")
    assert "初报：3名" not in dt_card(p, case.number), "a step is named, its text stays with the county"
    assert len(wecom_progress(p, case.number)) == 1 and "签收" in wecom_progress(p, case.number)[0]
    assert "初报" not in wecom_progress(p, case.number)[0], "the next batch waits for progress_every"
    # a lowered grade reports nothing new
    before = sum("县局上报" in t for t in desk_group(p))
    p.exchange(COUNTY, (f"定级 {case.number} 敏感 舆情已降温", f"{case.number} 已由重大舆情调整为敏感舆情"))
    assert "case.grade" in timeline_actions(stack, case.case_id)
    assert sum("县局上报" in t for t in desk_group(p)) == before
    assert unverified(stack) == {}, "case verify: the rows agree with what the timeline recorded (issue 24)"


def test_the_city_follows_takes_over_and_a_script_is_approved_by_city_leaders(stack, people):
    p = people
    case = opened_by_county(p, "甲县某超市销售过期月饼")
    p.exchange(DESK, (f"定级 {case.number} 重大 市局定级", "没有"))  # before 接管 the city desk may not grade
    p.exchange(DESK, (f"关注 {case.number}", "关注"))
    assert [f.how for f in follows(stack, case.case_id)] == ["follow"]
    p.exchange(DESK, ("县局舆情", case.number))
    p.exchange(DESK, (f"接管 {case.number} 舆情升温，市局统一回应", "接管"))
    with stack.database.session() as session:
        row = session.get(CaseRow, case.case_id)
        assert (row.county, row.taken_from, row.owner_unit) == (None, "u-county-a", "u-desk")
    assert "case.take_over" in timeline_actions(stack, case.case_id)
    p.exchange(DESK, (f"定级 {case.number} 重大 市局统一研判", "调整为重大舆情"))  # the city's desk now
    p.exchange(COUNTY, (f"定级 {case.number} 特别重大 县局研判", "没有"))  # the county's people: its unit's part only
    # the county's liaison keeps his unit's part: he signs and writes the 口径; the city's leaders approve it
    p.exchange(COUNTY, (f"签收 {case.number}", "签收"))
    p.exchange(COUNTY, (f"口径 {case.number}", "口径内容"), ("涉事批次已全部下架封存，正在溯源。", "确认提交口径"),
               ("确认", f"已提交 {case.number}"))
    p.exchange("qianfjz", (f"审定 {case.number} v1", "已审定同意"))
    p.exchange("0412", (f"审定 {case.number} v1", "（已通过）"))
    assert not [t for t in p.got(HEAD) if f"口径审定 {case.number}" in t], "the county's head is no approver now"
    assert unverified(stack) == {}, "case verify: the rows agree with what the timeline recorded (issue 24)"


def test_a_case_handed_down_gets_the_countys_feedback_and_the_city_hears_of_it(stack, people):
    p = people
    case = open_and_assign(stack, [], title="市局交办：甲县某农贸市场缺斤短两")
    p.exchange(DESK, (f"转县局 {case.number} 甲县", "甲县市场监督管理局"))
    with stack.database.session() as session:
        assert session.get(CaseRow, case.case_id).county == "u-county-a"
        [duty] = session.scalars(select(DutyRow).where(DutyRow.case_id == case.case_id, DutyRow.kind == "transfer_feedback"))
        assert duty.owner_unit == "u-county-a"
    p.told(COUNTY, f"转办反馈 {case.number}")
    p.exchange(COUNTY, (f"转办反馈 {case.number}", "反馈给谁"), ("市局舆情工作台", "何时反馈"), ("现在", "反馈了什么"),
               ("已现场核查，责令整改并立案调查", f"确认转办反馈 {case.number}"), ("确认", f"已登记 {case.number}"))
    with stack.database.session() as session:
        assert session.get(DutyRow, duty.id).state == "done"
    p.told(DESK, "已现场核查")
    assert unverified(stack) == {}, "case verify: the rows agree with what the timeline recorded (issue 24)"


def test_a_county_policy_shortens_the_countys_clock_and_not_the_citys(stack, people):
    p = people
    county = opened_by_county(p, "甲县某药店销售假药")
    p.exchange(COUNTY, (f"定级 {county.number} 重大 多地转载", "告知市局"), ("无", "调整为重大"))
    city = open_and_assign(stack, [], grade=Grade.MAJOR, title="市里某药店销售假药")
    with stack.database.session() as session:
        def response(case_id):
            return session.scalars(select(DutyRow).where(DutyRow.case_id == case_id,
                                                         DutyRow.kind == "public_response")).one()
        county_duty, city_duty = response(county.case_id), response(city.case_id)
    county_span, city_span = (d.due_at - d.started_at for d in (county_duty, city_duty))
    assert county_span < timedelta(hours=24, seconds=2) and city_span > timedelta(hours=47)
    assert county_duty.policy["duration"] == "24h" and city_duty.policy["duration"] == "48h"
    assert unverified(stack) == {}, "case verify: the rows agree with what the timeline recorded (issue 24)"
