"""Every card button of the unit's side that must be refused (issue 7), clicked for real through the
emulators on each platform where the card exists: who clicks which button of which card, and the Chinese
reason the answer must name. Typed commands are tests/faults/test_role_matrix.py; this is the buttons.

Each row asserts what a person would notice and what must not happen:
* one answer, naming the reason (to the clicker 1:1, or in the card's group);
* the clicked card as it was (not turned into a success state);
* nothing else changed: every case's timeline, its assignments, and no outbox row but the answer.

Who can click what is the platforms' own rule: a DingTalk group card is clickable by every member of the
group, so the unit's group here also holds people of no role on the unit (吴副局长, the leader in charge;
李干事 of the desk; 杨干事 and 韩科长 of another unit), as real groups do; a WeCom app card only by the one
person it was sent to — there a refused click is a stale copy (a card WeCom could no longer change in
place), a dialog's card after the dialog moved on, or a card whose holder lost the role (the organisation
file reloaded for that row, then restored).

One stack for the module; the fixture walks the cases to the states the rows need (only real callbacks,
except opening and assigning, which tests/integration/unit_flow.py does in the stack's database):

* A (重大 → 特别重大 typed by the desk): 食品经营科 (DingTalk) still warned; 药品科 (WeCom) acknowledged by its
  head by typing, so the liaison's first card (already changed once by the grade) is a stale copy; the main
  leader's bulletin acknowledged by typing; the liaison's report walked on WeCom to the desk.
* B (一般): 价格科 returned and reassigned by the desk on DingTalk (the other desk copies stale); 食品经营科
  acknowledged, its liaison's report dialog (started by @-mentioning the bot in the group, so its cards are
  in the group: a click is answered 1:1, a message where it was said) waiting at the confirm card; a grade
  card the desk asked for in that group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pytest
from sqlalchemy import func, select

from bot.domain.grade import Grade
from bot.store.outbox import OutboxRow
from tests.faults.redeliver import settled
from tests.faults.stackhelp import reload_org
from tests.integration import stack as stack_module
from tests.integration.stack import Stack
from tests.integration.unit_flow import (
    assignment_states,
    open_and_assign,
    timeline_actions,
    without_previews,
)

wait_for = partial(stack_module.wait_for, timeout=40)
FOODSALE = "cidFoodSale01=="
WEI, CHU, YANG, HAN, WU, LI, SUN = "0602", "0601", "0612", "0611", "0412", "0524", "0523"
EXTRA_MEMBERS = [YANG, HAN, WU, LI]  # in 食品经营科's DingTalk group, with no role on its part of a case
UNIT_ONLY = "只有承办单位的联络员或负责人可以"


@dataclass(frozen=True)
class Row:
    """A refused click: who (user id on the platform) clicks the button (action, label) of a card."""

    name: str
    platform: str
    who: str
    card: str
    action: str
    label: str
    reason: str
    org: Callable[[dict], None] | None = None  # the organisation file as it stands for this row


def not_on_desk(data: dict) -> None:
    """陈干事 is no longer a liaison of the desk (综合应急和新闻宣传科)."""
    next(u for u in data["units"] if u["id"] == "u-desk")["liaisons"] = ["p-li"]


def main_leader_moved(data: dict) -> None:
    """钱副局长 is the main leader now; 赵局长 keeps his bulletin card but not the role."""
    for person in data["people"]:
        person["roles"] = [r for r in person.get("roles", []) if r != "main_leader"]
        if person["id"] == "p-qian":
            person["roles"].append("main_leader")


D, W = "dingtalk", "wecom"
ROWS = [
    # 签收 / 非本单位职责 on the warning card in the unit's DingTalk group, by people of no role on the unit
    Row("ack by a liaison of another unit", D, YANG, "A warning", "case.ack", "签收", UNIT_ONLY + "签收"),
    Row("ack by the head of another unit", D, HAN, "A warning", "case.ack", "签收", UNIT_ONLY + "签收"),
    Row("ack by the leader in charge", D, WU, "A warning", "case.ack", "签收", UNIT_ONLY + "签收"),
    Row("ack by the desk", D, LI, "A warning", "case.ack", "签收", UNIT_ONLY + "签收"),
    Row("reject by a liaison of another unit", D, YANG, "A warning", "case.reject", "非本单位职责", UNIT_ONLY + "退回"),
    Row("reject by the leader in charge", D, WU, "A warning", "case.reject", "非本单位职责", UNIT_ONLY + "退回"),
    Row("reject by the desk", D, LI, "A warning", "case.reject", "非本单位职责", UNIT_ONLY + "退回"),
    # a stale WeCom copy of the warning: the head acknowledged meanwhile
    Row("second ack on a stale copy", W, "shengs", "A stale warning", "case.ack", "签收", "已由蒋科长于"),
    Row("reject after the acknowledgement", W, "shengs", "A stale warning", "case.reject", "非本单位职责",
        "已由蒋科长于"),
    # 报告 on the acknowledged unit's group card
    Row("report by a liaison of another unit", D, YANG, "B unit card", "report.start", "报告", UNIT_ONLY + "报告"),
    Row("report by the head of another unit", D, HAN, "B unit card", "report.start", "报告", UNIT_ONLY + "报告"),
    Row("report by the leader in charge", D, WU, "B unit card", "report.start", "报告", UNIT_ONLY + "报告"),
    Row("report by the desk", D, LI, "B unit card", "report.start", "报告", UNIT_ONLY + "报告"),
    # the report dialog's buttons: someone else's dialog, or a step that is over
    Row("report kind on someone else's card", D, CHU, "B kinds", "report.kind", "初报", "这是卫干事的报告步骤"),
    Row("confirm on someone else's card", D, CHU, "B confirm", "report.confirm", "确认提交", "这是卫干事的报告步骤"),
    Row("redo on someone else's card", D, YANG, "B confirm", "report.redo", "重新填写", "这是卫干事的报告步骤"),
    Row("report kind after the kind was chosen", D, WEI, "B kinds", "report.kind", "核报", "这一步已结束"),
    Row("report kind after the report was sent", W, "shengs", "A kinds", "report.kind", "核报", "这一步已结束"),
    Row("confirm after the report was sent by typing", W, "shengs", "A confirm", "report.confirm", "确认提交",
        "这一步已结束"),
    # 定级: the desk's grade card in a unit group, clicked by the unit; 调整定级 by someone off the desk
    Row("grade pick by the unit's liaison", D, WEI, "B grades", "grade.pick", "特别重大舆情", "这是李干事的定级步骤"),
    Row("grade pick by the unit's head", D, CHU, "B grades", "grade.pick", "一般舆情", "这是李干事的定级步骤"),
    Row("regrade by someone off the desk", W, "chengs", "A report at the desk", "case.grade", "调整定级",
        "没有“定级”的权限", not_on_desk),
    # 改派 on the desk's returned card: a second click (陈干事's WeCom copy; the desk's DingTalk holders share one
    # card, which 李干事's click changed for all of them), someone off the desk
    Row("second reassign (WeCom copy)", W, "chengs", "B reassign chen", "case.reassign", "", "已改派，此卡片已失效"),
    Row("reassign by someone off the desk", W, "chengs", "B reassign chen", "case.reassign", "",
        "没有“改派单位”的权限", not_on_desk),
    # 领导签收 on the main leader's bulletin: again, and after the role moved to someone else
    Row("leader ack a second time", W, "zhaojz", "A bulletin", "leader.ack", "签收", "已由赵局长于"),
    Row("leader ack by a leader who is not the main leader", W, "zhaojz", "A bulletin", "leader.ack", "签收",
        "只有主要领导可以签收", main_leader_moved),
]


# ---- reading the emulators


def dt_cards(dt, *, group=None, user=None):
    messages = dt.messages_for_group(group) if group else dt.messages_for_user(user)
    return [m for m in messages if m.channel == "card"]


def dt_titled(dt, prefix: str, viewer: str, *, group=None, user=None):
    """DingTalk cards (group or 1:1) whose title starts with ``prefix``, oldest first."""
    return [c for c in dt_cards(dt, group=group, user=user)
            if dt.card_view(c.out_track_id, viewer)["title"].startswith(prefix)]


def wc_titled(wecom, user: str, prefix: str) -> list[dict]:
    """WeCom cards ``user`` holds whose title starts with ``prefix``, oldest first."""
    return [c for c in wecom.cards_for_user(user) if c["card"]["main_title"]["title"].startswith(prefix)]


def answers(stack, row: Row, group: str | None) -> tuple[list[str], list[str]]:
    """Texts the clicker was sent 1:1, and (DingTalk) what was said in the card's group."""
    if row.platform == W:
        return [str(m["content"]) for m in stack.emulator.wecom.messages_for_user(row.who)
                if m["msgtype"] != "template_card"], []
    dt = stack.emulator.dingtalk
    mine = [m.content.get("text", "") for m in dt.messages_for_user(row.who) if m.channel != "card"]
    return mine, [m.content.get("text", "") for m in dt.messages_for_group(group) if m.channel != "card"] if group else []


