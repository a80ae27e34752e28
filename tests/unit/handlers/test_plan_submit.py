"""方案 YQ-… as the desk and the unit live it (issue 20): the way of responding (buttons or typed), the content,
when, a confirm step, then the 方案审批 card 1:1 to the unit's leader in charge only — the main leader's turn comes
after his 同意. Only 重大 and 特别重大 cases need a plan: the domain's reason is shown at once."""

from __future__ import annotations

import pytest

from bot.domain.errors import IllegalTransition
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.response import submit_plan
from tests.unit.handlers.response_world import ResponseWorld, said, to

FOODSALE, DRUG = "食品经营安全监督管理科", "药品安全监督管理科"
CONTENT = "今天下午召开新闻发布会，通报调查进展和处理结果。"


@pytest.fixture
def world(sqlite_database):
    return ResponseWorld(sqlite_database)


def case_with(world, *units, grade=Grade.MAJOR):
    case = world.open(grade).case
    for unit in units:
        world.assign(case.id, unit)
    return case


def plans(world, case):
    return [e for e in world.timeline(case.id) if e.action == "plan.submit"]


def walk(world, person, case, unit="", way="新闻发布会", content=CONTENT, when="今天 16:00"):
    world.act(person, text=f"方案 {case.number} {unit}".strip())
    for text in (way, content, when):
        world.act(person, text=text)
    return world.act(person, text="确认")


def test_the_desk_walks_the_plan_and_only_the_units_leader_in_charge_gets_the_card(world):
    case = case_with(world, "u-foodsale")
    [ways] = world.act("p-li", text=f"方案 {case.number}")
    assert [b.label for b in ways.card.buttons] == ["新闻通稿", "新闻发布会", "媒体吹风会", "接受采访", "专家解读"]
    assert ways.card.data["body"].endswith("第1/3项：请选择回应方式。")
    [asked] = world.act("p-li", text="新闻发布会")
    assert asked.card.data["text"].startswith(f"请发送回应方案的内容（{case.number} 第2/3项，回应方式：新闻发布会")
    [asked] = world.act("p-li", text=CONTENT)
    assert asked.card.data["text"].startswith(f"请发送回应时间（{case.number} 第3/3项")
    [shown] = world.act("p-li", text="今天 16:00")
    assert shown.card.data["title"] == f"确认提交回应方案 {case.number}"
    assert [(f["label"], f["value"]) for f in shown.card.data["facts"]] == [
        ("承办单位", FOODSALE), ("版本", "v1"), ("回应方式", "新闻发布会"), ("回应时间", "今天 16:00")]
    assert [b.label for b in shown.card.buttons] == ["确认提交", "修改", "取消"] and not plans(world, case)

    replies = world.act("p-li", text="确认")
    assert said(replies) == [f"已提交 {case.number} {FOODSALE}的回应方案 v1，已送吴副局长审批（分管局领导同意后再送主要领导审批）。"]
    assert to(replies, "plan_approval") == [("person", "p-wu", "dingtalk")]  # not 赵局长 yet
    card = replies[1].card
    assert card.data["title"] == f"方案审批 {case.number} v1" and CONTENT in card.data["body"]
    assert [(b.label, b.action) for b in card.buttons] == [("同意", "plan.approve"), ("退回修改", "plan.return")]
    assert card.buttons[0].params == {"case": case.number, "u": "u-foodsale", "v": 1} and replies[1].case_id == case.id
    [entry] = plans(world, case)
    assert (entry.payload["way"], entry.payload["when"]) == ("press_conference", "今天 16:00")


def test_the_unit_picks_the_way_by_button(world):
    case = case_with(world, "u-foodsale")
    [ways] = world.act("p-wei", text=f"方案 {case.number}")
    briefing = ways.card.buttons[2]
    replies = world.act("p-wei", action=briefing.action, params=briefing.params, card_id="k1")
    assert replies[0].update and replies[0].card.data["status"] == "回应方式：媒体吹风会"
    world.act("p-wei", text=CONTENT)
    world.act("p-wei", text="明天上午")
    [shown] = world.act("p-wei", text="修改")  # back to the way
    assert [b.label for b in shown.card.buttons][0] == "新闻通稿"
    world.act("p-wei", text="专家解读")
    world.act("p-wei", text=CONTENT)
    [stray] = world.act("p-wei", text="明天上午")  # a text at the confirm step is not taken for a decision
    assert world.dialog["p-wei"].state == "confirm" and not plans(world, case)
    replies = world.act("p-wei", text="确认")
    assert to(replies, "plan_approval") == [("person", "p-wu", "dingtalk")]
    assert plans(world, case)[0].payload["way"] == "expert"


