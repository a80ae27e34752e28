"""转县局 as people meet it (issue 22, Art. 21): the city desk hands a city case down to a county bureau by
typing or from its card; the county's name is read loosely and an unknown one lists the counties; only the
city desk may; the county's groups get the card it runs the case from and its liaisons and head a notice; the
county's 转办反馈 ends the transfer's clock (whose reminder to the county carries the button that starts it)
and the city desk's people get the record. Pure handlers on a real case store (``unit_side.World``)."""

from __future__ import annotations

import pytest

from bot.core.card import Target
from bot.domain.cards.intake_card import TRANSFER_DOWN, intake_card
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from handlers.case_lookup import case_view_of
from handlers.transfer_down import PICK, match_county
from tests.unit.handlers.unit_side import World, texts
from worker.escalation import act_buttons, reminder_people

DESK, COUNTY_LIAISON, COUNTY_HEAD = "p-li", "p-xie", "p-qi"
COUNTY_A = "u-county-a"


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def duties(world, case_id, kind=DutyKind.TRANSFER_FEEDBACK):
    return [d for d in world.store.run(lambda repo: repo.duties(case_id)) if d.kind == kind]


def timeline(world, case_id) -> list[str]:
    return [e.action for e in world.store.run(lambda repo: repo.timeline(case_id))]


def handed_down(world, case, county=COUNTY_A):
    view = case_view_of(world.ctx(DESK), case.id)
    assert view.case.county == county and view.case.owner_unit == county
    assert "case.transfer_down" in timeline(world, case.id)
    return view


def test_the_county_is_read_from_its_full_name_its_short_forms_and_its_id(world):
    org = world.org
    for typed in ("甲县市场监督管理局", "甲县局", "甲县", "甲县市场监管局", "u-county-a", "甲"):
        unit, _ = match_county(org, typed)
        assert unit is not None and unit.id == COUNTY_A, typed
    unit, found = match_county(org, "县")
    assert unit is None and {u.id for u in found} == {"u-county-a", "u-county-b"}
    assert match_county(org, "食品经营安全监督管理科") == (None, []), "only county bureaus"


def test_typed_with_the_countys_short_name_the_case_is_handed_down_and_the_desk_told_the_deadline(world):
    case = world.open().case
    replies = world.act(DESK, text=f"转县局 {case.number} 甲县局")
    said = texts(replies)[0]
    assert said.startswith(f"已将 {case.number} 转甲县市场监督管理局办理，转办反馈期限：")
    assert f"转办反馈 {case.number}" in said
    handed_down(world, case)
    (duty,) = duties(world, case.id)
    assert duty.open and duty.owner_unit == COUNTY_A and duty.assignment_id is None
    (follow,) = world.store.run(lambda repo: repo.follows(case.id))
    assert follow.active and follow.unit_id == "u-desk" and follow.how == "transfer_down"


def test_the_city_desk_gets_its_copy_of_the_county_case_card_in_its_groups(world):
    case = world.open().case
    replies = world.act(DESK, text=f"转县局 {case.number} 甲县局")
    copies = [r for r in replies if r.card.kind == "county_case"]
    assert {r.to for r in copies} == {Target("group", "u-desk", "wecom"), Target("group", "u-desk", "dingtalk")}
    data = copies[0].card.data
    assert data["mode"] == "transfer_down" and data["county"] == "甲县市场监督管理局" and data["unit"] == "u-desk"
    assert data["title"] == f"转县局办理 {case.number}" and copies[0].case_id == case.id


def test_the_county_gets_the_card_it_runs_the_case_from_in_its_group_and_a_notice_1to1(world):
    case = world.open().case
    replies = world.act(DESK, text=f"转县局 {case.number} 甲县市场监督管理局")
    (duty,) = duties(world, case.id)
    groups = [r for r in replies if r.to is not None and r.to.kind == "group" and r.to.id == COUNTY_A]
    assert [r.to for r in groups] == [Target("group", COUNTY_A, "dingtalk")]
    card = groups[0].card
    assert card.kind == "intake_card" and groups[0].case_id == case.id
    assert card.data["status"].startswith("市局转县局办理，请于") and card.data["status"].endswith(
        f"前反馈办理结果（转办反馈 {case.number}）")
    actions = [b.action for b in card.buttons]
    assert "intake.grade" in actions and "intake.units" in actions, "the county desk grades and assigns from it"
    assert TRANSFER_DOWN not in actions, "a county's case is not handed down again from its card"
    people = {r.to.id: r.card.data["text"] for r in replies if r.to is not None and r.to.kind == "person"}
    assert set(people) == {COUNTY_LIAISON, COUNTY_HEAD}
    assert all(f"转办反馈 {case.number}" in text and "甲县市场监督管理局" in text for text in people.values())
    major = next(b for b in card.buttons if b.action == "intake.grade" and b.params["grade"] == int(Grade.MAJOR))
    (refused,) = world.act(DESK, action="intake.grade", params=major.params)
    assert refused.card.kind == "notice", "the city desk no longer grades a case it handed down"
    world.act(COUNTY_LIAISON, action="intake.grade", params=major.params, chat_type="group", card_id="c1")
    assert case_view_of(world.ctx(DESK), case.id).case.grade == Grade.MAJOR, "the county desk grades it"


