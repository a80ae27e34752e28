"""演练 in the chat (issue 23): the city desk's head is shown who will receive cards and confirms; the drill then
opens and its cards go out as a case opened, graded and assigned in the chat would send them — only to the
leaders the scenario names. Anyone else is refused, 取消 leaves, and nothing opens before 确认."""

from __future__ import annotations

import pytest

from tests.unit.handlers.unit_side import World, texts


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


def cases(world):
    return world.store.run(lambda repo: repo.case_by_number("YQ-2026-0001"))


def test_the_desk_head_confirms_and_the_drill_sends_its_cards_to_the_units_and_the_named_leaders(world):
    [card] = world.act("p-sun", text="演练")
    assert card.card.kind == "prompt_card" and card.card.data["title"] == "开始演练？"
    facts = {f["label"]: f["value"] for f in card.card.data["facts"]}
    assert facts["场景"] == "演练：某超市销售过期食品致多人不适" and facts["等级"] == "重大舆情"
    assert facts["时间倍率"].startswith("×60")
    body = card.card.data["body"]
    assert "食品经营安全监督管理科（预警，联络员卫干事）" in body and "领导：赵局长、钱副局长、吴副局长（信息通报）" in body
    assert [(b.label, b.action, b.params["by"]) for b in card.card.buttons] == [
        ("确认开始", "drill.confirm", "p-sun"), ("取消", "drill.cancel", "p-sun")]
    assert cases(world) is None                                    # nothing opens before 确认

    replies = world.act("p-sun", text="确认")
    case = cases(world)
    assert case.drill and case.drill_scale == 60 and case.title.startswith("演练：")
    assert texts(replies)[0].startswith(f"已开始演练 {case.number}（重大舆情，时间 ×60）")
    assert replies[1].card.kind == "intake_card" and replies[1].to is None   # the desk's card, to the head
    bulletins = sorted(r.to.id for r in replies if r.card.kind == "bulletin")
    assert bulletins == ["p-qian", "p-wu", "p-zhao"]              # once each, and only the scenario's people
    warned = {(r.to.kind, r.to.id) for r in replies if r.card.kind == "case_card"}
    assert warned == {("group", "u-foodsale"), ("person", "p-wei")}
    assert world.dialog["p-sun"] is None


def test_a_shipped_scenario_is_picked_by_name_and_its_steps_are_shown(world):
    [card] = world.act("p-sun", text="演练 especially_major")
    facts = {f["label"]: f["value"] for f in card.card.data["facts"]}
    assert facts["场景"] == "演练：某商场自动扶梯突发逆行致多人受伤"
    assert facts["脚本第1步"].startswith("演练时间 60 分钟后（实际约 1 分钟）升为特别重大舆情")
    world.act("p-sun", action="drill.confirm", params=card.card.buttons[0].params)
    timeline = world.store.run(lambda repo: repo.timeline(cases(world).id))
    assert [e.action for e in timeline] == ["case.open", "drill.scenario", "case.assign"]
    assert timeline[1].payload["source"] == "especially_major.yaml" and timeline[1].payload["steps"][0]["raise"] == 4


def test_a_name_not_shipped_is_refused_naming_the_shipped_ones(world):
    [reply] = world.act("p-sun", text="演练 tornado")
    assert "没有名为“tornado”的演练场景" in texts([reply])[0] and "especially_major" in texts([reply])[0]
    assert world.dialog.get("p-sun") is None


@pytest.mark.parametrize("person", ["p-li", "p-zhao", "p-wei"])
def test_only_the_city_desk_head_may_start_a_drill(world, person):
    [reply] = world.act(person, text="演练")
    assert texts([reply]) == ["只有综合应急和新闻宣传科科长可以开始演练。"]
    assert cases(world) is None


def test_cancel_typed_or_clicked_opens_nothing(world):
    world.act("p-sun", text="演练")
    assert texts(world.act("p-sun", text="取消"))[0].startswith("已取消")
    [card] = world.act("p-sun", text="演练 general")
    replies = world.act("p-sun", action="drill.cancel", params=card.card.buttons[1].params, card_id="c1")
    assert texts(replies)[-1].startswith("已取消") and cases(world) is None


def test_someone_elses_confirm_button_changes_nothing(world):
    [card] = world.act("p-sun", text="演练")
    world.dialog["p-li"] = world.dialog["p-sun"]                   # the card in a group: p-li clicks it
    [reply] = world.act("p-li", action="drill.confirm", params=card.card.buttons[0].params)
    assert "孙科长的演练步骤" in texts([reply])[0] and cases(world) is None
