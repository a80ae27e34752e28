"""Issue 19's rule held kind by kind: every duty kind the default policy puts a clock on is started on a case of
its own and ended by the act that ends it (``bot/domain/clock/acts.py``: its button or its command), through the
real signed callbacks, a real worker and the emulators — never by a call into the domain. One stack serves the
module (the default clocks: nothing falls due while it runs, so every act is on time); each walk opens its case
as the desk's intake would (``unit_flow.open_and_assign``) and from then on only people act:

* 签收 (一般, WeCom): 沈干事 clicks 签收 on his 舆情预警;
* 主要领导签收 (特别重大, WeCom): 赵局长 clicks 签收 on his 舆情通报;
* 初报 (重大, DingTalk): 卫干事 types 签收, then ``报告 YQ-… 初报``, the text, 确认;
* 续报 (重大, WeCom): 吕干事 signs and reports the 初报, then clicks 报告续报 on 我的待办, the text, 确认 —
  the next 续报's clock starts;
* 反馈处置情况 (一般, DingTalk): 杨干事 signs, types ``反馈 YQ-…``, the 专项报告, 确认;
* 处置意见 (敏感, WeCom): 曹干事 types ``处置意见 YQ-…`` and the three decisions, 确认;
* 研判会议 (重大, WeCom): the desk's 陈干事 types ``研判会议 YQ-…``, time, place, attendees, conclusion, 确认;
* 领导小组会议 (特别重大, DingTalk): the desk's 李干事, the same dialog;
* 上报市委市政府 (特别重大, WeCom): 赵局长 types ``上报 YQ-… 市委市政府 …``;
* 上报省局 (特别重大, DingTalk): the desk's head 孙科长 types ``上报 YQ-… 省局``;
* 转办反馈: 陈干事 opens a case by the ``转办`` dialog (no deadline: 3 wd), then types ``转办反馈 YQ-…`` and answers;
* 评估总结 (重大, DingTalk): 许干事 signs, the desk (李干事) types 跟踪 and 平息, 许干事 types ``评估 YQ-…``, the
  five parts, 确认;
* 回复督办 (一般, DingTalk): 李干事 types ``督办 YQ-… 广告 …``; 张干事 clicks 回复督办 on the 督办 card, the words;
* 口径审定 (一般, 丙区局): 水干事 types ``口径 YQ-…``, the text, 确认; 钱副局长 (WeCom) clicks 同意 on his 口径审定
  card, 王副局长 (the unit's leader in charge, WeCom) clicks 同意 on 我的待办 — each ends his own duty;
* 方案审批 (重大, 丙区局 again — sixteen units for the sixteen walks a unit is in, so this one shares it, through its
  head): 柏局长 types ``方案 YQ-…``, the way, content, time, 确认; 王副局长 clicks 同意 on his 方案审批 card, then
  赵局长 (whose card comes only then) types ``审批 YQ-…``;
* 发布权威信息 (特别重大, 甲县局) and 公开回应 (重大, 乙县局): the unit's liaison submits a 口径 and a 方案, the leaders
  approve them by typing (审定 ×2, 审批 ×2), and the desk's 发布 dialog (陈干事: 门户网站; 孙科长: 新闻发布会),
  channel, 现在, 无 (link), 确认 ends the duty.

Each ended duty is done by the person who acted, on time, with nothing left for the clock to fire (the approvals:
every approver's duty, each by its owner). A kind the policy clocks without a walk here fails
(``test_every_kind_the_policy_clocks_is_walked`` and its parameter).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from sqlalchemy import select

from bot.domain.clock.acts import DUTY_ACTS, act_of, command_of
from bot.domain.clock.policy_file import default_policy
from bot.domain.grade import Grade
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.store.cases import CaseRow
from tests.integration import stack as stack_module
from tests.integration.duty_checks import duties, unverified
from tests.integration.intake.conftest import detail
from tests.integration.stack import Stack
from tests.integration.unit_flow import Opened, People, open_and_assign, timeline_actions

wait_for = partial(stack_module.wait_for, timeout=60)
K = DutyKind
POLICY_KINDS = sorted(default_policy().duties, key=str)  # the kinds the default policy puts a clock on
PUBLISHED = {K.AUTHORITATIVE_RELEASE, K.PUBLIC_RESPONSE}  # ended by the desk's 发布 (issue 20)
APPROVALS = {K.SCRIPT_APPROVAL, K.PLAN_APPROVAL}           # one duty per approver, each ended by its owner
DESK_CHEN, DESK_LI, DESK_SUN, MAIN = "chengs", "0524", "0523", "zhaojz"
# a record's dialog (handlers/duty_record.py): each question and its answer
MEETING = [("会议时间？", "现在"), ("会议地点？", "局三楼会议室"), ("参会人员？", "赵局长、钱副局长、孙科长"),
           ("会议结论？", "立即下架涉事批次并发布通报")]
FEEDBACK_TO_PROVINCE = [("反馈给谁？", "省局舆情办"), ("何时反馈的？", "现在"),
                        ("反馈了什么？", "已核查，涉事企业责令停产整改，情况已书面反馈")]
EVALUATION = ["网民转发涉事视频", "食品安全类舆情", "本地传播，未出省", "涉事门店主体责任", "发现早、处置快"]


@pytest.fixture(scope="module")
def people(redis_service, tmp_path_factory):
    """One running stack for every walk (the default policy), its people ready to act."""
    redis_service.reset()
    running = Stack(redis_service.url, tmp_path_factory.mktemp("every-duty-kind"))
    yield People(running)
    running.stop()


def sign(p: People, user: str, number: str) -> None:
    """The unit's liaison types 签收 (the act that ends 签收; here only the way to the duty walked)."""
    p.exchange(user, (command_of(K.ACKNOWLEDGE, number), f"已签收 {number}"))