def test_the_button_asks_which_county_one_owner_bound_button_each_and_a_click_hands_it_down(world):
    case = world.open().case
    (prompt,) = world.act(DESK, action=TRANSFER_DOWN, params={"case": case.number})
    assert prompt.card.kind == "prompt_card" and prompt.card.data["title"] == f"转县局办理 {case.number}"
    names = [b.label for b in prompt.card.buttons]
    assert names == ["甲县市场监督管理局", "乙县市场监督管理局", "丙区市场监督管理局"]
    assert {b.action for b in prompt.card.buttons} == {PICK}
    assert all(b.params["by"] == DESK for b in prompt.card.buttons), "owner-bound, like 定级's grade buttons"
    pick = next(b for b in prompt.card.buttons if b.params["u"] == "u-county-b")
    (other,) = world.act("p-chen", action=PICK, params=pick.params)
    assert other.card.data["text"].startswith("这是李干事的转县局步骤")
    assert case_view_of(world.ctx(DESK), case.id).case.county is None, "someone else's click changes nothing"
    replies = world.act(DESK, action=PICK, params=pick.params, card_id="prompt-1")
    assert replies[0].update and replies[0].card.data["status"] == "已转乙县市场监督管理局" and not replies[0].card.buttons
    assert texts(replies)[1].startswith(f"已将 {case.number} 转乙县市场监督管理局办理")
    handed_down(world, case, "u-county-b")
    assert world.dialog[DESK] is None


def test_a_name_typed_at_the_prompt_is_read_loosely_and_cancel_leaves_nothing_changed(world):
    case = world.open().case
    world.act(DESK, text=f"转县局 {case.number}")
    (said,) = world.act(DESK, text="丁县")
    assert said.card.data["text"] == ("没有找到“丁县”对应的县局。可转交的县局：甲县市场监督管理局、乙县市场监督管理局、"
                                      "丙区市场监督管理局。")
    (said,) = world.act(DESK, text="取消")
    assert "已取消" in said.card.data["text"] and world.dialog[DESK] is None
    assert case_view_of(world.ctx(DESK), case.id).case.county is None and not duties(world, case.id)
    world.act(DESK, text=f"转县局 {case.number}")
    replies = world.act(DESK, text="丙区局")
    assert texts(replies)[0].startswith(f"已将 {case.number} 转丙区市场监督管理局办理")


def test_an_unknown_county_typed_in_the_command_lists_the_counties_to_choose_from(world):
    case = world.open().case
    (prompt,) = world.act(DESK, text=f"转县局 {case.number} 丁县市场监督管理局")
    assert prompt.card.kind == "prompt_card"
    assert prompt.card.data["status"].startswith("没有找到“丁县市场监督管理局”对应的县局。可转交的县局：甲县市场监督管理局")
    assert len(prompt.card.buttons) == 3 and case_view_of(world.ctx(DESK), case.id).case.county is None
    (said,) = world.act(DESK, text=f"转县局 {case.number} 县")
    assert "可能是：甲县市场监督管理局、乙县市场监督管理局" in said.card.data["status"]


@pytest.mark.parametrize("person", ["p-feng", COUNTY_LIAISON, "p-zhao"])
def test_only_the_city_desk_hands_a_case_down(world, person):
    case = world.open().case
    for kw in ({"text": f"转县局 {case.number} 甲县局"}, {"action": TRANSFER_DOWN, "params": {"case": case.number}}):
        (said,) = world.act(person, **kw)
        assert said.card.data["text"].startswith("只有综合应急和新闻宣传科可以将案件转县局办理"), kw
    assert case_view_of(world.ctx(DESK), case.id).case.county is None and not duties(world, case.id)


def test_a_county_case_is_not_handed_down_again(world):
    case = world.open().case
    world.act(DESK, text=f"转县局 {case.number} 甲县局")
    (said,) = world.act(DESK, text=f"转县局 {case.number} 乙县局")
    assert said.card.data["text"] == f"{case.number} 已由甲县市场监督管理局办理，不能再转县局。"
    assert len(duties(world, case.id)) == 1