def since(now: tuple[list[str], list[str]], seen: tuple[list[str], list[str]]) -> list[str]:
    """What was said after ``seen`` (1:1 and in the group)."""
    return now[0][len(seen[0]):] + now[1][len(seen[1]):]


def card_state(stack, row: Row, ref: str):
    if row.platform == W:
        return stack.emulator.wecom.card_for_user(row.who, ref)
    return stack.emulator.dingtalk.card_view(ref, row.who)


def click(stack, row: Row, ref: str) -> None:
    """Click the row's button as the row's person, as the platform would let them."""
    if row.platform == D:
        dt = stack.emulator.dingtalk
        button = next(b for b in dt.card_view(ref, row.who)["buttons"]
                      if b["action_id"].split("#")[0] == row.action and b["text"] in (row.label or b["text"]))
        dt.click(row.who, ref, button["action_id"])
        return
    wecom = stack.emulator.wecom
    card = wecom.card_for_user(row.who, ref)
    key = next(b["key"] for b in card["card"]["button_list"] if b["key"] in card["clickable"]
               and b["key"].split("?")[0] == row.action and b["text"] in (row.label or b["text"]))
    wecom.act_as(row.who).click(ref, key)


def state(stack) -> tuple:
    with stack.database.session() as session:
        rows = session.scalar(select(func.count()).select_from(OutboxRow))
    cases = [stack.cases[k].case_id for k in sorted(stack.cases)]
    return ([without_previews(timeline_actions(stack, c)) for c in cases],
            [assignment_states(stack, c) for c in cases], rows)


