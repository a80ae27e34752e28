"""测试卡片 read in every form (review ux-2026-12-07, finding 3): in text each answer is a line of its own
(not 「回复“确认收到”回复“驳回”」), and after the click the outcome replaces them."""

from __future__ import annotations

from bot.core.card import Button
from bot.domain.cards.shapes import DemoCardData
from tests.unit.cards.reading import forms, runs_together

BUTTONS = (Button("确认收到", "demo.confirm", {"n": "1"}, "primary"), Button("驳回", "demo.no"))
LIVE = DemoCardData("测试卡片", "点击下面的按钮，确认卡片交互正常。").card(BUTTONS)
DONE = DemoCardData("测试卡片", "点击下面的按钮，确认卡片交互正常。", "已由周科长确认").card()


def test_the_text_gives_each_answer_a_line():
    assert forms(LIVE)["text"] == ["【测试卡片】", "点击下面的按钮，确认卡片交互正常。", "· 回复“确认收到”", "· 回复“驳回”"]
    assert forms(DONE)["text"] == ["【测试卡片】", "点击下面的按钮，确认卡片交互正常。", "已由周科长确认"]


def test_no_form_runs_lines_together():
    for card in (LIVE, DONE):
        for form, lines in forms(card).items():
            assert runs_together(lines) == [], form
    assert forms(LIVE)["dingtalk card"] == ["测试卡片", "点击下面的按钮，确认卡片交互正常。", "确认收到", "驳回"]
    assert forms(LIVE)["wecom 1:1"][:2] == ["测试卡片", "点击下面的按钮，确认卡片交互正常。"]
