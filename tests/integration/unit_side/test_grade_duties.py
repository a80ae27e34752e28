"""The per-grade duties of Art. 18 ended by their acts through the real signed callbacks, a real worker and the
emulators (the first two on the policy scaled ×2400 — 24 h become 36 s — so the clock runs while the test
watches):

* a 敏感 case on DingTalk (u-foodsale: liaison 卫干事 0602): the desk may not write the unit's 处置意见; the
  liaison opens it from 我的待办's button, answers 是 (click), 否 with a note (typed), 是 (click), confirms;
  the duty ends on time, the desk gets the three decisions, a second click changes nothing;
* a 重大 case on WeCom (desk 陈干事 chengs): the unit's head may not record the 研判会议; the desk starts it from
  我的待办's button, gives time, place, attendees (an unknown name refused kindly), conclusion, confirms by
  click; the leaders (赵局长 on WeCom, 吴副局长 on DingTalk) get the record; typing it again changes nothing;
* a 特别重大 case across both: 领导小组会议 and 上报省局 from the desk's 我的待办 buttons (DingTalk), 上报市委市政府
  typed by the main leader (WeCom), a liaison refused, a second 上报 answered with who did it;
* every dialog typed from its command to 确认 where people read text: 处置意见 by a WeChat-plugin reader (冯干事,
  是/否 typed: his messages have no buttons), 研判会议 by the leader in charge (DingTalk), 领导小组会议 by the main
  leader (WeCom);
* a case transferred from 省局 (WeCom): 转办反馈 from 我的待办's button, typed answers, typed 确认; the unit's
  ``反馈 YQ-…`` opens the report dialog at the 专项报告.

Each duty row ends (its firing dropped); in the first two no 逾期提醒 step fires for it once the clock has passed
its (scaled) deadline: a duty left undone, due no earlier, is escalated meanwhile (the witness).
"""

from __future__ import annotations

from functools import partial

import pytest

from bot.core.clock import utcnow
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.store.case_repo import SessionCaseStore
from bot.store.cases import DutyRow
from tests.integration import stack as stack_module
from tests.integration.duty_checks import duty, escalations, scaled_stack
from tests.integration.unit_flow import open_and_assign

wait_for = partial(stack_module.wait_for, timeout=40)
LIAISON, DESK_LI, DESK_SUN, WU = "0602", "0524", "0523", "0412"


@pytest.fixture
def scaled(redis_url, tmp_path):
    running = scaled_stack(redis_url, tmp_path, 2400)
    yield running
    running.stop()


def fulfilments(stack, case_id) -> list[dict]:
    with stack.database.session() as session:
        return [e.payload for e in SessionCaseStore(session).run(lambda repo: repo.timeline(case_id))
                if e.action == "duty.fulfil"]


def no_escalation_after_due(stack, row: DutyRow, witness: DutyRow) -> None:
    """Once ``witness`` (a duty left undone, due no earlier than ``row``) was escalated — the scaled clock
    has passed ``row``'s deadline — assert ``row`` itself fired no 逾期提醒."""
    assert witness.due_at >= row.due_at
    wait_for(lambda: escalations(stack, witness.id), timeout=90, what="the undone witness duty escalated")
    assert escalations(stack, row.id) == []


def dt_texts(dt, user):
    return [str(m.content.get("text", "")) for m in dt.messages_for_user(user) if m.channel != "card"]


def dt_card(dt, user, title):
    """The newest card ``user`` holds whose title starts with ``title``: (out_track_id, view)."""
    for m in reversed([m for m in dt.messages_for_user(user) if m.channel == "card"]):
        view = dt.card_view(m.out_track_id, user)
        if view["title"].startswith(title) and view["buttons"]:
            return m.out_track_id, view
    return None


def dt_click(dt, user, title, text):
    out_track_id, view = wait_for(lambda: dt_card(dt, user, title), what=f"{user}'s card {title!r}")
    button = next(b for b in view["buttons"] if b["text"].lstrip("①②③④⑤") == text)
    dt.click(user, out_track_id, button["action_id"])