# ---- the walk to the states the rows need


def told(stack, platform: str, user: str, text: str, group: str | None = None) -> None:
    row = Row("", platform, user, "", "", "", "")
    wait_for(lambda: any(text in t for said in answers(stack, row, group) for t in said),
             what=f"{user} to be told {text!r}\n" + stack.worker_log()[-3000:])


def walk_a(stack, cards: dict) -> None:
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    a = stack.cases["A"] = open_and_assign(stack, ["u-foodsale", "u-drug"], grade=Grade.MAJOR)
    cards["A warning"] = wait_for(lambda: dt_titled(dt, f"舆情预警 {a.number}", CHU, group=FOODSALE),
                                  what="A's warning in the group\n" + stack.worker_log())[0].out_track_id
    first = wait_for(lambda: wc_titled(wecom, "shengs", f"舆情预警 {a.number}"), what="A's WeCom warning")[0]
    settled(stack, wait_for)
    dt.say_to_bot(LI, f"定级 {a.number} 特别重大 涉及多人就医，媒体广泛关注，热度持续上升")
    wait_for(lambda: "特别重大" in str(wecom.card_for_user("shengs", first["task_id"])["card"]),
             what="the WeCom warning changed in place to the new grade\n" + stack.worker_log())
    cards["A bulletin"] = wait_for(lambda: [c for c in wc_titled(wecom, "zhaojz", f"舆情通报 {a.number}")
                                            if any(k.startswith("leader.ack") for k in c["clickable"])],
                                   what="the main leader's bulletin with 签收")[0]["task_id"]  # every one has 督办
    settled(stack, wait_for)
    wecom.act_as("jiangks").send_text(f"签收 {a.number}")
    wait_for(lambda: ("u-drug", "acknowledged") in assignment_states(stack, a.case_id), what="the head's 签收")
    fresh = wait_for(lambda: [c for c in wc_titled(wecom, "shengs", f"舆情预警 {a.number}")
                              if c["task_id"] != first["task_id"]
                              and any(k.startswith("report.start") for k in c["clickable"])],
                     what="the new state as a fresh WeCom card\n" + stack.worker_log())[0]
    cards["A stale warning"] = first["task_id"]
    wecom.act_as("zhaojz").send_text(f"领导签收 {a.number}")
    told(stack, W, "zhaojz", f"已签收 {a.number}")

    key = next(k for k in fresh["clickable"] if k.startswith("report.start"))
    wecom.act_as("shengs").click(fresh["task_id"], key)
    kinds = wait_for(lambda: wc_titled(wecom, "shengs", f"报告 {a.number}"), what="the WeCom kinds card")[0]
    cards["A kinds"] = kinds["task_id"]
    wecom.act_as("shengs").send_text("初报")  # typed: a clicked kind would settle the card (finding 15)
    told(stack, W, "shengs", "请发送初报内容")
    wecom.act_as("shengs").send_text("涉事药店已停业整改，问题药品已封存。")
    confirm = wait_for(lambda: wc_titled(wecom, "shengs", "确认提交初报"), what="the WeCom confirm card")[0]
    cards["A confirm"] = confirm["task_id"]
    wecom.act_as("shengs").send_text("确认")  # typed: a clicked 确认提交 would settle the card
    told(stack, W, "shengs", f"已提交 {a.number} 初报（第1版）")
    cards["A report at the desk"] = wait_for(lambda: wc_titled(wecom, "chengs", f"初报（第1版） {a.number}"),
                                             what="the report at the desk (陈干事, WeCom)")[0]["task_id"]


