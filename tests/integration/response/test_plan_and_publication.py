"""A 重大 case's 回应方案 and its publication through the real signed callbacks, a real worker and the emulators
(issue 20, Done when 3-4). 食品经营安全监督管理科's liaison (卫干事, DingTalk) submits the 口径 and the 方案 by their
typed dialogs; the desk (李干事, DingTalk) records a 新闻发布会 by the 发布 dialog before anything is approved — refused,
every reason shown to him; the main leader (赵局长, WeCom) types ``审批 YQ-… v1`` before the leader in charge —
refused with the order; then the plan is approved in order (吴副局长 on DingTalk, then 赵局长 from the card he gets
only now), the script by both leaders, and the desk's second 发布 is accepted: 公开回应 (重大, 48 h) ends on time."""

from __future__ import annotations

from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from tests.integration.duty_checks import duties, escalations
from tests.integration.response.walk import DESK, QIAN, WU, ZHAO, entries, live, submit_plan, submit_script
from tests.integration.unit_flow import open_and_assign

UNIT, LIAISON = "食品经营安全监督管理科", "0602"


def publish(p, number: str, last: str) -> None:
    """The desk's 发布 dialog: the channel typed, when (现在), no link, 确认 — the last answer says ``last``."""
    p.exchange(DESK, (f"发布 {number}", "通过什么渠道发布"), ("新闻发布会", "何时发布的"), ("现在", "发布链接"),
               ("无", f"确认发布 {number}"), ("确认", last))


def test_a_plan_approved_in_order_and_a_publication_refused_then_accepted(people):
    p = people
    case = open_and_assign(p.stack, ["u-foodsale"], Grade.MAJOR)
    n = case.number
    submit_script(p, LIAISON, n, UNIT, "涉事批次已全部下架，检测结果出来后第一时间公布。", 1)
    submit_plan(p, LIAISON, n, UNIT, "新闻发布会", "召开新闻发布会通报核查进展，局新闻发言人出席。")
    p.told(WU, f"方案审批 {n} v1")

    # before the approvals: refused, the reasons shown to the desk, the attempt on the timeline
    publish(p, n, "不能登记发布")
    said = next(t for t in reversed(p.got(DESK)) if "不能登记发布" in t)
    assert f"{UNIT}的口径 v1 尚未审定通过" in said and f"{UNIT}的回应方案 v1 尚未审批通过" in said, said
    assert len(entries(p.stack, case.case_id, "publication.refused")) == 1
    assert not entries(p.stack, case.case_id, "publication.publish")

    # the main leader out of turn: refused with the reason, nothing written, no card for him yet
    p.exchange(ZHAO, (f"审批 {n} v1", "须先由分管局领导（吴副局长）审批，再由主要领导审批"))
    assert not entries(p.stack, case.case_id, "plan.approve")
    assert not any(f"方案审批 {n}" in t for t in p.got(ZHAO))

    p.press(WU, f"方案审批 {n} v1", "plan.approve", case=n, v=1)
    p.press(ZHAO, f"方案审批 {n} v1", "plan.approve", case=n, v=1)
    p.wait(lambda: any(f"方案已审批 {n} v1" in t for t in p.got(LIAISON)), "the unit told the plan is approved")
    decisions = entries(p.stack, case.case_id, "plan.approve")
    assert [(e.actor, e.payload["approved"], e.payload["next"]) for e in decisions] == [
        ("p-wu", False, "main_leader"), ("p-zhao", True, None)]
    plan_duties = duties(p.stack, case.case_id, DutyKind.PLAN_APPROVAL)
    assert [(d.owner_person, d.state, d.ended_by, d.late) for d in plan_duties] == [
        ("p-wu", "done", "p-wu", False), ("p-zhao", "done", "p-zhao", False)]

    p.press(QIAN, f"口径审定 {n} v1", "script.approve", case=n, v=1)
    p.press(WU, f"口径审定 {n} v1", "script.approve", case=n, v=1)
    p.wait(lambda: any(f"口径已审定 {n} v1" in t for t in p.got(LIAISON)), "the unit told the script is approved")

    publish(p, n, f"已登记 {n} 发布（新闻发布会")
    said = next(t for t in reversed(p.got(DESK)) if f"已登记 {n} 发布" in t)
    assert "已办结：公开回应（按时）" in said, said
    [published] = entries(p.stack, case.case_id, "publication.publish")
    assert published.payload["scripts"] == [["u-foodsale", 1]] and published.payload["plan"] == ["u-foodsale", 1]
    [response] = duties(p.stack, case.case_id, DutyKind.PUBLIC_RESPONSE)
    assert (response.state, response.ended_by, response.late) == ("done", "p-li", False)
    approvals = duties(p.stack, case.case_id, DutyKind.SCRIPT_APPROVAL) + plan_duties
    assert all(d.state == "done" and escalations(p.stack, d.id) == [] for d in approvals), "no 逾期提醒 fired"
    assert not live(p, ZHAO, f"方案审批 {n}") and not live(p, WU, f"方案审批 {n}")