def wecom_button(wecom, user, title, action, number):
    """(task id, key) of the button ``action`` for case ``number`` on the newest card of ``user`` titled ``title``."""
    def find():
        for card in reversed(wecom.cards_for_user(user)):
            if card["card"]["main_title"]["title"].startswith(title):
                keys = [k for k in card["clickable"] if k.startswith(action) and number in k]
                return (card["task_id"], keys[0]) if keys else None
        return None
    return wait_for(find, what=f"{user}'s {action} button for {number}")


@pytest.mark.slow  # ~46 s waiting for a witness duty's scaled escalation: make soak; each kind's act
# is walked in CI by tests/integration/test_every_duty_kind.py (and nothing left to fire after it)
def test_a_sensitive_case_on_dingtalk_records_its_three_decisions(scaled):
    dt = scaled.emulator.dingtalk
    case = open_and_assign(scaled, ["u-foodsale"], Grade.SENSITIVE)
    opinion = duty(scaled, case.case_id, DutyKind.HANDLING_OPINION)

    dt.say_to_bot(DESK_LI, f"处置意见 {case.number}")  # the desk is not the unit
    wait_for(lambda: any("由承办单位负责人或联络员登记" in t for t in dt_texts(dt, DESK_LI)),
             what="the desk refused\n" + scaled.worker_log())
    assert duty(scaled, case.case_id, DutyKind.HANDLING_OPINION).state == "open"

    dt.say_to_bot(LIAISON, "我的待办")
    dt_click(dt, LIAISON, "卫干事的待办", "填写处置意见")
    dt_click(dt, LIAISON, f"处置意见 {case.number}", "是")           # 公开回应: yes
    wait_for(lambda: any("第2/3项" in str(dt.card_view(m.out_track_id, LIAISON))
                         for m in dt.messages_for_user(LIAISON) if m.channel == "card"), what="the second question")
    dt.say_to_bot(LIAISON, "否 已有权威通报，无需组织跟帖")            # 网评员跟帖: no, with a note
    wait_for(lambda: any("第3/3项" in str(dt.card_view(m.out_track_id, LIAISON))
                         for m in dt.messages_for_user(LIAISON) if m.channel == "card"), what="the third question")
    dt_click(dt, LIAISON, f"处置意见 {case.number}", "是")           # 网站/公众号发布: yes
    confirm = wait_for(lambda: dt_card(dt, LIAISON, f"确认处置意见 {case.number}"), what="the confirm card")
    assert "无需组织跟帖" in str(confirm[1])
    dt_click(dt, LIAISON, f"确认处置意见 {case.number}", "确认提交")
    wait_for(lambda: any(f"已登记 {case.number} 处置意见" in t for t in dt_texts(dt, LIAISON)),
             what="the liaison told\n" + scaled.worker_log())

    done = duty(scaled, case.case_id, DutyKind.HANDLING_OPINION)
    assert done.state == "done" and done.ended_by == "p-wei" and not done.late
    (entry,) = fulfilments(scaled, case.case_id)
    assert entry["details"] == {"respond": {"yes": True, "note": ""},
                                "commentary": {"yes": False, "note": "已有权威通报，无需组织跟帖"},
                                "publish": {"yes": True, "note": ""}}
    for desk in (DESK_LI, DESK_SUN):  # the desk sees the three decisions in one message
        text = wait_for(lambda: next((t for t in dt_texts(dt, desk) if t.startswith(f"### 处置意见 {case.number}")),
                                     None), what=f"the desk ({desk}) told")
        assert "**公开回应**：是" in text and "**网评员跟帖**：否（已有权威通报，无需组织跟帖）" in text
        assert "**网站/公众号发布**：是" in text and "卫干事于" in text

    # a second click on 我的待办's old button, and the command again: told who did it, nothing changes
    dt_click(dt, LIAISON, "卫干事的待办", "填写处置意见")
    wait_for(lambda: sum("已由卫干事于" in t for t in dt_texts(dt, LIAISON)) == 1, what="the stale click answered")
    dt.say_to_bot(LIAISON, f"处置意见 {case.number}")
    wait_for(lambda: sum("已由卫干事于" in t and "无需重复操作" in t for t in dt_texts(dt, LIAISON)) == 2,
             what="a second 处置意见 answered")
    assert len(fulfilments(scaled, case.case_id)) == 1
    no_escalation_after_due(scaled, opinion, duty(scaled, case.case_id, DutyKind.INITIAL_REPORT))