def report(p: People, user: str, number: str, label: str, start: Callable[[], None]) -> None:
    """A report dialog from ``start`` (a command typed or a button clicked): its text, then typed 确认."""
    seen = len(p.got(user))
    start()
    p.wait(lambda: any(f"请发送{label}内容" in t for t in p.got(user)[seen:]), what=f"{user} asked for the {label}")
    p.exchange(user, (f"{label}：涉事批次已全部下架封存，正在溯源。", f"确认提交{label}"), ("确认", f"已提交 {number} {label}"))


def record(p: People, user: str, kind: DutyKind, number: str, dialog: list[tuple[str, str]]) -> None:
    """A record's dialog: the kind's command, each answer once its question is asked, the record shown back
    (确认<label>), typed 确认, told it is recorded."""
    label = DUTY_LABELS[kind]
    questions, answers = zip(*dialog)
    p.exchange(user, *zip([command_of(kind, number), *answers], [*questions, f"确认{label} {number}"]),
               ("确认", f"已登记 {number} {label}"))


def track_and_subside(p: People, desk: str, case: Opened) -> None:
    """The desk's 跟踪 (the case 跟踪中) and 平息 (已平息), typed."""
    p.say(desk, f"跟踪 {case.number} 话题热度回落，无新增负面")
    wait_for(lambda: detail(p.stack, case.number)["state"] == "tracking", what="跟踪中\n" + p.stack.worker_log())
    p.say(desk, f"平息 {case.number} 连续48小时无新增讨论")
    wait_for(lambda: detail(p.stack, case.number)["state"] == "subsided", what="已平息\n" + p.stack.worker_log())


# Each walk opens its case, ends the kind's first duty by its act and returns (the case, who acted).
# Every unit acts in one walk only, so its 我的待办 and cards hold that walk's case alone.

