"""The console in a real browser: people write to the bot, see its answers and cards, click the
cards' buttons and watch them change — every act through the emulators' real callbacks.

The issue's scenario runs as docs/demo.md tells it: the desk forwards a link, grades and assigns the
case, the unit's liaison clicks 签收. Later steps (report, escalation) extend it with the same
ConsolePage steps.
"""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips these tests (or fails them in strict mode) with the reason
    expect = None


# WeCom advises at most 10 characters on a button; the card encoder cuts longer texts (docs/platform-wecom.md)
FOOD_SALE_ON_WECOM = "食品经营安全监督管…"


def test_help_and_the_test_card_in_wecom(console):
    console.open_chat("wecom", "舆情助手")
    console.send("帮助", enter=True)
    expect(console.bot_says("李干事，您好")).to_contain_text("定级")  # the desk's commands, not a liaison's

    console.send("测试卡片")
    card = console.card("测试卡片")
    expect(card.locator("button.card-btn")).to_have_text("确认收到")
    console.screenshot("wecom-card-before-click")
    console.click_button(card, "确认收到")
    expect(card.locator(".wc-btn.greyed")).to_have_text("已由 李干事 确认")
    expect(card.locator("button.card-btn")).to_have_count(0)
    assert console.notice() == ""
    console.screenshot("wecom-card-after-click")


def test_a_dingtalk_group_card_clicked_by_one_member_changes_for_another(console):
    console.open_chat("dingtalk", "综合应急和新闻宣传科")
    console.send("测试卡片")
    expect(console.message("@舆情助手 测试卡片")).to_have_class("msg mine")
    console.card("测试卡片")

    console.act_as("孙科长")
    expect(console.unread("dingtalk", "综合应急和新闻宣传科")).to_have_text("2")  # never opened: both are new
    console.open_chat("dingtalk", "综合应急和新闻宣传科")
    expect(console.unread("dingtalk", "综合应急和新闻宣传科")).to_have_text("")
    card = console.card("测试卡片")
    console.click_button(card, "确认收到")
    expect(card.locator(".dt-status")).to_have_text("已由 孙科长 确认")
    console.screenshot("dingtalk-group-card-clicked")

    console.act_as("李干事").open_chat("dingtalk", "综合应急和新闻宣传科")
    card = console.card("测试卡片")
    expect(card.locator(".dt-status")).to_have_text("已由 孙科长 确认")
    expect(card.locator("button.card-btn")).to_have_count(0)


def test_start_a_drill_and_the_board_are_on_the_page(console, stack):
    pytest.importorskip("bot.store.cases")
    from tests.console.test_board import _open_case

    _open_case(stack.database, "YQ-2026-0001", 3)
    side = console.page.locator("#side")
    expect(side).to_contain_text("YQ-2026-0001")  # the board polls: the case shows up without a reload
    countdown = side.locator(".countdown").first
    expect(countdown).to_contain_text("剩余 00:")
    first = countdown.inner_text()
    expect(countdown).not_to_have_text(first)  # it counts down every second
    side.locator(".case-link", has_text="YQ-2026-0001").click()
    expect(side.locator(".timeline")).to_contain_text("case.ack")
    assert "case=YQ-2026-0001" in console.page.url

    form = console.page.locator("#drill-form")  # 开始演练: a scenario and a scale, no switch
    expect(form.locator("select[name=scenario] option")).to_have_count(3)
    expect(form.locator("select[name=scenario]")).to_have_value("major")
    expect(form.locator("select[name=scale]")).to_have_value("60")
    expect(form.locator("#drill-start")).to_have_text("开始演练")
    expect(console.page.locator("body")).not_to_contain_text("演练模式")
    console.screenshot("board-and-drill")


