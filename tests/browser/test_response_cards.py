"""Issue 20's cards as their readers see them on a phone: a unit's liaison (DingTalk) sends a 口径; the
publicity leader (WeCom) and the unit's leader in charge (DingTalk) each get the 口径审定 card 1:1 and press 同意.
Screenshots of both platforms' cards before and after are kept under var/test-artifacts."""

from __future__ import annotations

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips (or fails in strict mode) with the reason
    expect = None

FOOD_SALE_ON_WECOM = "食品经营安全监督管…"  # WeCom's button text is cut to 10 characters (docs/platform-wecom.md)
SCRIPT = "经核查，涉事门店已下架全部过期食品，执法人员已立案调查，将依法从严处理，结果及时向社会公布。"


def test_a_script_is_approved_by_two_leaders_on_two_platforms(console):
    number = console.desk_opens_major_case("某超市经营过期食品 https://news.example.com/a/2", FOOD_SALE_ON_WECOM)

    console.act_as("卫干事").open_chat("dingtalk", "食品经营安全监督管理科")
    console.click_button(console.card(number), "签收")
    console.open_chat("dingtalk", "舆情助手")
    console.send(f"口径 {number}")
    console.bot_says("口径内容")
    console.send(SCRIPT)
    console.click_button(console.card("确认提交口径"), "确认提交")
    expect(console.bot_says("已提交")).to_contain_text("v1")
    console.screenshot("liaison-submitted-the-script")

    console.act_as("钱副局长").open_chat("wecom", "舆情助手")
    asked = console.card("口径审定")
    expect(asked).to_contain_text(SCRIPT[:20])
    console.screenshot("script-approval-on-wecom")
    console.click_button(asked, "同意")
    expect(console.card("口径审定")).to_contain_text("钱副局长")
    console.screenshot("script-approval-on-wecom-after")

    console.act_as("吴副局长").open_chat("dingtalk", "舆情助手")
    asked = console.card("口径审定")
    expect(asked).to_contain_text("钱副局长")  # the other approver's decision is on his card
    console.screenshot("script-approval-on-dingtalk")
    console.click_button(asked, "同意")
    expect(console.card("口径审定")).to_contain_text("已审定")
    console.screenshot("script-approval-on-dingtalk-after")