def test_a_case_number_is_needed(world):
    (said,) = world.act(DESK, text="转县局")
    assert said.card.data["text"].startswith("请这样转县局办理：转县局 YQ-2026-0001 甲县市场监督管理局")


def test_the_countys_transfer_feedback_ends_the_clock_and_the_city_desk_gets_the_record(world):
    case = world.open(Grade.SENSITIVE).case
    world.act(DESK, text=f"转县局 {case.number} 甲县局")
    (duty,) = duties(world, case.id)
    assert reminder_people(world.org, duty) == [COUNTY_LIAISON], "the county's liaisons are reminded 1:1"
    (button,) = act_buttons(duty, case.number)
    assert button.action == "duty.transfer_feedback", "the reminder carries the button that starts the record"
    (asked,) = world.act(COUNTY_LIAISON, action=button.action, params=button.params)
    assert "反馈给谁？" in asked.card.data["text"]
    world.act(COUNTY_LIAISON, text="市局舆情办")
    world.act(COUNTY_LIAISON, text="现在")
    (confirm,) = world.act(COUNTY_LIAISON, text="已约谈涉事超市，问题商品全部下架")
    assert confirm.card.data["title"] == f"确认转办反馈 {case.number}"
    replies = world.act(COUNTY_LIAISON, text="确认")
    assert texts(replies)[0].startswith(f"已登记 {case.number} 转办反馈")
    (done,) = duties(world, case.id)
    assert not done.open and done.ended_by == COUNTY_LIAISON
    told = {r.to.id for r in replies if r.to is not None}
    assert all(r.to.kind == "person" for r in replies if r.to is not None)
    assert told == {COUNTY_HEAD, "p-li", "p-chen", "p-sun"}, "the county's head and the city desk's people"
    record = next(r for r in replies if r.to == Target("person", "p-sun")).card
    assert "已约谈涉事超市" in str(record.data)


def test_the_city_desk_does_not_record_the_countys_feedback_for_it(world):
    case = world.open().case
    world.act(DESK, text=f"转县局 {case.number} 甲县局")
    (said,) = world.act("p-chen", text=f"转办反馈 {case.number}")
    assert said.card.data["text"].startswith(f"转办反馈（{case.number}）由舆情工作台登记")
    assert duties(world, case.id)[0].open


def test_the_city_desks_own_transfer_from_above_is_recorded_by_it_and_told_only_to_its_desk(world):
    """A 转办 the city got from above keeps its meaning: the city desk records it; no county involved."""
    from bot.domain.case.commands import open_case
    from bot.domain.records import Actor

    case = open_case(world.store, world.rules, Actor(DESK, "dingtalk"), world.now, title="省局转办：某超市",
                     source="other", transfer_ref="2026第118号").case
    world.act("p-chen", text=f"转办反馈 {case.number}")
    for answer in ("省局舆情办", "现在", "已书面反馈"):
        world.act("p-chen", text=answer)
    replies = world.act("p-chen", text="确认")
    assert {r.to.id for r in replies if r.to is not None} == {"p-li", "p-sun"}


def test_the_desk_card_offers_the_hand_down_once_units_are_assigned_and_names_it_among_its_hints(world):
    case = world.open().case
    food, drug = world.org.units["u-food"], world.org.units["u-drug"]
    first = intake_card(case, world.now, suggested=[food, drug], hand_down=True)
    assert TRANSFER_DOWN not in [b.action for b in first.buttons] and len(first.buttons) == 6
    assert f"转县局 {case.number} 县局名称" in first.data["hints"]
    later = intake_card(case, world.now, assigned=[world.org.units["u-foodsale"]], suggested=[food, drug],
                        hand_down=True)
    actions = [b.action for b in later.buttons]
    assert len(actions) == 6 and actions[-3:] == [TRANSFER_DOWN, "intake.confidential", "intake.units"]
    assert later.buttons[-3].params == {"case": case.number}
    plain = intake_card(case, world.now, assigned=[world.org.units["u-foodsale"]], suggested=[food, drug])
    assert TRANSFER_DOWN not in [b.action for b in plain.buttons], "only where the caller says it may"


def test_a_county_cases_card_suggests_no_city_unit_only_the_county_itself(world):
    case = world.open().case
    world.act(DESK, text=f"转县局 {case.number} 甲县局")
    county_case = case_view_of(world.ctx(DESK), case.id).case
    city = [world.org.units["u-food"], world.org.units["u-drug"]]
    card = intake_card(county_case, world.now, suggested=city)
    assert "intake.assign" not in [b.action for b in card.buttons], "a county desk may not assign city units"
    card = intake_card(county_case, world.now, suggested=[*city, world.org.units[COUNTY_A]])
    (own,) = [b for b in card.buttons if b.action == "intake.assign"]
    assert own.params["unit"] == COUNTY_A