def test_the_desk_forwards_a_link_and_the_unit_acknowledges(console):
    """The issue's scenario: 李干事 (desk, WeCom) forwards a link, grades it 重大 and assigns a
    DingTalk unit; its liaison 卫干事 clicks 签收 in the unit's group and submits the initial report;
    the head sees it, the board moves."""
    console.open_chat("wecom", "舆情助手")
    console.send("某超市经营过期食品 https://news.example.com/a/1", as_link=True)
    card = console.card("已立案")
    number = re.search(r"YQ-\d{4}-\d{4}", card.inner_text()).group(0)
    expect(console.board_row(number)).to_contain_text("一般")

    console.click_button(card, "重大")
    expect(card).to_contain_text("重大舆情")
    expect(console.board_row(number)).to_contain_text("重大")
    console.click_button(card, FOOD_SALE_ON_WECOM)
    expect(card).to_contain_text("已分派")
    console.screenshot("desk-case-card")

    console.act_as("卫干事")
    expect(console.unread("dingtalk", "食品经营安全监督管理科")).not_to_have_text("")
    console.open_chat("dingtalk", "食品经营安全监督管理科")
    warning = console.card(number)
    expect(warning).to_contain_text("重大舆情")
    console.click_button(warning, "签收")
    expect(warning.locator(".dt-status")).to_contain_text("卫干事")
    expect(console.board_row(number)).to_contain_text("处置中")
    console.screenshot("liaison-acknowledged")

    console.click_button(warning, "报告")  # the report dialog continues 1:1 with the robot
    console.open_chat("dingtalk", "舆情助手")
    console.click_button(console.card("请选择报告类型"), "初报")
    console.bot_says("请发送初报内容")
    console.send("经核实，该店已下架过期食品，正在调查。")
    console.click_button(console.card("确认提交初报"), "确认提交")
    expect(console.bot_says("已提交")).to_contain_text("初报")
    expect(console.board_row(number)).not_to_contain_text("初报 ·")  # the initial report's deadline is met
    console.screenshot("liaison-reported")

    console.act_as("褚科长").open_chat("dingtalk", "食品经营安全监督管理科")
    expect(console.card(number).locator(".dt-status")).to_contain_text("卫干事")
    console.board_row(number).locator(".case-link").click()
    expect(console.page.locator("#side .timeline")).to_contain_text("case.ack")
    expect(console.page.locator("#side .timeline")).to_contain_text("卫干事")
    console.screenshot("head-sees-the-acknowledgement")


def test_a_drill_lets_a_deadline_pass_and_the_escalation_reach_the_leader(console):
    """开始演练 with the 重大 food-safety scenario at ×360 (30 minutes become 5 seconds) opens one drill case,
    warned to 食品经营安全监督管理科 at once; nobody acknowledges, and the escalation reaches 吴副局长, the leader
    in charge of the unit (named in the scenario). A link forwarded meanwhile opens a real case."""
    console.page.select_option("select[name=scenario]", "major")
    console.page.select_option("select[name=scale]", "360")
    with console.page.expect_navigation():
        console.page.click("#drill-start")
    expect(console.page.locator("#notice")).to_contain_text("已开始演练 YQ-")
    number = re.search(r"YQ-\d{4}-\d{4}", console.notice()).group(0)
    expect(console.board_row(number)).to_contain_text("演练")
    console.screenshot("drill-started")

    console.open_chat("wecom", "舆情助手")
    console.send("某超市经营过期食品 https://news.example.com/a/2", as_link=True)
    card = console.card("某超市经营过期食品")  # its own card, whatever of the drill reached this chat
    expect(card).to_contain_text("已立案")
    real = re.search(r"YQ-\d{4}-\d{4}", card.inner_text()).group(0)
    assert real != number
    expect(card).not_to_contain_text("演练")  # real intake is never a drill
    expect(console.board_row(real)).not_to_contain_text("演练")

    console.act_as("吴副局长").open_chat("dingtalk", "舆情助手")
    escalation = console.bot_says("请您督办")
    expect(escalation).to_contain_text(number)
    console.screenshot("leader-receives-the-escalation")
