"""评估 and 督办 through the real callbacks, a real worker and the emulators (issue 19, items 6 and 7).

- WeCom only: u-drug (liaison 沈干事 shengs) writes its evaluation of a subsided 重大 case in five parts, the desk
  (陈干事 chengs) returns it with a reason, the liaison rewrites it from the 填写评估 button, the desk accepts it
  from the card's 通过 — the case is evaluated.
- A leader on WeCom (钱副局长 qianfjz) clicks 督办 on his bulletin, types the words; the DingTalk liaison (卫干事
  0602) gets them on a card and answers from its 回复督办; the answer reaches the leader, on time.
- A 督办 the unit answers after its deadline is counted late (a policy file gives 重大 a 3-second clock).

The case subsides as the desk makes it: 跟踪, then 平息 (which starts each unit's evaluation duty).
"""

from __future__ import annotations

from functools import partial

import pytest

from bot.core.clock import utcnow
from bot.domain.case.lifecycle import CaseState
from bot.domain.case.supervision import SupervisionCount, supervision_counts
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import DutyState
from bot.store.case_repo import SessionCaseStore
from tests.integration import stack as stack_module
from tests.integration.stack import Stack
from tests.integration.unit_flow import open_and_assign, timeline_actions

wait_for = partial(stack_module.wait_for, timeout=40)
PARTS = ["源于消费者投诉", "一般性质", "微博转发三千", "经营者主体责任", "加强抽检"]
LATE_POLICY = ("duties:  # 重大: 3 s, so the answer is late by the time it comes; the other grades keep the defaults\n"
               "  supervision_answer: {especially_major: 1h, major: 0.05min, sensitive: 1wd, general: 2wd}\n")


@pytest.fixture
def stack(redis_url, tmp_path):
    """The product with a policy file that gives a 重大 督办 a 3-second clock (the rest: the defaults)."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(LATE_POLICY, encoding="utf-8")
    running = Stack(redis_url, tmp_path, extra_env={"POLICY_FILE": str(policy)})
    yield running
    running.stop()


def wecom_cards(wecom, userid, title):
    return [c for c in wecom.cards_for_user(userid) if c["card"]["main_title"]["title"].startswith(title)]


def wecom_told(wecom, userid, text):
    return sum(text in str(m.get("content")) for m in wecom.messages_for_user(userid))


def dt_told(dt, userid, text):
    return sum(text in str(m.content) for m in dt.messages_for_user(userid) if m.channel != "card")


def duties(stack, case_id, kind):
    with stack.database.session() as session:
        return [d for d in SessionCaseStore(session).run(lambda repo: repo.duties(case_id)) if d.kind == kind]


def case_state(stack, case_id):
    with stack.database.session() as session:
        return SessionCaseStore(session).run(lambda repo: repo.get_case(case_id)).state


def subside(stack, case):
    """The desk (陈干事, WeCom) types 跟踪 and then 平息: the case subsides and each unit's evaluation starts."""
    desk = stack.emulator.wecom.act_as("chengs")
    desk.send_text(f"跟踪 {case.number} 舆情热度下降，持续关注")
    wait_for(lambda: case_state(stack, case.case_id) == CaseState.TRACKING, what="跟踪\n" + stack.worker_log())
    desk.send_text(f"平息 {case.number} 舆情已平息")
    wait_for(lambda: case_state(stack, case.case_id) == CaseState.SUBSIDED, what="平息\n" + stack.worker_log())


def write_evaluation(stack, wecom, start):
    """The liaison's five parts and 确认, each part sent once its question (n/5) arrived."""
    marks = [f"（{i + 1}/5" for i in range(len(PARTS))]
    before = [wecom_told(wecom, "shengs", m) for m in marks] + [len(wecom_cards(wecom, "shengs", "确认提交评估总结"))]
    start()
    for i, part in enumerate(PARTS):
        wait_for(lambda: wecom_told(wecom, "shengs", marks[i]) > before[i],
                 what=f"question {i + 1}\n" + stack.worker_log())
        wecom.act_as("shengs").send_text(part)
    wait_for(lambda: len(wecom_cards(wecom, "shengs", "确认提交评估总结")) > before[-1], what="the confirm card")
    wecom.act_as("shengs").send_text("确认")