def test_a_way_not_offered_is_asked_again_with_the_choices(world):
    case = case_with(world, "u-foodsale")
    world.act("p-li", text=f"方案 {case.number}")
    [again] = world.act("p-li", text="门户网站")
    assert again.card.data["text"] == "回应方式请选择：新闻通稿、新闻发布会、媒体吹风会、接受采访、专家解读。"
    assert world.dialog["p-li"].state == "way"


def test_the_desk_names_the_unit_or_picks_it(world):
    case = case_with(world, "u-foodsale", "u-drug")
    replies = walk(world, "p-li", case, unit=DRUG)
    assert to(replies, "plan_approval") == [("person", "p-zheng", "dingtalk")]
    [chooser] = world.act("p-li", text=f"方案 {case.number}")
    assert [b.label for b in chooser.card.buttons] == [FOODSALE, DRUG]
    [ways] = world.act("p-li", text=FOODSALE)
    assert ways.card.data["title"] == f"回应方案 {case.number} v1"


def test_a_sensitive_cases_plan_is_refused_with_the_domains_reason(world):
    case = case_with(world, "u-foodsale", grade=Grade.SENSITIVE)
    [refused] = world.act("p-li", text=f"方案 {case.number}")
    with pytest.raises(IllegalTransition) as domain:
        submit_plan(world.store, world.rules, case.id, "u-foodsale", Actor("p-li", "dingtalk"), world.now,
                    "新闻发布会", CONTENT, "今天")
    assert refused.card.data["text"] == domain.value.message == \
        f"{case.number} 为敏感舆情，无需报批回应方案（重大、特别重大舆情才需要）。"
    assert world.dialog.get("p-li") is None


@pytest.mark.parametrize("person", ["p-feng", "p-wu", "p-zhao"])
def test_the_wrong_person_is_refused_politely(world, person):
    case = case_with(world, "u-foodsale")
    [refused] = world.act(person, text=f"方案 {case.number}")
    assert refused.card.data["text"] == f"只有承办单位的负责人、联络员或舆情工作台可以提交{case.number} 的方案，您的指令未作处理。"
    assert world.dialog.get(person) is None


def test_cancel_leaves_nothing(world):
    case = case_with(world, "u-foodsale")
    world.act("p-li", text=f"方案 {case.number}")
    for text in ("新闻通稿", CONTENT):
        world.act("p-li", text=text)
    [shown] = world.act("p-li", text="今天 16:00")
    cancel = shown.card.buttons[2]
    replies = world.act("p-li", action=cancel.action, params=cancel.params)
    assert replies[-1].card.data["text"].startswith("已取消") and world.dialog["p-li"] is None
    assert not plans(world, case) and not [r for r in replies if r.to is not None]


def test_v2_settles_v1s_card(world):
    case = case_with(world, "u-foodsale")
    walk(world, "p-li", case)
    replies = walk(world, "p-li", case, way="接受采访")
    assert said(replies)[0].startswith(f"已提交 {case.number} {FOODSALE}的回应方案 v2")
    assert to(replies, "plan_approval") == [("person", "p-wu", "dingtalk"), ("card", "1", "dingtalk")]
    update = replies[-1]
    assert update.update and not update.card.buttons and update.card.data["version"] == 1
    assert update.card.data["status"] == "已有新版本 v2，此版本不再审批"


def test_an_empty_content_is_refused_and_asked_again(world):
    case = case_with(world, "u-foodsale")
    world.act("p-li", text=f"方案 {case.number}")
    world.act("p-li", text="新闻通稿")
    [refused] = world.act("p-li", text="@舆情助手 ")
    assert refused.card.data["text"] == "方案内容不能为空。请发送回应方案的内容。"
    assert world.dialog["p-li"].state == "content"


def test_typed_in_a_group_with_a_mention_it_works(world):
    case = case_with(world, "u-foodsale")
    world.act("p-wei", text=f"@舆情助手 方案 {case.number}", chat_type="group")
    for text in ("新闻通稿", CONTENT, "今天 16:00", "确认"):
        replies = world.act("p-wei", text=f"@舆情助手 {text}", chat_type="group")
    assert to(replies, "plan_approval")[-1] == ("person", "p-wu", "dingtalk")