@pytest.mark.slow  # ~46 s waiting for a witness duty's scaled escalation: make soak; each kind's act
# is walked in CI by tests/integration/test_every_duty_kind.py (and nothing left to fire after it)
def test_a_major_case_on_wecom_records_its_assessment_meeting(scaled):
    wecom, dt = scaled.emulator.wecom, scaled.emulator.dingtalk
    case = open_and_assign(scaled, ["u-food"], Grade.MAJOR)
    other = open_and_assign(scaled, ["u-food"], Grade.MAJOR, title="某药店销售假药")  # its meeting left undone
    meeting = duty(scaled, case.case_id, DutyKind.ASSESSMENT_MEETING)

    def told(user, text):
        return wait_for(lambda: next((m for m in wecom.messages_for_user(user) if text in str(m["content"])), None),
                        what=f"{user} to see {text!r}\n" + scaled.worker_log())

    wecom.act_as("zhouks").send_text(f"研判会议 {case.number}")  # the unit's head does not record it
    told("zhouks", "由舆情工作台或分管领导、宣传分管领导登记")
    chen = wecom.act_as("chengs")
    chen.send_text("我的待办")  # the button of 我的待办 starts it (the same act as typing 研判会议 YQ-…)
    chen.click(*wecom_button(wecom, "chengs", "陈干事的待办", "duty.meeting", case.number))
    told("chengs", "会议时间？")
    chen.send_text("15:30")
    told("chengs", "会议地点？")
    chen.send_text("局三楼会议室")
    told("chengs", "参会人员？")
    chen.send_text("赵局长、张三")
    told("chengs", "通讯录中没有找到：张三")
    assert duty(scaled, case.case_id, DutyKind.ASSESSMENT_MEETING).state == "open"
    chen.send_text("赵局长、钱副局长、吴副局长、陈干事")
    told("chengs", "会议结论？")
    chen.send_text("由食品生产科牵头核查，今日内发布情况通报")
    card = wait_for(lambda: next((c for c in wecom.cards_for_user("chengs")
                                  if c["card"]["main_title"]["title"] == f"确认研判会议 {case.number}"), None),
                    what="the confirm card")
    chen.click(card["task_id"], next(k for k in card["clickable"] if k.startswith("assessment_meeting.confirm")))
    told("chengs", f"已登记 {case.number} 研判会议")

    done = duty(scaled, case.case_id, DutyKind.ASSESSMENT_MEETING)
    assert done.state == "done" and done.ended_by == "p-chen" and not done.late
    (entry,) = fulfilments(scaled, case.case_id)
    assert entry["details"]["attendees"] == ["p-zhao", "p-qian", "p-wu", "p-chen"]
    assert entry["details"]["place"] == "局三楼会议室"
    told("zhaojz", f"研判会议 {case.number}")  # the main leader on WeCom
    record = wait_for(lambda: next((t for t in dt_texts(dt, WU) if t.startswith(f"### 研判会议 {case.number}")), None),
                      what="the leader in charge told on DingTalk")
    assert "局三楼会议室" in record and "赵局长、钱副局长、吴副局长、陈干事" in record and "陈干事于" in record

    chen.send_text(f"研判会议 {case.number}")
    told("chengs", "已由陈干事于")
    assert len(fulfilments(scaled, case.case_id)) == 1
    no_escalation_after_due(scaled, meeting, duty(scaled, other.case_id, DutyKind.ASSESSMENT_MEETING))


