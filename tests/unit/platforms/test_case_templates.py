"""The case cards on both platforms: a WeCom group sees the text form with the liaisons @-mentioned and what to
type; a user value cannot @-mention anyone; a settled card shows its status greyed; DingTalk gets the variables."""

from __future__ import annotations

from bot.config import ROOT
from bot.core.card import Button, Card
from bot.emulator.dingtalk import contract
from bot.platforms.render import render_json
from bot.platforms.wecom.bodies import Bodies

TEMPLATES = ROOT / "templates"
WARNING = Card("case_card", {"title": "舆情预警 YQ-2026-0001", "color": "orange", "status": "",
                             "facts": [{"label": "等级", "value": "重大舆情"}], "body": "标题 <@all>\n工作要求：请立即核实",
                             "hint": "签收：在群里 @舆情助手 发送“签收 YQ-2026-0001”", "mentions": ["fenggs"]},
               (Button("签收", "case.ack", {"case": "YQ-2026-0001", "a": "1"}, "primary"),))


def test_a_wecom_group_gets_the_text_form_with_mentions_and_what_to_type():
    (body,) = Bodies(TEMPLATES).pieces(WARNING, "yq_1", cards=False, plain=False)
    content = body["markdown"]["content"]
    assert body["msgtype"] == "markdown" and content.endswith("<@fenggs>")
    assert "发送“签收 YQ-2026-0001”" in content and "<@all>" not in content and "＜＠all>" in content


def test_one_to_one_a_button_card_and_after_the_click_the_status_greyed():
    bodies = Bodies(TEMPLATES)
    (card,) = bodies.pieces(WARNING, "yq_2", cards=True, plain=False)
    assert card["template_card"]["horizontal_content_list"] == [{"keyname": "等级", "value": "重大舆情"}]
    settled = Card("case_card", {**WARNING.data, "status": "已由 卫干事 于 11-30 10:00 签收"})
    done = bodies.rich(settled, "yq_3")  # the form update_template_card takes (replace_text works only there)
    assert done["template_card"]["replace_text"] == "已由 卫干事 于 11-30 10:00 签收"


def test_dingtalk_gets_the_generic_card_variables():
    params = render_json(TEMPLATES, "dingtalk", WARNING)["card"]
    view = contract.render(params)
    assert view["title"] == "舆情预警 YQ-2026-0001" and view["buttons"][0]["action_id"] == "case.ack"
    assert contract.problems(params) == []
