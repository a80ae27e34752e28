"""The case's states driven by acts (issue 19, items 2, 4, 5 and 6's archive) through the real signed callbacks,
a real worker and the emulators: 跟踪 by the desk and by a unit, the follow-up script question (button and typed,
one answer per unit), 平息 (duties closed as missed / not needed, evaluations started), 归档 refused then allowed,
更正, read-only refusals, a sighting of a subsided case offering 重新跟踪, and nothing firing after archiving.

* a 重大 case on DingTalk (desk 李干事 0524; u-foodsale: head 褚科长 0601, liaison 卫干事 0602);
* a 一般 case on WeCom (desk 陈干事 chengs; u-food: head 周科长 zhouks with cards, liaison 冯干事 fenggs who reads
  text), the policy scaled ×2400 so a second case left open (the witness) is escalated while the test watches.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

import pytest
from sqlalchemy import select

from bot.core.clock import utcnow
from bot.domain.grade import Grade
from bot.store.case_views import list_cases
from bot.store.cases import DutyRow
from bot.store.clock import ClockFiringRow
from tests.integration import stack as stack_module
from tests.integration.duty_checks import scaled_stack
from tests.integration.unit_flow import open_and_assign, timeline_actions

wait_for = partial(stack_module.wait_for, timeout=40)
DESK, HEAD, LIAISON = "0524", "0601", "0602"


@pytest.fixture
def scaled(redis_url, tmp_path):
    running = scaled_stack(redis_url, tmp_path, 2400)
    yield running
    running.stop()


def case_state(stack, case_id) -> str:
    with stack.database.session() as session:
        return next(c["state"] for c in list_cases(session) if c["id"] == case_id)


def duties(stack, case_id) -> dict[str, DutyRow]:
    """The case's duties by kind (the newest of each kind)."""
    with stack.database.session() as session:
        rows = list(session.scalars(select(DutyRow).where(DutyRow.case_id == case_id).order_by(DutyRow.id)))
        session.expunge_all()
    return {row.kind: row for row in rows}


def firings_after(stack, case_id, at: datetime) -> list:
    """The clock's steps fired for the case's duties after ``at``."""
    with stack.database.session() as session:
        ids = list(session.scalars(select(DutyRow.id).where(DutyRow.case_id == case_id)))
        rows = session.scalars(select(ClockFiringRow).where(ClockFiringRow.duty_id.in_(ids)))
        return [r for r in rows if r.fired_at and r.fired_at > at]


def dt_texts(dt, user):
    return [str(m.content.get("text", "")) for m in dt.messages_for_user(user) if m.channel != "card"]


def dt_said(stack, user, text):
    dt = stack.emulator.dingtalk
    return wait_for(lambda: next((t for t in dt_texts(dt, user) if text in t), None),
                    what=f"{user} to be told {text!r}\n" + stack.worker_log())


def dt_card(dt, user, title):
    """The newest card ``user`` holds whose title starts with ``title``: (out_track_id, view)."""
    for m in reversed([m for m in dt.messages_for_user(user) if m.channel == "card"]):
        view = dt.card_view(m.out_track_id, user)
        if view["title"].startswith(title):
            return m.out_track_id, view
    return None