def test_an_especially_major_case_records_its_group_meeting_and_both_upward_reports(stack):
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    case = open_and_assign(stack, ["u-foodsale"], Grade.ESPECIALLY_MAJOR)

    def zhao_told(text):
        return wait_for(lambda: next((str(m["content"]) for m in wecom.messages_for_user("zhaojz")
                                      if text in str(m["content"])), None), what=f"赵局长 to see {text!r}")

    dt.say_to_bot(LIAISON, f"上报 {case.number} 省局")  # a unit's liaison does not report upward
    wait_for(lambda: any("由舆情工作台或局领导登记" in t for t in dt_texts(dt, LIAISON)), what="the liaison refused")
    dt.say_to_bot(DESK_LI, "我的待办")
    dt_click(dt, DESK_LI, "李干事的待办", "登记领导小组会议")
    wait_for(lambda: any("会议时间？" in t for t in dt_texts(dt, DESK_LI)), what="the first question\n" + stack.worker_log())
    for answer, next_question in (("现在", "会议地点？"), ("局党组会议室", "参会人员？"),
                                  ("赵局长、钱副局长、孙科长", "会议结论？")):
        dt.say_to_bot(DESK_LI, answer)
        wait_for(lambda: any(next_question in t for t in dt_texts(dt, DESK_LI)), what=next_question)
    dt.say_to_bot(DESK_LI, "成立工作专班，2小时内发布权威信息")
    dt_click(dt, DESK_LI, f"确认领导小组会议 {case.number}", "确认提交")
    wait_for(lambda: any(f"已登记 {case.number} 领导小组会议" in t for t in dt_texts(dt, DESK_LI)), what="recorded")
    assert "局党组会议室" in zhao_told(f"领导小组会议 {case.number}")

    dt_click(dt, DESK_LI, "李干事的待办", "登记上报省局")  # the same 我的待办 card, its other button
    wait_for(lambda: any(f"已登记 {case.number} 上报省局" in t for t in dt_texts(dt, DESK_LI)), what="上报省局")
    wecom.act_as("zhaojz").send_text(f"上报 {case.number} 市委市政府 电话报告市委办")
    zhao_told(f"已登记 {case.number} 上报市委市政府")
    wecom.act_as("zhaojz").send_text(f"上报 {case.number} 省局")
    zhao_told(f"{case.number} 的上报省局已由李干事于")

    city, province, group = (duty(stack, case.case_id, k) for k in
                             (DutyKind.REPORT_UP_CITY, DutyKind.REPORT_UP_PROVINCE, DutyKind.LEADING_GROUP_MEETING))
    assert (city.state, city.ended_by, province.ended_by, group.ended_by) == ("done", "p-zhao", "p-li", "p-li")
    assert not any(d.firing_id for d in (city, province, group))  # nothing left to fire
    details = {e["kind"]: e["details"] for e in fulfilments(stack, case.case_id)}
    assert details["report_up_city"]["by"] == "p-zhao" and details["report_up_city"]["note"] == "电话报告市委办"
    assert details["leading_group_meeting"]["attendees"] == ["p-zhao", "p-qian", "p-sun"]
    assert len(details) == 3 and len(fulfilments(stack, case.case_id)) == 3


def test_a_transferred_case_records_its_feedback_and_the_unit_feeds_back_by_special_report(stack):
    wecom = stack.emulator.wecom
    number = _transferred_case(stack)

    def told(user, text):
        return wait_for(lambda: next((m for m in wecom.messages_for_user(user) if text in str(m["content"])), None),
                        what=f"{user} to see {text!r}\n" + stack.worker_log())

    wecom.act_as("zhouks").send_text(f"转办反馈 {number}")  # the unit does not answer the province
    told("zhouks", "由舆情工作台登记")
    chen = wecom.act_as("chengs")
    chen.send_text("我的待办")
    chen.click(*wecom_button(wecom, "chengs", "陈干事的待办", "duty.transfer_feedback", number))
    for question, answer in (("反馈给谁？", "省局舆情办"), ("何时反馈的？", "现在")):
        told("chengs", question)
        chen.send_text(answer)
    told("chengs", "反馈了什么？")
    chen.send_text("已核查，涉事企业责令停产整改，情况已书面反馈")
    told("chengs", f"确认转办反馈 {number}")
    chen.send_text("确认")
    told("chengs", f"已登记 {number} 转办反馈")
    with stack.database.session() as session:
        case = SessionCaseStore(session).run(lambda repo: repo.case_by_number(number))
    feedback = duty(stack, case.id, DutyKind.TRANSFER_FEEDBACK)
    assert feedback.state == "done" and feedback.ended_by == "p-chen" and feedback.firing_id is None
    (entry,) = fulfilments(stack, case.id)
    assert entry["details"]["to"] == "省局舆情办" and "停产整改" in entry["details"]["what"]

    wecom.act_as("fenggs").send_text(f"签收 {number}")
    told("fenggs", f"已签收 {number}")
    wecom.act_as("fenggs").send_text(f"反馈 {number}")  # the unit's feedback to the desk: the 专项报告
    told("fenggs", "请发送专项报告内容")


