"""发布 as the desk does it (issue 20, Art. 19(2), 24): the dialog asks channel, time, link, shows the approvals it
rests on; refused before them with every reason (the attempt on the timeline), accepted after them, ending the
duties the channel fulfils; the 案件 card shows the 回应 lines."""

from __future__ import annotations

import pytest

from bot.domain.case.lifecycle import CaseState
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind as K
from bot.domain.records import Actor
from bot.domain.response import decide_plan, decide_script, submit_plan, submit_script
from bot.domain.unit import commands as unit_commands
from handlers.case_lookup import case_view_of
from tests.unit.handlers.unit_side import World, texts

DESK, FOOD, QIAN, WU, ZHAO = (Actor("p-li", "dingtalk"), Actor("p-feng", "wecom"), Actor("p-qian", "wecom"),
                              Actor("p-wu", "dingtalk"), Actor("p-zhao", "wecom"))
FOOD_NAME = "食品生产安全监督管理科"


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def live(world: World, grade: Grade):
    case = world.open(grade).case
    outcome, _ = world.assign(case.id, "u-food")
    unit_commands.acknowledge(world.store, world.rules, case.id, outcome.assignment.id, FOOD, world.now)
    return case


def script(world, case, approve=True):
    submit_script(world.store, world.rules, case.id, "u-food", FOOD, world.now, "经核查，涉事超市已下架相关食品。")
    if approve:
        decide_script(world.store, world.rules, case.id, "u-food", 1, QIAN, world.now, approve=True)
        decide_script(world.store, world.rules, case.id, "u-food", 1, WU, world.now, approve=True)


def plan(world, case):
    submit_plan(world.store, world.rules, case.id, "u-food", DESK, world.now, "新闻发布会", "召开新闻发布会", "今天下午")
    decide_plan(world.store, world.rules, case.id, "u-food", 1, WU, world.now, approve=True)
    decide_plan(world.store, world.rules, case.id, "u-food", 1, ZHAO, world.now, approve=True)


def walk(world, case, channel: str, click: bool = True) -> list[str]:
    """The desk's 发布 up to the confirmation; returns what the confirmation said."""
    [card] = world.act("p-li", f"发布 {case.number}")
    labels = [b.label for b in card.card.buttons]
    assert labels == ["门户网站", "微信公众号", "新闻通稿", "新闻发布会", "媒体吹风会", "接受采访", "专家解读", "其他"]
    assert all(len(label) <= 10 for label in labels)
    if click:
        button = next(b for b in card.card.buttons if b.label == channel)
        world.act("p-li", action=button.action, params=button.params)
    else:
        world.act("p-li", channel)
    world.act("p-li", "现在")
    [confirm] = world.act("p-li", "https://scjg.example.gov.cn/1")
    assert confirm.card.data["title"] == f"确认发布 {case.number}"
    return texts(world.act("p-li", "确认"))


def duty(world, case, kind):
    return next(d for d in case_view_of(world.ctx("p-li"), case.id).duties if d.kind == kind)


def test_refused_before_the_approvals_with_every_reason_and_the_attempt_is_on_the_timeline(world):
    case = live(world, Grade.MAJOR)
    script(world, case, approve=False)
    said = walk(world, case, "新闻发布会")
    assert said == [f"不能登记发布：{FOOD_NAME}的口径 v1 尚未审定通过（待分管宣传的局领导、分管局领导审定）；"
                    f"重大舆情须有经审批的回应方案。（此次登记已记入案件记录；审定、审批通过后请重新发送“发布 {case.number}”）"]
    entries = world.store.run(lambda repo: repo.timeline(case.id))
    assert [e.action for e in entries].count("publication.refused") == 1
    assert duty(world, case, K.PUBLIC_RESPONSE).open


def test_accepted_after_the_approvals_ends_the_public_response_of_a_major_case_by_a_press_conference(world):
    case = live(world, Grade.MAJOR)
    script(world, case)
    plan(world, case)
    said = walk(world, case, "新闻发布会")
    assert said == [f"已登记 {case.number} 发布（新闻发布会，今天 10:00）；已办结：公开回应（按时）；案件转为“回应中”"]
    view = case_view_of(world.ctx("p-li"), case.id)
    assert view.case.state == CaseState.RESPONDING
    assert not duty(world, case, K.PUBLIC_RESPONSE).open


def test_the_portal_does_not_end_a_major_cases_public_response(world):
    case = live(world, Grade.MAJOR)
    script(world, case)
    plan(world, case)
    said = walk(world, case, "门户网站", click=False)
    assert said == [f"已登记 {case.number} 发布（门户网站，今天 10:00）；案件转为“回应中”"]
    assert duty(world, case, K.PUBLIC_RESPONSE).open