def test_a_major_case_on_dingtalk_tracked_subsided_and_refused_archive(stack):
    dt = stack.emulator.dingtalk
    case = open_and_assign(stack, ["u-foodsale"], Grade.MAJOR)
    dt.say_to_bot(LIAISON, f"签收 {case.number}")
    wait_for(lambda: case_state(stack, case.case_id) == "handling", what="签收\n" + stack.worker_log())

    dt.say_to_bot(DESK, f"平息 {case.number} 无新增")  # 重大: tracked first
    dt_said(stack, DESK, "须先跟踪")
    dt.say_to_bot(DESK, f"跟踪 {case.number} 话题热度下降，评论以质疑为主")
    dt_said(stack, DESK, "案件转为“跟踪中”；已询问食品经营安全监督管理科是否需要续发口径")
    assert case_state(stack, case.case_id) == "tracking"
    for reader in (LIAISON, HEAD):  # the unit's head and liaison get the question with two buttons
        _, view = wait_for(lambda: dt_card(dt, reader, f"跟踪 {case.number}"), what=f"{reader}'s question")
        assert [b["text"] for b in view["buttons"]] == ["需要续发口径", "无需续发"] and "评论以质疑为主" in view["body"]

    out_track_id, view = dt_card(dt, LIAISON, f"跟踪 {case.number}")
    dt.click(LIAISON, out_track_id, next(b["action_id"] for b in view["buttons"] if b["text"] == "需要续发口径"))
    wait_for(lambda: "卫干事已答复：需要续发口径" in dt.card_view(out_track_id, LIAISON)["status"],
             what="the question settled\n" + stack.worker_log())
    assert dt.card_view(out_track_id, LIAISON)["buttons"] == []
    dt_said(stack, DESK, "卫干事答复")
    assert case_state(stack, case.case_id) == "responding"
    head_card, head_view = dt_card(dt, HEAD, f"跟踪 {case.number}")  # the head clicks his copy: one effect only
    dt.click(HEAD, head_card, next(b["action_id"] for b in head_view["buttons"] if b["text"] == "需要续发口径"))
    dt_said(stack, HEAD, "本单位已答复")
    assert timeline_actions(stack, case.case_id).count("case.script") == 1

    dt.say_to_bot(LIAISON, f"跟踪 {case.number} 已约谈涉事超市负责人")  # the unit's own note
    dt_said(stack, LIAISON, f"已记录本单位对 {case.number} 的跟踪情况")
    assert case_state(stack, case.case_id) == "responding"
    dt.say_to_bot(DESK, f"跟踪 {case.number} 续发口径已发布，评论平稳")
    wait_for(lambda: case_state(stack, case.case_id) == "tracking", what="tracking again\n" + stack.worker_log())

    dt.say_to_bot(DESK, f"平息 {case.number} 连续两天无新增讨论")
    dt_said(stack, DESK, f"已将 {case.number} 标记为已平息")
    by_kind = duties(stack, case.case_id)
    report, meeting, response = by_kind["initial_report"], by_kind["assessment_meeting"], by_kind["public_response"]
    assert (report.state, report.late, report.reason) == ("closed", True, "平息时未办结")
    assert (response.state, response.late, response.reason) == ("closed", True, "平息时未办结")
    assert (meeting.state, meeting.late, meeting.reason) == ("closed", False, "舆情已平息，无需办理")
    evaluation = by_kind["evaluation"]
    assert evaluation.state == "open" and evaluation.owner_unit == "u-foodsale"
    dt_said(stack, LIAISON, f"{case.number} 已平息，请于")

    dt.say_to_bot(DESK, f"归档 {case.number}")
    refused = dt_said(stack, DESK, "暂不能归档")
    assert "食品经营安全监督管理科的评估总结未提交" in refused
    assert case_state(stack, case.case_id) == "subsided"
    dt.say_to_bot(LIAISON, f"平息 {case.number} 我也来")  # not the desk's: refused, nothing changes
    dt_said(stack, LIAISON, "平息")
    assert timeline_actions(stack, case.case_id).count("case.subside") == 1