def test_an_evaluation_returned_rewritten_and_accepted_on_wecom(stack):
    wecom = stack.emulator.wecom
    case = open_and_assign(stack, ["u-drug"], Grade.MAJOR)
    warning = wait_for(lambda: wecom_cards(wecom, "shengs", "舆情预警"), what="the warning\n" + stack.worker_log())[-1]
    wecom.act_as("shengs").click(warning["task_id"], warning["clickable"][0])
    wait_for(lambda: "case.ack" in timeline_actions(stack, case.case_id), what="签收\n" + stack.worker_log())
    subside(stack, case)

    write_evaluation(stack, wecom, lambda: wecom.act_as("shengs").send_text(f"评估 {case.number}"))
    first = wait_for(lambda: wecom_cards(wecom, "chengs", "评估总结"), what="the desk's card\n" + stack.worker_log())[-1]
    assert "经验教训：加强抽检" in str(first["card"]) and first["clickable"][0].startswith("evaluation.accept?")
    wait_for(lambda: wecom_told(wecom, "shengs", f"已提交 {case.number} 评估总结"), what="the liaison's receipt")
    assert wecom_told(wecom, "shengs", f"已提交 {case.number} 评估总结") == 1

    wecom.act_as("chengs").send_text(f"退回修改 {case.number} 药品 影响一栏请写明传播范围")
    back = wait_for(lambda: wecom_cards(wecom, "shengs", "评估总结退回修改"), what="the return\n" + stack.worker_log())[-1]
    assert "影响一栏请写明传播范围" in str(back["card"])
    write_evaluation(stack, wecom, lambda: wecom.act_as("shengs").click(back["task_id"],
                                                                                       back["clickable"][0]))
    second = wait_for(lambda: len(wecom_cards(wecom, "chengs", "评估总结")) == 2 and wecom_cards(wecom, "chengs", "评估总结"),
                      what="the rewritten evaluation\n" + stack.worker_log())[-1]
    wecom.act_as("chengs").click(second["task_id"], second["clickable"][0])
    wait_for(lambda: wecom_told(wecom, "chengs", "案件已评估"), what="the case evaluated\n" + stack.worker_log())

    assert case_state(stack, case.case_id) == CaseState.EVALUATED
    actions = [a for a in timeline_actions(stack, case.case_id) if a.startswith("evaluation.")]
    assert actions == ["evaluation.submit", "evaluation.return", "evaluation.submit", "evaluation.accept"]
    evaluations = duties(stack, case.case_id, DutyKind.EVALUATION)
    assert [(d.state, d.late, d.policy["duration"]) for d in evaluations] == [
        (DutyState.DONE, False, "5wd"), (DutyState.DONE, False, "2wd")]
    # the liaison's own answer is a row of its own: it may arrive after the desk's
    wait_for(lambda: wecom_told(wecom, "shengs", "审核通过"), what="the liaison told\n" + stack.worker_log())
    assert wecom_told(wecom, "shengs", "审核通过") == 1


def test_a_leader_supervises_from_his_bulletin_on_wecom_and_the_dingtalk_unit_answers(stack):
    wecom, dt = stack.emulator.wecom, stack.emulator.dingtalk
    case = open_and_assign(stack, ["u-foodsale"], Grade.SENSITIVE)
    bulletin = wait_for(lambda: [c for c in wecom_cards(wecom, "qianfjz", "舆情通报")
                                 if any(k.startswith("supervision.start?") for k in c["clickable"])],
                        what="the bulletin with 督办\n" + stack.worker_log())[-1]
    key = next(k for k in bulletin["clickable"] if k.startswith("supervision.start?"))
    assert "u=u-foodsale" in key
    wecom.act_as("qianfjz").click(bulletin["task_id"], key)
    wait_for(lambda: wecom_told(wecom, "qianfjz", "请发送对食品经营安全监督管理科的督办内容"), what="the question")
    wecom.act_as("qianfjz").send_text("请今天内核实并报告处置进展")
    wait_for(lambda: wecom_told(wecom, "qianfjz", "已督办食品经营安全监督管理科"), what="the 督办 sent\n" + stack.worker_log())

    card = wait_for(lambda: [m for m in dt.messages_for_user("0602") if m.channel == "card"
                             and dt.card_view(m.out_track_id, "0602")["title"].startswith("督办")],
                    what="the 督办 card on DingTalk\n" + stack.worker_log())[-1]
    view = dt.card_view(card.out_track_id, "0602")
    assert "请今天内核实并报告处置进展" in str(view) and not view["problems"]
    button = next(b for b in view["buttons"] if b["text"] == "回复督办")
    dt.click("0602", card.out_track_id, button["action_id"])
    wait_for(lambda: dt_told(dt, "0602", "督办的回复内容"), what="the answer's question\n" + stack.worker_log())
    dt.say("0602", "已约谈经营者，正在核查")
    wait_for(lambda: dt_told(dt, "0602", "已回复"), what="the answer confirmed\n" + stack.worker_log())
    wait_for(lambda: wecom_told(wecom, "qianfjz", "已约谈经营者，正在核查"), what="the answer to the leader")
    assert wecom_told(wecom, "qianfjz", "（按时）") == 1

    actions = timeline_actions(stack, case.case_id)
    assert actions.count("supervision.send") == 1 and actions.count("supervision.answer") == 1
    assert supervision_counts(duties(stack, case.case_id, DutyKind.SUPERVISION_ANSWER)) == {
        "u-foodsale": SupervisionCount(total=1, on_time=1, late=0, open=0)}


def test_a_supervision_answered_after_its_deadline_is_counted_late(stack):
    dt = stack.emulator.dingtalk
    case = open_and_assign(stack, ["u-foodsale"], Grade.MAJOR)
    dt.say("0524", f"督办 {case.number} 食品经营 请一小时内报告核查结果")  # 李干事, the desk, on DingTalk
    wait_for(lambda: dt_told(dt, "0524", "已督办食品经营安全监督管理科"), what="the 督办 sent\n" + stack.worker_log())
    duty = wait_for(lambda: duties(stack, case.case_id, DutyKind.SUPERVISION_ANSWER), what="the duty")[0]
    wait_for(lambda: utcnow() > duty.due_at, what="the answer's deadline to pass")
    dt.say("0602", f"回复督办 {case.number} 核查结果已报")
    wait_for(lambda: dt_told(dt, "0602", "逾期回复"), what="the late answer confirmed\n" + stack.worker_log())
    wait_for(lambda: dt_told(dt, "0524", "逾期回复"), what="the desk told it came late")
    assert supervision_counts(duties(stack, case.case_id, DutyKind.SUPERVISION_ANSWER)) == {
        "u-foodsale": SupervisionCount(total=1, on_time=0, late=1, open=0)}