def test_an_especially_major_cases_authoritative_release_ends_by_any_channel(world):
    case = live(world, Grade.ESPECIALLY_MAJOR)
    script(world, case)
    plan(world, case)
    said = walk(world, case, "微信公众号")
    assert said == [f"已登记 {case.number} 发布（微信公众号，今天 10:00）；已办结：发布权威信息（按时）；案件转为“回应中”"]
    assert not duty(world, case, K.AUTHORITATIVE_RELEASE).open
    assert duty(world, case, K.PUBLIC_RESPONSE).open  # 特别重大: 新闻发布会 only


def test_the_duty_button_opens_the_dialog_and_only_the_desk_may_publish(world):
    case = live(world, Grade.MAJOR)
    d = duty(world, case, K.PUBLIC_RESPONSE)
    [card] = world.act("p-li", action="publication.start", params={"case": case.number, "d": str(d.id)})
    assert card.card.data["title"] == f"发布 {case.number}"
    [refused] = texts(world.act("p-feng", f"发布 {case.number}"))
    assert "发布" in refused and world.dialog.get("p-feng") is None


def test_the_basis_can_be_changed_and_a_future_time_is_asked_again(world):
    case = live(world, Grade.MAJOR)
    script(world, case)
    plan(world, case)
    world.act("p-li", f"发布 {case.number}")
    world.act("p-li", "新闻发布会")
    [again] = texts(world.act("p-li", "23:50"))
    assert again.startswith("发布时间不能晚于现在")
    world.act("p-li", "现在")
    [confirm] = world.act("p-li", "无")
    facts = {f["label"]: f["value"] for f in confirm.card.data["facts"]}
    assert facts["口径"] == f"{FOOD_NAME} 已审定 v1（钱副局长、吴副局长）"
    assert facts["回应方案"] == f"{FOOD_NAME} 已审批 v1（吴副局长、赵局长）"
    [options] = texts(world.act("p-li", "更改依据"))
    assert f"1. {FOOD_NAME} 口径 v1" in options and f"2. {FOOD_NAME} 方案 v1" in options
    [confirm] = world.act("p-li", "1")
    facts = {f["label"]: f["value"] for f in confirm.card.data["facts"]}
    assert facts["回应方案"] == "（无）"
    [said] = texts(world.act("p-li", "确认"))
    assert said.startswith("不能登记发布：重大舆情须有经审批的回应方案")


def test_the_case_card_shows_the_response_lines(world):
    case = live(world, Grade.MAJOR)
    script(world, case)
    submit_plan(world.store, world.rules, case.id, "u-food", DESK, world.now, "新闻发布会", "召开新闻发布会", "今天下午")
    [card] = world.act("p-li", f"案件 {case.number}")
    body = card.card.data["body"]
    assert "回应情况：" in body
    assert (f"{FOOD_NAME} 口径：已审定 v1（钱副局长、吴副局长）；方案：待审批 v1（待分管局领导、主要领导）"
            in body)


def test_the_desks_card_rebuilt_shows_the_response_and_the_publication(world):
    from handlers.case_lookup import current_intake_card

    case = live(world, Grade.MAJOR)
    script(world, case)
    plan(world, case)
    walk(world, case, "新闻发布会")
    body = current_intake_card(world.ctx("p-li"), case.id).data["body"]
    assert f"{FOOD_NAME} 口径：已审定 v1（钱副局长、吴副局长）；方案：已审批 v1（吴副局长、赵局长）" in body
    assert "已发布：新闻发布会 今天 10:00" in body


def test_the_channel_may_be_typed_along_with_the_command(world):
    case = live(world, Grade.MAJOR)
    [asked] = texts(world.act("p-li", f"发布 {case.number} 媒体吹风会"))
    assert asked.startswith(f"发布 {case.number}（第2/4项）：何时发布的？")
    [again] = texts(world.act("p-li", "随便"))
    assert again.startswith("没有看懂发布时间")


def test_the_case_card_says_who_returned_a_script_and_why_and_who_approved_so_far(world):
    case = live(world, Grade.MAJOR)
    script(world, case, approve=False)
    decide_script(world.store, world.rules, case.id, "u-food", 1, QIAN, world.now, approve=True)
    [card] = world.act("p-li", f"案件 {case.number}")
    assert f"{FOOD_NAME} 口径：待审定 v1（待分管局领导；钱副局长已同意）" in card.card.data["body"]
    decide_script(world.store, world.rules, case.id, "u-food", 1, WU, world.now, approve=False,
                  reason="涉事企业名称须核实后再表述，口径中的处理时限也要和执法科室确认")
    [card] = world.act("p-li", f"案件 {case.number}")
    assert f"{FOOD_NAME} 口径：退回修改 v1（吴副局长：涉事企业名称须核实后再表述，口径中的处理…）" in card.card.data["body"]