@pytest.mark.slow  # ~46 s waiting for a witness duty's scaled escalation: make soak; tracking to archive stays
# in CI through the DingTalk walk above and tests/integration/test_case_to_archive.py (desk on WeCom)
def test_a_general_case_on_wecom_from_tracking_to_archive_and_nothing_fires_after(scaled):
    wecom = scaled.emulator.wecom
    case = open_and_assign(scaled, ["u-food"], Grade.GENERAL)

    def told(user, text):
        return wait_for(lambda: next((str(m["content"]) for m in wecom.messages_for_user(user)
                                      if text in str(m["content"])), None),
                        what=f"{user} to see {text!r}\n" + scaled.worker_log())

    chen, feng, zhou = wecom.act_as("chengs"), wecom.act_as("fenggs"), wecom.act_as("zhouks")
    feng.send_text(f"签收 {case.number}")
    wait_for(lambda: case_state(scaled, case.case_id) == "handling", what="签收\n" + scaled.worker_log())
    zhou.send_text(f"跟踪 {case.number} 已约谈涉事企业")  # the unit's own note: the case stays in handling
    told("zhouks", f"已记录本单位对 {case.number} 的跟踪情况")
    assert case_state(scaled, case.case_id) == "handling"
    chen.send_text(f"归档 {case.number}")
    told("chengs", "须先平息")
    chen.send_text(f"跟踪 {case.number} 转发量下降")
    told("chengs", "案件转为“跟踪中”")
    question = told("fenggs", f"无需续发 {case.number}")  # the WeChat-plugin reader: the typed form
    assert "转发量下降" in question
    card = wait_for(lambda: next((c for c in wecom.cards_for_user("zhouks")
                                  if c["card"]["main_title"]["title"] == f"跟踪 {case.number}"), None),
                    what="the head's question card")
    feng.send_text(f"无需续发 {case.number}")
    told("fenggs", f"已答复 {case.number}：无需续发")
    told("chengs", f"冯干事答复 {case.number}：无需续发")
    zhou.click(card["task_id"], next(k for k in card["clickable"] if k.startswith("script.needed")))
    told("zhouks", "本单位已答复")
    assert case_state(scaled, case.case_id) == "tracking"

    chen.send_text(f"平息 {case.number} 已无新增讨论")
    told("chengs", f"已将 {case.number} 标记为已平息")
    assert case_state(scaled, case.case_id) == "subsided"
    chen.send_text(f"补充 {case.number} https://www.douyin.com/video/7300000000000000099")
    offer = wait_for(lambda: next((c for c in wecom.cards_for_user("chengs")
                                   if c["card"]["main_title"]["title"].startswith(f"{case.number} 已平息")), None),
                     what="重新跟踪 offered\n" + scaled.worker_log())
    chen.click(offer["task_id"], next(k for k in offer["clickable"] if k.startswith("case.retrack")))
    wait_for(lambda: case_state(scaled, case.case_id) == "tracking", what="重新跟踪\n" + scaled.worker_log())
    chen.send_text(f"平息 {case.number} 再次平稳")
    wait_for(lambda: case_state(scaled, case.case_id) == "subsided", what="subsided again")

    chen.send_text(f"归档 {case.number}")
    told("chengs", f"已归档 {case.number}")
    archived_at = utcnow()
    assert all(row.state != "open" for row in duties(scaled, case.case_id).values())
    feng.send_text(f"报告 {case.number} 续报")
    told("fenggs", "已归档，只能查看")
    chen.send_text(f"更正 {case.number} 首发时间应为9时")
    told("chengs", f"已在 {case.number} 的记录中追加更正（陈干事")
    actions = timeline_actions(scaled, case.case_id)
    assert actions[-1] == "case.correct" and "case.archive" in actions
    with scaled.database.session() as session:
        assert case.case_id not in [c["id"] for c in list_cases(session, open_only=True)]

    # a case opened now and left undone (its 签收: 4 wh = 6 s scaled) is escalated up to the desk meanwhile: the
    # clock ran past the archived case's closed 初报 and 反馈 ladders, and nothing fired for the archived case
    witness = open_and_assign(scaled, ["u-food"], Grade.GENERAL, title="某药店销售假药")
    wait_for(lambda: [r for r in firings_after(scaled, witness.case_id, archived_at) if "desk" in (r.roles or [])],
             timeout=90, what="the witness's clock to reach the desk\n" + scaled.worker_log())
    assert firings_after(scaled, case.case_id, archived_at) == []
