"""Every card kind renders for WeCom, for every destination, into what the emulator's payload rules accept,
and user values cannot break out of their JSON strings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.card import Button, Card
from bot.emulator.wecom.payloads import aibot_body, app_body, webhook_body
from bot.platforms.render import defang
from bot.platforms.wecom.bodies import Bodies
from bot.platforms.wecom.buttons import task_id

TEMPLATES = Path(__file__).resolve().parents[4] / "templates"
HOSTILE = 'a"}, "msgtype": "text", "x": {"y": "\\u0000 {{ 7*7 }} </xml> <@all>'

# One sample per kind (a new kind without a sample fails test_every_kind_has_a_sample).
SAMPLES = {
    "help": [Card("help", {"name": "周科长", "commands": [{"text": "帮助", "meaning": "查看本说明"}]}),
             Card("help", {"name": "", "commands": []})],
    "notice": [Card("notice", {"text": "抱歉，没有看懂。"}), Card("notice", {"text": "预警", "mentions": ["zhouks"]})],
    # a confidential case's card in a group, whatever its kind (bot.core.presentation): drawn by secret_notice
    "secret_notice": [Card("secret_notice", {"secret_notice": {"number": HOSTILE, "grade": HOSTILE}, "title": "涉密舆情",
                                             "unit": "u-food", "assignment": 1},
                           (Button("签收", "case.ack", {"case": "YQ-2026-0001", "a": "1"}, "primary"),
                            Button("非本单位职责", "case.reject", {"case": "YQ-2026-0001", "a": "1"}, "danger"))),
                      Card("secret_notice", {"secret_notice": {"number": "YQ-2026-0001", "grade": "重大"},
                                             "title": "涉密舆情"})],
    "demo_card": [Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": ""},
                       (Button("确认收到", "demo.confirm", {"n": "1"}, "primary"), Button("驳回", "demo.no"))),
                  Card("demo_card", {"title": "测试卡片", "body": "点一下", "status": "已由 周科长 确认"})],
    "intake_card": [Card("intake_card", {"title": "已立案 YQ-2026-0001", "color": "blue", "status": HOSTILE, "body": HOSTILE,
                                         "facts": [{"label": f"项{i}", "value": HOSTILE} for i in range(8)],
                                         "hints": [HOSTILE]},
                         (Button("敏感", "intake.grade", {"case": 1, "grade": 2}), Button(HOSTILE, "intake.units"))),
                    Card("intake_card", {"title": "案件 YQ-2026-0001", "color": "red", "status": "", "body": "b",
                                         "facts": [{"label": "状态", "value": "已立案"}], "hints": []})],
    "my_duties": [Card("my_duties", {"name": "李干事", "more": 2, "duties": [
                      {"case": "YQ-2026-0001", "title": HOSTILE, "line": "初报 明天 17:30 截止，还剩 1天", "drill": True}]}),
                  Card("my_duties", {"name": "李干事", "duties": [], "more": 0}),
                  Card("my_duties", {"name": HOSTILE, "more": 1, "unit": HOSTILE, "duties": [  # with its buttons (issue 19)
                      {"case": "YQ-2026-0001", "title": HOSTILE, "line": HOSTILE, "drill": False, "mark": "①",
                       "command": "签收 YQ-2026-0001"},
                      {"case": "YQ-2026-0002", "title": HOSTILE, "line": HOSTILE, "drill": True, "command": HOSTILE}]},
                       (Button("①签收", "case.ack", {"case": "YQ-2026-0001", "d": 7}, "primary"),))],
    "reminder": [Card("reminder", {"title": "催办", "case": "YQ-2026-0001", "case_title": HOSTILE, "duty": "初报",
                                   "grade": "特别重大舆情", "due": "11月29日 11:00", "unit": "食品科", "left": "还剩30分钟"}),
                 Card("reminder", {"title": "催办", "case": "YQ-2026-0001", "case_title": HOSTILE, "duty": "初报",
                                   "grade": "特别重大舆情", "due": "11月29日 11:00", "unit": HOSTILE, "left": "还剩30分钟",
                                   "ask": HOSTILE, "command": "报告 YQ-2026-0001 初报"},
                      (Button("报告初报", "report.start", {"case": "YQ-2026-0001", "d": 7}, "primary"),))],
    "escalation": [Card("escalation", {"title": "逾期提醒", "case": "YQ-2026-0001", "case_title": HOSTILE, "duty": "初报",
                                       "grade": "重大舆情", "due": "11月29日 11:00", "unit": "食品科", "left": "已超时1小时",
                                       "roles": "分管局领导"}),
                   Card("escalation", {"title": "逾期提醒", "case": "YQ-2026-0001", "case_title": HOSTILE, "duty": "签收预警",
                                       "grade": "重大舆情", "due": "11月29日 11:00", "unit": HOSTILE, "left": "已超时1小时",
                                       "roles": HOSTILE, "ask": HOSTILE, "command": "签收 YQ-2026-0001"},
                        (Button("签收", "case.ack", {"case": "YQ-2026-0001", "d": 7}, "primary"),))],
    "delivery_failed": [Card("delivery_failed", {"count": 25, "items": [HOSTILE, "11-29 10:00 李干事（wecom）：reminder — 45009"]})],
    "county_case": [Card("county_case", {"title": HOSTILE, "color": "orange", "body": HOSTILE, "status": "", "hint": HOSTILE,
                                         "facts": [{"label": "县局", "value": HOSTILE}, {"label": "等级", "value": "重大舆情"}],
                                         "link": "https://weibo.com/1/abc", "unit": "u-desk", "number": "YQ-2026-0001",
                                         "progress": [HOSTILE, "今天 14:05 谢干事报送首报"]},
                         (Button("接管", "county.take_over", {"case": "YQ-2026-0001"}, "primary"),
                          Button("取消关注", "county.unfollow", {"case": "YQ-2026-0001"}))),
                    Card("county_case", {"title": "关注县局舆情 YQ-2026-0001", "facts": [], "body": HOSTILE,
                                         "status": "已由李干事接管", "progress": []})],  # issue 22
    "digest": [Card("digest", {"kind": "daily", "day": "11月30日", "new": [HOSTILE], "by_grade": ["重大舆情 1"],
                               "by_unit": [HOSTILE], "overdue": [], "late": ["YQ-2026-0001 初报"], "open": 1})],
    **{kind: [Card(kind, {"title": HOSTILE, "color": "orange", "body": HOSTILE, "status": "", "hint": HOSTILE,
                          "facts": [{"label": "案件编号", "value": "YQ-2026-0001"}, {"label": "等级", "value": HOSTILE}],
                          "mentions": ["fenggs"]},
                    (Button("签收", "case.ack", {"case": "YQ-2026-0001", "a": "1"}, "primary"),
                     Button("非本单位职责", "case.reject", {"case": "YQ-2026-0001", "a": "1"}, "danger"))),
                   Card(kind, {"title": "舆情预警", "facts": [], "body": HOSTILE, "status": "已由 冯干事 于 11-30 10:00 签收"}),
                   Card(kind, {"title": "舆情通报", "facts": [{"label": "等级", "value": "敏感舆情"}], "body": "正文",
                               "status": ""})]
       for kind in ("case_card", "desk_card", "bulletin", "prompt_card", "script_approval", "plan_approval",
                    "onward_consent", "response_notice")},
}


def kinds() -> list[str]:
    return sorted(p.name.removesuffix(".txt.j2") for p in (TEMPLATES / "text").glob("*.txt.j2"))


def test_every_kind_has_a_sample_and_a_wecom_template():
    assert set(kinds()) <= set(SAMPLES), "add a sample card for the new kind"
    assert all((TEMPLATES / "wecom" / f"{kind}.json.j2").exists() for kind in kinds())


@pytest.mark.parametrize("card", [c for cards in SAMPLES.values() for c in cards], ids=lambda c: c.kind)
def test_every_destination_accepts_the_rendered_card(card):
    bodies = Bodies(TEMPLATES)
    for body in bodies.pieces(card, task_id(), cards=True, plain=False):
        app_body({"touser": "zhouks", "agentid": 1, **body})
    for body in bodies.pieces(card, task_id(), cards=True, plain=True):
        assert body["msgtype"] == "text"
        app_body(body)
    for body in bodies.pieces(card, task_id(), cards=False, plain=False):
        webhook_body(body)
    aibot_body(bodies.aibot(card, task_id(), cards=True), "single")
    aibot_body(bodies.aibot(card, task_id(), cards=False), "group")


def test_a_button_card_goes_1to1_as_a_button_card_and_to_groups_as_text():
    bodies = Bodies(TEMPLATES)
    card = SAMPLES["demo_card"][0]
    (rich,) = bodies.pieces(card, "yq_t1", cards=True, plain=False)
    assert rich["template_card"]["card_type"] == "button_interaction"
    assert [b["key"] for b in rich["template_card"]["button_list"]] == ["demo.confirm?n=1", "demo.no"]
    assert rich["template_card"]["task_id"] == "yq_t1"
    (group,) = bodies.pieces(card, "yq_t2", cards=False, plain=False)
    assert group["msgtype"] == "markdown" and "确认收到" in group["markdown"]["content"]


def test_a_card_without_live_buttons_shows_its_status_greyed_in_place_and_as_a_notice_when_fresh():
    """``replace_text`` works in update_template_card only: a fresh send of a settled card is a text_notice
    showing the outcome and opening PUBLIC_BASE_URL (never a link of the case), or its text without one."""
    settled = SAMPLES["demo_card"][1]
    bodies = Bodies(TEMPLATES, home_url="https://yuqing.example.gov.cn")
    assert bodies.rich(settled, "yq_t3")["template_card"]["replace_text"] == "已由 周科长 确认"
    (body,) = bodies.pieces(settled, "yq_t3", cards=True, plain=False)
    notice = body["template_card"]
    assert notice["card_type"] == "text_notice" and "replace_text" not in notice and "button_list" not in notice
    assert notice["main_title"] == {"title": "测试卡片", "desc": "已由 周科长 确认"}
    assert notice["card_action"] == {"type": 1, "url": "https://yuqing.example.gov.cn"}
    app_body({"touser": "zhouks", "agentid": 1, **body})
    assert bodies.aibot(settled, "yq_t3", cards=True) == body
    (text,) = Bodies(TEMPLATES).pieces(settled, "yq_t3", cards=True, plain=False)
    assert text["msgtype"] == "markdown" and "已由 周科长 确认" in text["markdown"]["content"]


def test_user_values_stay_inside_their_strings():
    bodies = Bodies(TEMPLATES)
    card = Card("demo_card", {"title": HOSTILE, "body": HOSTILE, "status": ""}, (Button(HOSTILE, "demo.confirm"),))
    (body,) = bodies.pieces(card, "yq_t4", cards=True, plain=False)
    assert body["msgtype"] == "template_card" and set(body) == {"msgtype", "template_card"}
    assert body["template_card"]["main_title"]["title"] == HOSTILE[:35] + "…"  # fitted, still inside its string
    assert body["template_card"]["button_list"][0]["text"] == HOSTILE[:9] + "…"
    (notice,) = bodies.pieces(Card("notice", {"text": HOSTILE}), "yq_t5", cards=True, plain=False)
    assert notice == {"msgtype": "markdown", "markdown": {"content": defang(HOSTILE)}}  # markdown: no live <@all>
    (help_body,) = bodies.pieces(Card("help", {"name": HOSTILE, "commands": [{"text": HOSTILE, "meaning": "m"}]}),
                                 "yq_t6", cards=True, plain=False)
    assert set(help_body) == {"msgtype", "markdown"} and defang(HOSTILE) in help_body["markdown"]["content"]


def test_long_markdown_is_split_below_2048_bytes():
    pieces = Bodies(TEMPLATES).pieces(Card("notice", {"text": "舆情通报。\n" * 600}), "yq", cards=True, plain=False)
    assert len(pieces) > 1 and all(len(p["markdown"]["content"].encode()) <= 2048 for p in pieces)


def report_card(facts: int, links: int) -> Card:
    return Card("desk_card", {"title": "专项报告（第1版） YQ-2026-0001", "body": "正文\n附件：图片 1：https://bot/files/x",
                              "status": "", "facts": [{"label": f"项{i}", "value": "v"} for i in range(facts)],
                              "links": [{"title": f"文件 {HOSTILE}{i}", "url": f"https://bot/files/t{i}"}
                                        for i in range(links)]},
                (Button("调整定级", "case.grade", {"case": "YQ-2026-0001"}),))


@pytest.mark.parametrize(("facts", "links", "rows"), [(4, 1, 1), (4, 5, 2), (2, 5, 3), (6, 2, 0)])
def test_a_cards_attachment_links_are_link_rows_after_its_facts(facts, links, rows):
    """WeCom makes no link in sub_title_text clickable and has no jump_list on a button card: the links go in
    the free rows of horizontal_content_list (type 1, at most 6 rows in all, at most 3 links)."""
    (body,) = Bodies(TEMPLATES).pieces(report_card(facts, links), "yq_t7", cards=True, plain=False)
    app_body({"touser": "chengs", "agentid": 1, **body})
    items = body["template_card"]["horizontal_content_list"]
    linked = [i for i in items if i.get("type") == 1]
    assert len(items) == min(6, facts + rows) and len(linked) == rows and "jump_list" not in body["template_card"]
    assert [i["url"] for i in linked] == [f"https://bot/files/t{i}" for i in range(rows)]
    assert all(i["keyname"] == f"附件{n}" and len(i["value"]) <= 26 for n, i in enumerate(linked, 1))
    assert "https://bot/files/x" in body["template_card"]["sub_title_text"]   # the text keeps every link
