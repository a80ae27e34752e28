"""A settled WeCom case card sent fresh (a text_notice) opens the case's page on the board when the board is on
(issue 26; bot/platforms/wecom/bodies.py ``Bodies.opens``), else PUBLIC_BASE_URL as before."""

from __future__ import annotations

from pathlib import Path

from bot.core.card import Card
from bot.platforms.wecom.bodies import Bodies

TEMPLATES = Path(__file__).resolve().parents[4] / "templates"
HOME = "https://yuqing.example.gov.cn"
SETTLED = Card("case_card", {"title": "YQ-2026-0007 网传某超市销售过期牛奶", "facts": [{"label": "等级", "value": "重大舆情"}],
                             "body": "请食品经营安全监督管理科签收", "status": "已由 周科长 签收"})


def _action(bodies: Bodies, card: Card) -> dict:
    (body,) = bodies.pieces(card, "yq_b1", cards=True, plain=False)
    assert body["template_card"]["card_type"] == "text_notice"
    return body["template_card"]["card_action"]


def test_a_settled_case_card_opens_the_case_on_the_board():
    assert _action(Bodies(TEMPLATES, home_url=HOME + "/", board=True), SETTLED) == {
        "type": 1, "url": f"{HOME}/board/cases/YQ-2026-0007"}


def test_without_the_board_it_opens_the_home_address():
    assert _action(Bodies(TEMPLATES, home_url=HOME), SETTLED) == {"type": 1, "url": HOME}


def test_a_card_naming_no_case_or_several_opens_the_home_address():
    bodies = Bodies(TEMPLATES, home_url=HOME, board=True)
    none = Card("case_card", {**SETTLED.data, "title": "测试卡片"})
    two = Card("case_card", {**SETTLED.data, "body": "与 YQ-2026-0008 合并"})
    assert _action(bodies, none) == {"type": 1, "url": HOME}
    assert _action(bodies, two) == {"type": 1, "url": HOME}