def acknowledge(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-drug"], Grade.GENERAL)
    p.press("shengs", f"舆情预警 {case.number}", act_of(K.ACKNOWLEDGE).action, case=case.number)
    return case, "p-shen"


def main_leader_acknowledge(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-law"], Grade.ESPECIALLY_MAJOR)
    p.press(MAIN, f"舆情通报 {case.number}", act_of(K.MAIN_LEADER_ACKNOWLEDGE).action, case=case.number)
    return case, "p-zhao"


def initial_report(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-foodsale"], Grade.MAJOR)
    sign(p, "0602", case.number)
    report(p, "0602", case.number, "初报", lambda: p.say("0602", command_of(K.INITIAL_REPORT, case.number)))
    return case, "p-wei"


def follow_up(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-consumer"], Grade.MAJOR)
    sign(p, "lvgs", case.number)
    report(p, "lvgs", case.number, "初报", lambda: p.say("lvgs", command_of(K.INITIAL_REPORT, case.number)))
    wait_for(lambda: duties(p.stack, case.case_id, K.FOLLOW_UP), what="the 续报's clock after the 初报")
    p.exchange("lvgs", ("我的待办", "吕干事的待办"))
    report(p, "lvgs", case.number, "续报",
           lambda: p.press("lvgs", "吕干事的待办", act_of(K.FOLLOW_UP).action, case=case.number))
    wait_for(lambda: len(duties(p.stack, case.case_id, K.FOLLOW_UP)) == 2, what="the next 续报's clock")
    return case, "p-lv"


def feedback(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-price"], Grade.GENERAL)
    sign(p, "0612", case.number)
    report(p, "0612", case.number, "专项报告", lambda: p.say("0612", command_of(K.FEEDBACK, case.number)))
    return case, "p-yang"


def handling_opinion(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-registration"], Grade.SENSITIVE)
    p.exchange("caogs", (command_of(K.HANDLING_OPINION, case.number), "是否公开回应？"),
               ("否", "是否组织网评员跟帖？"), ("否 影响有限", "是否在门户网站/微信公众号发布？"),
               ("是 在公众号发布检查结果", f"确认处置意见 {case.number}"), ("确认", f"已登记 {case.number} 处置意见"))
    return case, "p-cao"


def assessment_meeting(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-quality"], Grade.MAJOR)
    record(p, DESK_CHEN, K.ASSESSMENT_MEETING, case.number, MEETING)
    return case, "p-chen"


def leading_group_meeting(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-food"], Grade.ESPECIALLY_MAJOR)
    record(p, DESK_LI, K.LEADING_GROUP_MEETING, case.number, MEETING)
    return case, "p-li"


def report_up_city(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-inspection"], Grade.ESPECIALLY_MAJOR)
    p.exchange(MAIN, (f"{command_of(K.REPORT_UP_CITY, case.number)} 电话报告市委值班室",
                      f"已登记 {case.number} 上报市委市政府"))
    return case, "p-zhao"


def report_up_province(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-complaints"], Grade.ESPECIALLY_MAJOR)
    p.exchange(DESK_SUN, (command_of(K.REPORT_UP_PROVINCE, case.number), f"已登记 {case.number} 上报省局"))
    return case, "p-sun"


def transfer_feedback(p: People) -> tuple[Opened, str]:
    slip = "省局转〔2026〕19号"
    p.exchange(DESK_CHEN, ("转办", "请回复转办来源"), ("省局", "请回复转办单编号"), (slip, "请回复反馈期限"),
               ("无", "请回复舆情标题或内容"), ("省局转办：某食品厂使用过期原料", "已立案"))
    with p.stack.database.session() as session:
        row = session.scalars(select(CaseRow).where(CaseRow.transfer_ref == slip)).one()
        case = Opened(row.number, row.id)
    record(p, DESK_CHEN, K.TRANSFER_FEEDBACK, case.number, FEEDBACK_TO_PROVINCE)
    return case, "p-chen"


def evaluation(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-special"], Grade.MAJOR)
    sign(p, "0632", case.number)
    track_and_subside(p, DESK_LI, case)
    marks = [f"（{i}/5" for i in range(2, 6)]
    p.exchange("0632", (command_of(K.EVALUATION, case.number), "（1/5"), *zip(EVALUATION, [*marks, "确认提交评估总结"]),
               ("确认", f"已提交 {case.number} 评估总结"))
    return case, "p-xu"


def supervision_answer(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-ad"], Grade.GENERAL)
    p.exchange(DESK_LI, (f"督办 {case.number} 广告 请今天内报告核查结果", "已督办广告监督管理科"))
    p.press("0642", "督办", act_of(K.SUPERVISION_ANSWER).action, case=case.number)
    p.told("0642", "督办的回复内容")
    p.exchange("0642", ("已约谈经营者，正在核查", f"已回复 {case.number} 的督办"))
    return case, "p-zhang"


def submit_script(p: People, user: str, number: str) -> None:
    """The unit's ``口径 YQ-…`` dialog: the text, then typed 确认."""
    p.exchange(user, (f"口径 {number}", "口径内容"), ("涉事批次已全部下架封存，正在溯源，结果将及时公布。", "确认提交口径"),
               ("确认", f"已提交 {number}"))


def submit_plan(p: People, user: str, number: str, way: str) -> None:
    """The ``方案 YQ-…`` dialog: the way, the content, when, then typed 确认."""
    p.exchange(user, (f"方案 {number}", "请选择回应方式"), (way, "回应方案的内容"),
               ("通报核查结果和处置措施，回答记者提问", "回应时间"), ("今天 16:00", "确认提交回应方案"),
               ("确认", f"已提交 {number}"))


def script_approval(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-county-c"], Grade.GENERAL)
    submit_script(p, "0812", case.number)
    p.press("qianfjz", f"口径审定 {case.number}", act_of(K.SCRIPT_APPROVAL).action, case=case.number)
    p.exchange("wangfjz", ("我的待办", "王副局长的待办"))
    p.press("wangfjz", "王副局长的待办", act_of(K.SCRIPT_APPROVAL).action, case=case.number)
    return case, "p-qian"


def plan_approval(p: People) -> tuple[Opened, str]:
    case = open_and_assign(p.stack, ["u-county-c"], Grade.MAJOR, title="某超市销售过期食品（回应方案）")
    submit_plan(p, "0811", case.number, "新闻通稿")
    p.press("wangfjz", f"方案审批 {case.number}", act_of(K.PLAN_APPROVAL).action, case=case.number)
    p.told(MAIN, f"方案审批 {case.number}")  # his card only after the leader in charge's 同意
    p.exchange(MAIN, (command_of(K.PLAN_APPROVAL, case.number), "（已通过）"))
    return case, "p-wang"


def published(grade: Grade, unit: str, liaison: str, leader: str, desk: str, channel: str,
              ) -> Callable[[People], tuple[Opened, str]]:
    """发布权威信息 / 公开回应: the unit's 口径 approved by 钱副局长 and its leader in charge, its 方案 by the leader in
    charge and 赵局长 (all typed), then the desk's 发布 dialog on ``channel``."""
    def walk(p: People) -> tuple[Opened, str]:
        case = open_and_assign(p.stack, [unit], grade)
        submit_script(p, liaison, case.number)
        p.exchange("qianfjz", (f"审定 {case.number} v1", "已审定同意"))
        p.exchange(leader, (f"审定 {case.number} v1", "（已通过）"))
        submit_plan(p, liaison, case.number, "新闻发布会")
        p.exchange(leader, (f"审批 {case.number} v1", "已审批同意"))
        p.exchange(MAIN, (f"审批 {case.number} v1", "（已通过）"))
        p.exchange(desk, (command_of(K.PUBLIC_RESPONSE, case.number), "通过什么渠道发布"), (channel, "何时发布"),
                   ("现在", "发布链接"), ("无", f"确认发布 {case.number}"), ("确认", f"已登记 {case.number} 发布"))
        return case, {DESK_CHEN: "p-chen", DESK_SUN: "p-sun"}[desk]
    return walk


WALKS: dict[DutyKind, Callable[[People], tuple[Opened, str | None]]] = {
    K.ACKNOWLEDGE: acknowledge, K.MAIN_LEADER_ACKNOWLEDGE: main_leader_acknowledge, K.INITIAL_REPORT: initial_report,
    K.FOLLOW_UP: follow_up, K.FEEDBACK: feedback, K.HANDLING_OPINION: handling_opinion,
    K.ASSESSMENT_MEETING: assessment_meeting, K.LEADING_GROUP_MEETING: leading_group_meeting,
    K.REPORT_UP_CITY: report_up_city, K.REPORT_UP_PROVINCE: report_up_province,
    K.TRANSFER_FEEDBACK: transfer_feedback, K.EVALUATION: evaluation, K.SUPERVISION_ANSWER: supervision_answer,
    K.SCRIPT_APPROVAL: script_approval, K.PLAN_APPROVAL: plan_approval,
    K.AUTHORITATIVE_RELEASE: published(Grade.ESPECIALLY_MAJOR, "u-county-a", "0802", "0412", DESK_CHEN, "门户网站"),
    K.PUBLIC_RESPONSE: published(Grade.MAJOR, "u-county-b", "yugs", "0413", DESK_SUN, "新闻发布会"),
}


def test_every_kind_the_policy_clocks_is_walked():
    assert set(WALKS) == set(POLICY_KINDS), "a duty kind with a clock needs a walk here that ends it by its act"
    assert {k for k in POLICY_KINDS if DUTY_ACTS.get(k) is None} == set(), "every clocked kind has its act"
    assert {k for k in PUBLISHED if act_of(k).action == "publication.start"} == PUBLISHED, \
        "发布权威信息 and 公开回应 are ended by the desk's 发布 (issue 20), no longer missed at 平息"


@pytest.mark.parametrize("kind", POLICY_KINDS, ids=str)
def test_a_duty_kind_ends_by_its_act(people, kind):
    if kind not in WALKS:
        pytest.fail(f"the policy clocks {kind} but no walk here ends it by its act")
    case, actor = WALKS[kind](people)
    first = lambda: duties(people.stack, case.case_id, kind)[0]  # noqa: E731
    wait_for(lambda: first().state != "open", what=f"the {kind} to end\n" + people.stack.worker_log()[-3000:])
    ended = first()
    assert (ended.state, ended.ended_by, ended.late) == ("done", actor, False)
    assert ended.firing_id is None, "nothing left for the clock to fire"
    if kind in APPROVALS:  # every approver's own duty, each ended by its owner's 同意, on time
        wait_for(lambda: all(d.state != "open" for d in duties(people.stack, case.case_id, kind)),
                 what=f"every {kind} to end\n" + people.stack.worker_log()[-3000:])
        every = duties(people.stack, case.case_id, kind)
        ends = [(d.state, d.ended_by, d.late, d.firing_id) for d in every]
        assert len(every) == 2 and ends == [("done", d.owner_person, False, None) for d in every], ends
    if kind in PUBLISHED:  # by 发布, on time — no longer closed as missed at 平息
        assert "publication.publish" in timeline_actions(people.stack, case.case_id)
    assert unverified(people.stack) == {}, "case verify: the rows agree with what the timeline recorded (issue 24)"
