"""Every card kind renders into the generic template's variables, as the emulator's contract reads them."""

from __future__ import annotations

import json

import pytest

from bot.config import ROOT
from bot.core.card import Button, Card
from bot.emulator.dingtalk import contract
from bot.platforms.render import defang, render_json

TEMPLATES = ROOT / "templates"
HOSTILE = 'a "quote", a \\ backslash, }{ braces, <b>tags</b>, **stars** and\nnew lines'
SAMPLES = {
    "help": Card("help", {"name": HOSTILE, "commands": [{"text": "帮助", "meaning": HOSTILE}]}),
    "notice": Card("notice", {"text": HOSTILE}),
    "demo_card": Card("demo_card", {"title": HOSTILE, "body": HOSTILE, "status": ""},
                      (Button("确认", "demo.confirm", {"n": 1, "who": HOSTILE}, "primary"),
                       Button("再确认", "demo.confirm", {"n": 2}), Button("详情", "case.show", {}, "danger"))),
    "intake_card": Card("intake_card", {"title": HOSTILE, "color": "blue", "status": "", "body": HOSTILE, "hints": [],
                                        "facts": [{"label": "标题", "value": HOSTILE}]},
                        (Button("敏感", "intake.grade", {"case": 1, "grade": 2}), Button("其他单位…", "intake.units"))),
    "my_duties": Card("my_duties", {"name": HOSTILE, "more": 0, "duties": [
                      {"case": "YQ-2026-0001", "title": HOSTILE, "line": HOSTILE, "drill": False}]}),
    "reminder": Card("reminder", {"title": "催办", "case": "YQ-2026-0001", "case_title": HOSTILE, "duty": "初报",
                                  "grade": "特别重大舆情", "due": "11月29日 11:00", "unit": HOSTILE, "left": "还剩30分钟"}),
    "escalation": Card("escalation", {"title": "逾期提醒", "case": "YQ-2026-0001", "case_title": HOSTILE, "duty": "初报",
                                      "grade": "重大舆情", "due": "11月29日 11:00", "unit": "食品科", "left": "已超时1小时",
                                      "roles": "分管局领导"}),
    "delivery_failed": Card("delivery_failed", {"count": 1, "items": [HOSTILE]}),
    "secret_notice": Card("secret_notice", {"secret_notice": {"number": HOSTILE, "grade": HOSTILE}, "title": "涉密舆情"},
                          (Button("签收", "case.ack", {"case": "YQ-2026-0001", "a": "1"}, "primary"),)),
    "county_case": Card("county_case", {"title": HOSTILE, "color": "orange", "body": HOSTILE, "status": "", "hint": HOSTILE,
                                        "facts": [{"label": "县局", "value": HOSTILE}], "link": "https://weibo.com/1/abc",
                                        "progress": [HOSTILE, "今天 14:05 谢干事报送首报"]},
                        (Button("接管", "county.take_over", {"case": "YQ-2026-0001"}, "primary"),
                         Button("取消关注", "county.unfollow", {"case": "YQ-2026-0001"}))),  # issue 22
    "digest": Card("digest", {"kind": "weekly", "day": "11月30日", "new": [HOSTILE], "by_grade": ["重大舆情 1"],
                              "by_unit": [HOSTILE], "overdue": [HOSTILE], "late": [], "open": 1}),
    **{kind: Card(kind, {"title": HOSTILE, "color": "orange", "body": HOSTILE, "status": HOSTILE, "hint": HOSTILE,
                         "facts": [{"label": "案件编号", "value": "YQ-2026-0001"}, {"label": "等级", "value": HOSTILE}]},
                  (Button("签收", "case.ack", {"case": "YQ-2026-0001", "a": "1"}, "primary"),
                   Button("非本单位职责", "case.reject", {"case": "YQ-2026-0001", "a": "1"}, "danger")))
       for kind in ("case_card", "desk_card", "bulletin", "prompt_card", "script_approval", "plan_approval",
                    "onward_consent", "response_notice")},
}


def test_every_kind_with_a_text_template_has_a_dingtalk_template():
    kinds = {p.name.removesuffix(".txt.j2") for p in (TEMPLATES / "text").glob("*.txt.j2")}
    assert kinds <= set(SAMPLES), "add a sample for the new kind here"
    assert kinds <= {p.name.removesuffix(".json.j2") for p in (TEMPLATES / "dingtalk").glob("[!_]*.json.j2")}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_a_kind_renders_string_variables_the_contract_accepts(kind):
    out = render_json(TEMPLATES, "dingtalk", SAMPLES[kind])
    params = out["card"]
    assert set(params) == set(contract.VARIABLES)
    assert all(isinstance(v, str) for v in params.values())
    assert contract.problems(params) == []
    assert out["markdown"]["title"]  # a notice has no heading: its first line is what it says (the preview too)
    assert out["markdown"]["text"].startswith("### ") == (kind != "notice")


def test_user_values_arrive_unchanged_and_buttons_carry_unique_action_ids():
    card = SAMPLES["demo_card"]
    params = render_json(TEMPLATES, "dingtalk", card)["card"]
    view = contract.render(params)
    # the body is markdown: no live <b>, and a hard line break (two spaces) at each line end
    assert view["title"] == HOSTILE and view["body"] == defang(HOSTILE).replace("\n", "  \n")
    assert [b["action_id"] for b in view["buttons"]] == ["demo.confirm#1", "demo.confirm#2", "case.show"]
    assert view["buttons"][0]["params"] == {"n": "1", "who": HOSTILE, "do": "demo.confirm"}  # the key the bot reads
    assert [b["color"] for b in view["buttons"]] == ["blue", "gray", "red"]
    assert json.loads(params["facts"]) == []


def test_a_card_without_buttons_has_an_empty_button_list():
    params = render_json(TEMPLATES, "dingtalk", Card("demo_card", {"title": "t", "body": "b", "status": "已确认"}))["card"]
    assert params["btns"] == "[]" and params["status"] == "已确认" and params["color"] == "green"


def test_facts_become_label_value_pairs_in_the_card_and_the_markdown():
    card = Card("notice", {"title": "预警", "color": "red", "text": "请签收",
                           "facts": [{"label": "等级", "value": 2}, {"label": "来源", "value": HOSTILE}]})
    out = render_json(TEMPLATES, "dingtalk", card)
    assert contract.render(out["card"])["facts"] == [{"label": "等级", "value": "2"}, {"label": "来源", "value": HOSTILE}]
    assert "- **等级**：2" in out["markdown"]["text"] and contract.problems(out["card"]) == []