def _transferred_case(stack) -> str:
    """A case transferred from 省局 (slip 省局转〔2026〕12号, feedback due in three days), assigned to u-food."""
    from datetime import timedelta

    from bot.domain.case.commands import open_case
    from bot.domain.context import load_rules
    from bot.domain.records import Actor
    from bot.domain.unit import commands as unit_commands
    from bot.store.org_repo import read_organisation

    now = utcnow()
    with stack.database.session() as session:
        org = read_organisation(session)
        store, rules = SessionCaseStore(session), load_rules(org, None, None)
        actor = Actor("p-chen", "wecom")
        opened = open_case(store, rules, actor, now, title="省局转办：某食品厂使用过期原料", grade=Grade.GENERAL,
                           source="省局", transfer_ref="省局转〔2026〕12号", transfer_deadline=now + timedelta(days=3))
        unit_commands.assign_unit(store, rules, opened.case.id, actor, now, "u-food")
        session.commit()
        return opened.case.number


def test_each_record_typed_from_its_command_to_its_confirmation(stack):
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    sensitive = open_and_assign(stack, ["u-food"], Grade.SENSITIVE, title="某奶茶店使用过期原料")
    major = open_and_assign(stack, ["u-foodsale"], Grade.MAJOR, title="某超市销售过期面包")
    gravest = open_and_assign(stack, ["u-foodsale"], Grade.ESPECIALLY_MAJOR, title="某学校食堂集体腹泻")

    def on_wecom(user, exchange):
        for text, answer in exchange:
            wecom.act_as(user).send_text(text)
            wait_for(lambda: any(answer in str(m["content"]) for m in wecom.messages_for_user(user)),
                     what=f"{user} to see {answer!r}\n" + stack.worker_log())

    def on_dingtalk(user, exchange):
        for text, answer in exchange:
            dt.say_to_bot(user, text)
            wait_for(lambda: any(answer in t for t in dt_texts(dt, user)) or dt_card(dt, user, answer),
                     what=f"{user} to see {answer!r}\n" + stack.worker_log())

    on_wecom("fenggs", [(f"处置意见 {sensitive.number}", "是否公开回应？"), ("否", "是否组织网评员跟帖？"),
                        ("否 影响有限", "是否在门户网站/微信公众号发布？"), ("是 在公众号发布检查结果", "回复“确认”提交"),
                        ("确认", f"已登记 {sensitive.number} 处置意见")])
    assert not any("点击" in str(m["content"]) for m in wecom.messages_for_user("fenggs"))  # text only
    meeting = [("现在", "会议地点？"), ("局二楼会议室", "参会人员？"), ("吴副局长、褚科长、卫干事", "会议结论？")]
    on_dingtalk(WU, [(f"研判会议 {major.number}", "会议时间？"), *meeting,
                     ("责令下架并抽检", f"确认研判会议 {major.number}"), ("确认", f"已登记 {major.number} 研判会议")])
    on_wecom("zhaojz", [(f"领导小组会议 {gravest.number}", "会议时间？"), ("现在", "会议地点？"),
                        ("局党组会议室", "参会人员？"), ("赵局长、钱副局长", "会议结论？"),
                        ("成立专班", f"确认领导小组会议 {gravest.number}"),
                        ("确认", f"已登记 {gravest.number} 领导小组会议")])

    opinion = duty(stack, sensitive.case_id, DutyKind.HANDLING_OPINION)
    assert (opinion.state, opinion.ended_by) == ("done", "p-feng")
    assert fulfilments(stack, sensitive.case_id)[0]["details"]["publish"] == {"yes": True, "note": "在公众号发布检查结果"}
    assert duty(stack, major.case_id, DutyKind.ASSESSMENT_MEETING).ended_by == "p-wu"
    assert duty(stack, gravest.case_id, DutyKind.LEADING_GROUP_MEETING).ended_by == "p-zhao"
