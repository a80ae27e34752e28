"""Issue 21's group notice as its readers see it on a phone: the desk (WeCom) opens and assigns a case, then marks
it 涉密; the food-sale unit's DingTalk group card turns into 「涉密舆情 YQ-…（重大）需要您处理，详情已私信发送」 with
nothing of the story, while its liaison's 1:1 card keeps the details. Screenshots under var/test-artifacts."""

from __future__ import annotations

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips (or fails in strict mode) with the reason
    expect = None

FOOD_SALE_ON_WECOM = "食品经营安全监督管…"  # WeCom's button text is cut to 10 characters (docs/platform-wecom.md)
TITLE = "某超市经营过期食品"  # 经营: the food-sale unit is the one suggestion beside 标记涉密


def test_a_case_marked_confidential_shows_only_its_number_and_grade_in_the_group(console):
    number = console.desk_opens_major_case(f"{TITLE} https://news.example.com/a/3", FOOD_SALE_ON_WECOM)

    console.act_as("卫干事").open_chat("dingtalk", "食品经营安全监督管理科")
    expect(console.card(number)).to_contain_text("过期食品")  # not confidential yet: the group sees the story
    console.screenshot("group-card-before-marking")

    console.act_as("陈干事").open_chat("wecom", "舆情助手")
    console.send(f"涉密 {number} 涉及未公开的执法信息")
    expect(console.bot_says("标记为涉密")).to_contain_text(number)
    console.screenshot("desk-told-of-the-marking")

    console.act_as("卫干事").open_chat("dingtalk", "食品经营安全监督管理科")
    group_card = console.card(number)
    expect(group_card).to_contain_text(f"涉密舆情 {number}（重大）需要您处理，详情已私信发送")
    expect(group_card).not_to_contain_text("过期食品")
    console.screenshot("group-card-after-marking")
    console.open_chat("dingtalk", "舆情助手")
    expect(console.bot_says("标记为涉密")).to_contain_text(TITLE)  # the details 1:1
    console.screenshot("liaison-told-1to1")
