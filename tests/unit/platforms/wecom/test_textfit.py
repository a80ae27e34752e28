"""WeCom's side of the follow-ups (bot/platforms/wecom/textfit.py): a template card whose text ``cardfit`` cuts
is followed by its whole text; a card shown whole, or one that goes as text, is followed by nothing."""

from __future__ import annotations

from bot.config import ROOT
from bot.core.card import Button, Card
from bot.platforms.render import render_json
from bot.platforms.wecom import cardfit, textfit
from bot.platforms.wecom.bodies import Bodies
from bot.platforms.wecom.buttons import card_keys

REPORT = "\n".join(f"第{n}条：涉事门店已停业整改，过期食品全部下架销毁。" for n in range(1, 60))
BODIES = Bodies(ROOT / "templates")


def desk_card(text):
    return Card("desk_card", {"title": "初报（第1版） YQ-2026-0001", "color": "orange",
                              "facts": [{"label": "等级", "value": "一般舆情"}], "body": f"卫干事 提交：\n{text}",
                              "status": "", "link": ""}, (Button("调整定级", "case.grade", {"case": "YQ-2026-0001"}),))


def test_a_card_whose_text_is_cut_is_followed_by_its_whole_text():
    (rest,) = textfit.fit(BODIES, desk_card(REPORT)).rest
    assert rest.kind == "notice" and not rest.buttons and rest.data["title"] == "初报（第1版） YQ-2026-0001（全文）"
    assert all(line in rest.data["text"] for line in REPORT.splitlines())


def test_a_card_shown_whole_or_a_plain_notice_needs_nothing_after_it():
    assert textfit.fit(BODIES, desk_card("短报告")).rest == ()
    assert textfit.fit(BODIES, Card("notice", {"text": REPORT})).rest == ()   # text: split, never cut


def test_a_shortened_button_label_is_not_text_to_follow():
    card = Card("demo_card", {"title": "测试卡片", "body": "请选择", "status": ""},
                (Button("非常非常非常长的一个按钮标签", "demo.confirm", {}),))
    assert not textfit.cut(render_card(card))                                # the label is cut, nothing else
    assert textfit.fit(BODIES, card).rest == ()


def render_card(card):
    body = render_json(ROOT / "templates", "wecom", card, task_id="t", keys=card_keys(card.buttons))
    assert body["msgtype"] == "template_card"
    assert cardfit.fit(body["template_card"])["button_list"][0]["text"].endswith("…")
    return body["template_card"]