def walk_b(stack, cards: dict) -> None:
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    b = stack.cases["B"] = open_and_assign(stack, ["u-price", "u-foodsale"])
    unit_card = wait_for(lambda: dt_titled(dt, f"舆情预警 {b.number}", CHU, group=FOODSALE),
                         what="B's warning in the group")[0].out_track_id
    cards["B unit card"] = unit_card
    settled(stack, wait_for)

    dt.say_to_bot(YANG, f"退回 {b.number}")
    told(stack, D, YANG, "的理由")
    dt.say_to_bot(YANG, "系食品经营问题，不属于价格监督检查职责")
    reassign = {who: wait_for(lambda who=who: dt_titled(dt, f"退回待改派 {b.number}", who, user=who),
                              what=f"the desk's reassign card ({who})")[0].out_track_id for who in (LI, SUN)}
    cards["B reassign chen"] = wait_for(lambda: wc_titled(wecom, "chengs", f"退回待改派 {b.number}"),
                                        what="the desk's reassign card (陈干事, WeCom)")[0]["task_id"]
    first = next(x for x in dt.card_view(reassign[LI], LI)["buttons"] if x["action_id"].startswith("case.reassign"))
    dt.click(LI, reassign[LI], first["action_id"])
    wait_for(lambda: ("u-price", "reassigned") in assignment_states(stack, b.case_id), what="the reassignment")
    wait_for(lambda: not dt.card_view(reassign[SUN], SUN)["buttons"], what="孙科长's DingTalk copy changed too")

    dt.click(WEI, unit_card, "case.ack")
    wait_for(lambda: [x["text"] for x in dt.card_view(unit_card, CHU)["buttons"]] == ["报告"],
             what="the group card acknowledged\n" + stack.worker_log())
    dt.say_in_group(WEI, FOODSALE, f"报告 {b.number}")  # a card answering a group message goes to the group
    cards["B kinds"] = wait_for(lambda: dt_titled(dt, f"报告 {b.number}", WEI, group=FOODSALE),
                                what="the kinds card in the group\n" + stack.worker_log())[0].out_track_id
    dt.say_in_group(WEI, FOODSALE, "专项报告")
    told(stack, D, WEI, "请发送专项报告内容")  # a question wanting a typed answer is asked 1:1 (finding 7)
    dt.say_in_group(WEI, FOODSALE, "门店已下架全部过期食品，正在核查进货台账。")
    cards["B confirm"] = wait_for(lambda: dt_titled(dt, "确认提交专项报告", WEI, group=FOODSALE),
                                  what="the confirm card in the group\n" + stack.worker_log())[0].out_track_id

    dt.say_in_group(LI, FOODSALE, f"定级 {b.number}")
    cards["B grades"] = wait_for(lambda: dt_titled(dt, f"定级 {b.number}", LI, group=FOODSALE),
                                 what="the grade card in the group\n" + stack.worker_log())[0].out_track_id


@pytest.fixture(scope="module")
def walked(redis_service, tmp_path_factory):
    redis_service.reset()
    running = Stack(redis_service.url, tmp_path_factory.mktemp("clicks"))
    running.cases, running.cards, running.org_folder = {}, {}, tmp_path_factory.mktemp("org")
    running.emulator.dingtalk.directory.group_members[FOODSALE].extend(EXTRA_MEMBERS)
    walk_a(running, running.cards)
    walk_b(running, running.cards)
    settled(running, wait_for)
    yield running
    running.stop()


def test_the_table_covers_every_refused_button_on_both_platforms():
    actions = {r.action for r in ROWS}
    assert actions == {"case.ack", "case.reject", "report.start", "report.kind", "report.confirm", "report.redo",
                       "grade.pick", "case.grade", "case.reassign", "leader.ack"}
    assert {r.platform for r in ROWS if r.action in ("case.ack", "case.reject", "report.kind")} == {D, W}


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_a_refused_click_is_answered_with_its_reason_and_changes_nothing(walked, row):
    ref = walked.cards[row.card]
    group = FOODSALE if row.platform == D and row.card in ("A warning", "B unit card", "B kinds", "B confirm",
                                                           "B grades") else None
    if row.org:
        reload_org(walked, walked.org_folder, row.org)
    try:
        before, seen, card = state(walked), answers(walked, row, group), card_state(walked, row, ref)
        click(walked, row, ref)
        answer = wait_for(lambda: since(answers(walked, row, group), seen),
                          what=f"{row.name}: an answer\n" + walked.worker_log()[-3000:])
        settled(walked, wait_for)
    finally:
        if row.org:
            reload_org(walked, walked.org_folder, lambda data: None)
    answer = since(answers(walked, row, group), seen)
    assert len(answer) == 1 and row.reason in answer[0], answer
    assert card_state(walked, row, ref) == card          # the clicked card is as it was
    timelines, assignments, rows = state(walked)
    assert (timelines, assignments, rows) == (before[0], before[1], before[2] + 1)  # the answer, nothing else
