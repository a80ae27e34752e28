"""口径 YQ-… as the unit and the desk live it (issue 20): the text, a confirm step, then the two leaders' cards 1:1 —
the publicity leader (钱副局长, WeCom) and the leader in charge of THAT unit — and a new version settles the old
version's cards. Refusals are polite and leave nothing behind."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.grade import Grade
from tests.unit.handlers.response_world import ResponseWorld, said, to

FOODSALE, DRUG = "食品经营安全监督管理科", "药品安全监督管理科"
NUMBER = "YQ-2026-0001"
SCRIPT = "经核查，涉事门店已于12月7日下架全部过期商品，执法人员已立案调查。"


@pytest.fixture
def world(sqlite_database):
    return ResponseWorld(sqlite_database)


def case_with(world, *units, grade=Grade.MAJOR):
    case = world.open(grade).case
    for unit in units:
        world.assign(case.id, unit)
    return case


def submit(world, person, case, text=SCRIPT, unit=""):
    """口径 YQ-… [单位] → the text → 确认: the replies of the last step."""
    world.act(person, text=f"口径 {case.number} {unit}".strip())
    world.act(person, text=text)
    return world.act(person, text="确认")


def submitted(world, case):
    return [e for e in world.timeline(case.id) if e.action == "script.submit"]


def test_the_liaison_submits_v1_and_both_leaders_get_the_card_1to1(world):
    case = case_with(world, "u-foodsale")
    [asked] = world.act("p-wei", text=f"口径 {case.number}")
    assert asked.card.data["text"] == (f"请发送{FOODSALE}的口径内容（{case.number}，v1；直接回复即可；可附图片或文件；"
                                       "发送“取消”放弃）。")
    [shown] = world.act("p-wei", text=SCRIPT)
    assert shown.card.data["title"] == f"确认提交口径 {case.number}" and shown.card.data["body"] == SCRIPT
    assert [b.label for b in shown.card.buttons] == ["确认提交", "修改", "取消"]
    assert not submitted(world, case), "nothing is submitted before 确认"

    replies = world.act("p-wei", text="确认")
    assert said(replies) == [f"已提交 {case.number} {FOODSALE}的口径 v1，已送钱副局长、吴副局长审定。"]
    # the publicity leader on WeCom, the leader in charge of 食品经营安全监督管理科 on DingTalk — no one else
    assert to(replies, "script_approval") == [("person", "p-qian", "wecom"), ("person", "p-wu", "dingtalk")]
    for r in replies[1:]:
        card = r.card
        assert card.data["title"] == f"口径审定 {case.number} v1" and SCRIPT in card.data["body"]
        assert [(b.label, b.action) for b in card.buttons] == [("同意", "script.approve"), ("退回修改", "script.return")]
        assert card.buttons[0].params == {"case": case.number, "u": "u-foodsale", "v": 1}
        assert r.case_id == case.id  # filed under the case: its copies are found for the later updates
    [entry] = submitted(world, case)
    assert entry.payload["text"] == SCRIPT and entry.actor == "p-wei"
    assert world.dialog["p-wei"] is None


def test_the_unit_head_submits_by_buttons_as_well(world):
    case = case_with(world, "u-foodsale")
    world.act("p-chu", text=f"口径 {case.number}")
    [shown] = world.act("p-chu", text=SCRIPT)
    confirm = shown.card.buttons[0]
    replies = world.act("p-chu", action=confirm.action, params=confirm.params, card_id="k1")
    assert replies[0].update and replies[0].card.data["status"] == "已提交 v1"
    assert len(to(replies, "script_approval")) == 2


def test_a_unit_whose_leader_in_charge_is_the_publicity_leader_sends_one_card(world):
    case = case_with(world, "u-consumer")
    replies = submit(world, "p-lv", case)
    assert to(replies, "script_approval") == [("person", "p-qian", "wecom")]
    assert said(replies)[-1].endswith("已送钱副局长审定。")


def test_the_desk_names_the_unit_it_speaks_for(world):
    case = case_with(world, "u-foodsale", "u-drug")
    replies = submit(world, "p-li", case, unit=DRUG)
    assert said(replies) == [f"已提交 {case.number} {DRUG}的口径 v1，已送钱副局长、郑副局长审定。"]
    # the leader in charge of 药品安全监督管理科 (郑副局长, prefers DingTalk), not 食品经营's 吴副局长
    assert to(replies, "script_approval") == [("person", "p-qian", "wecom"), ("person", "p-zheng", "dingtalk")]
    assert submitted(world, case)[0].payload["unit"] == "u-drug"


def test_the_desk_without_a_unit_picks_one_from_buttons(world):
    case = case_with(world, "u-foodsale", "u-drug")
    [chooser] = world.act("p-li", text=f"口径 {case.number}")
    assert [b.label for b in chooser.card.buttons] == [FOODSALE, DRUG]
    assert all(b.action == "script.unit" for b in chooser.card.buttons)
    assert chooser.card.data["body"].endswith(f"请选择为哪个单位提交口径：{FOODSALE}、{DRUG}。")  # text-only readers
    drug = chooser.card.buttons[1]
    replies = world.act("p-li", action=drug.action, params=drug.params, card_id="k2")
    assert replies[0].update and replies[0].card.data["status"] == f"已选择{DRUG}"
    assert replies[1].card.data["text"].startswith(f"请发送{DRUG}的口径内容")
    world.act("p-li", text=SCRIPT)
    assert to(world.act("p-li", text="确认"), "script_approval")[1] == ("person", "p-zheng", "dingtalk")


def test_someone_with_roles_in_several_assigned_units_picks_one_by_name(world):
    drug = world.org.units["u-drug"]
    world.org.units["u-drug"] = replace(drug, liaisons=(*drug.liaisons, "p-wei"))  # 卫干事 in both units
    case = case_with(world, "u-foodsale", "u-drug")
    [chooser] = world.act("p-wei", text=f"口径 {case.number}")
    assert [b.label for b in chooser.card.buttons] == [FOODSALE, DRUG]
    [again] = world.act("p-wei", text="广告监督管理科")
    assert again.card.data["text"] == f"请选择：{FOODSALE}、{DRUG}。"
    [asked] = world.act("p-wei", text=DRUG)
    assert asked.card.data["text"].startswith(f"请发送{DRUG}的口径内容")


def test_v2_settles_v1s_cards_and_the_leaders_get_v2(world):
    case = case_with(world, "u-foodsale")
    submit(world, "p-wei", case)
    replies = submit(world, "p-wei", case, text="经核查，涉事门店已停业整改。")
    assert said(replies) == [f"已提交 {case.number} {FOODSALE}的口径 v2，已送钱副局长、吴副局长审定。"]
    fresh = [r for r in replies if r.to is not None and r.to.kind == "person"]
    assert [(r.to.id, r.card.data["title"], len(r.card.buttons)) for r in fresh] == [
        ("p-qian", f"口径审定 {case.number} v2", 2), ("p-wu", f"口径审定 {case.number} v2", 2)]
    updated = [r for r in replies if r.to is not None and r.to.kind == "card"]
    assert [r.to.id for r in updated] == ["1", "2"] and all(r.update for r in updated)
    for r in updated:
        assert r.card.data["version"] == 1 and not r.card.buttons
        assert r.card.data["status"] == "已有新版本 v2，此版本不再审定" and r.card.data["color"] == "gray"
    [v1, v2] = submitted(world, case)
    assert v2.payload["supersedes"] == 1 and v2.payload["text"] == "经核查，涉事门店已停业整改。"


def test_an_empty_text_is_refused_and_the_question_stays(world):
    case = case_with(world, "u-foodsale")
    world.act("p-wei", text=f"口径 {case.number}")
    [refused] = world.act("p-wei", text="@舆情助手 ", chat_type="single")
    assert refused.card.data["text"] == "口径内容不能为空。请发送口径的文字内容。"
    assert world.dialog["p-wei"].state == "text" and not submitted(world, case)


def test_cancel_typed_or_clicked_leaves_nothing(world):
    case = case_with(world, "u-foodsale")
    world.act("p-wei", text=f"口径 {case.number}")
    world.act("p-wei", text=SCRIPT)
    [bye] = world.act("p-wei", text="取消")
    assert bye.card.data["text"].startswith("已取消") and world.dialog["p-wei"] is None
    world.act("p-wei", text=f"口径 {case.number}")
    [shown] = world.act("p-wei", text=SCRIPT)
    cancel = shown.card.buttons[2]
    replies = world.act("p-wei", action=cancel.action, params=cancel.params, card_id="k3")
    assert replies[0].card.data["status"] == "已取消" and replies[-1].card.data["text"].startswith("已取消")
    assert world.dialog["p-wei"] is None and not submitted(world, case)
    assert not [r for r in replies if r.to is not None]


def test_modify_asks_again_and_the_new_text_is_what_is_submitted(world):
    case = case_with(world, "u-foodsale")
    world.act("p-wei", text=f"口径 {case.number}")
    world.act("p-wei", text="初稿")
    [asked] = world.act("p-wei", text="修改")
    assert asked.card.data["text"].startswith(f"请发送{FOODSALE}的口径内容")
    world.act("p-wei", text=SCRIPT)
    world.act("p-wei", text="确认")
    assert submitted(world, case)[0].payload["text"] == SCRIPT


@pytest.mark.parametrize(("person", "unit", "words"), [
    ("p-feng", "", f"只有承办单位的负责人、联络员或舆情工作台可以提交{NUMBER} 的口径，您的指令未作处理。"),  # not on the case
    ("p-wu", "", f"只有承办单位的负责人、联络员或舆情工作台可以提交{NUMBER} 的口径，您的指令未作处理。"),  # he approves
    ("p-wei", DRUG, f"您不是{DRUG}的负责人或联络员，不能为其提交YQ-2026-0001 的口径。"),  # another unit of the case
])
def test_the_wrong_person_is_refused_politely_and_nothing_starts(world, person, unit, words):
    case = case_with(world, "u-foodsale", "u-drug")
    [refused] = world.act(person, text=f"口径 {case.number} {unit}".strip())
    assert refused.card.kind == "notice" and refused.card.data["text"] == words
    assert world.dialog.get(person) is None and not submitted(world, case)


def test_a_picture_is_kept_with_the_script_and_named_on_the_leaders_card(world):
    case = case_with(world, "u-foodsale")
    world.act("p-wei", text=f"口径 {case.number}")
    picture = replace(world.event("p-wei"), kind="media",
                      attachments=[{"kind": "image", "name": "现场.jpg", "ref": "m1"}])
    [kept] = world.send("p-wei", picture)
    assert kept.card.data["text"] == "已收到附件（图片 1 张）。请继续发送口径的文字内容。"
    world.act("p-wei", text=SCRIPT)
    replies = world.act("p-wei", text="确认")
    assert submitted(world, case)[0].payload["attachments"] == [{"kind": "image", "name": "现场.jpg", "ref": "m1"}]
    assert "附件：图片 1 张" in replies[1].card.data["body"]


def test_typed_in_a_group_with_a_mention_it_works_and_the_question_goes_1to1(world):
    case = case_with(world, "u-foodsale")
    replies = world.act("p-wei", text=f"@舆情助手 口径 {case.number}", chat_type="group")
    assert world.dialog["p-wei"].state == "text"
    assert any("口径内容" in (r.card.data.get("text") or "") for r in replies)
    world.act("p-wei", text=f"@舆情助手 {SCRIPT}", chat_type="group")
    replies = world.act("p-wei", text="@舆情助手 确认", chat_type="group")
    assert len(to(replies, "script_approval")) == 2


@pytest.mark.parametrize("person", ["p-wei", "p-li"])
def test_help_names_the_script_and_the_plan_and_still_fits_dingtalks_1kb(world, person):
    from bot.config import ROOT
    from bot.platforms.render import render_json, render_text

    [reply] = world.act(person, text="帮助")
    text = render_text(ROOT / "templates", reply.card)
    assert "口径" in text and "方案" in text
    card = render_json(ROOT / "templates", "dingtalk", reply.card)["card"]
    assert all(len(v.encode()) <= 1024 for v in card.values() if isinstance(v, str)), "DingTalk: 1 KB per value"
    for word in ("口径", "方案"):
        [topic] = world.act(person, text=f"帮助 {word}")
        assert f"{word} YQ-2026-0001" in render_text(ROOT / "templates", topic.card)
