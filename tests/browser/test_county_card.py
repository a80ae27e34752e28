"""Issue 22's county card as its readers see it on a phone: 谢干事 (甲县局, DingTalk) opens a case, warns his bureau
and grades it 重大 naming 食品生产安全监督管理科; the city desk's DingTalk group shows 「县局上报：甲县市场监督管理局 YQ-…
重大」 and its WeCom group the same card; after the county's 签收 the DingTalk card lists it under 最新进展 and the WeCom
group gets the progress notice. Screenshots under var/test-artifacts."""

from __future__ import annotations

import re

try:
    from playwright.sync_api import expect
except ImportError:  # the ``browser`` fixture skips (or fails in strict mode) with the reason
    expect = None

DESK_GROUP = "综合应急和新闻宣传科"


def test_a_county_major_case_reaches_the_city_desk_and_its_progress_follows(console):
    console.act_as("谢干事").open_chat("dingtalk", "舆情助手")
    console.send("立案 甲县某餐馆食物中毒传闻")
    number = re.search(r"YQ-\d{4}-\d{4}", console.card("已立案").inner_text()).group(0)
    console.send(f"分派 {number} 甲县市场监督管理局")
    expect(console.bot_says("已分派")).to_contain_text("甲县市场监督管理局")
    console.send(f"定级 {number} 重大 多名就餐者就医，多家媒体转载")
    expect(console.bot_says("告知市局")).to_contain_text("科室")
    console.send("食品生产安全监督管理科")
    expect(console.bot_says("已报告市局舆情工作台")).to_contain_text("食品生产安全监督管理科")
    console.screenshot("county-grades-and-reports-up")

    console.act_as("李干事").open_chat("dingtalk", DESK_GROUP)
    card = console.card(f"县局上报：甲县市场监督管理局 {number}")
    expect(card).to_contain_text("重大")
    expect(card).to_contain_text("谢干事")
    console.screenshot("county-report-up-dingtalk-desk-group")
    console.act_as("陈干事").open_chat("wecom", DESK_GROUP)
    console.screenshot("county-report-up-wecom-desk-group")
    expect(console.message(f"县局上报：甲县市场监督管理局 {number}")).to_contain_text("甲县某餐馆")

    console.act_as("谢干事").open_chat("dingtalk", "舆情助手")
    console.send(f"签收 {number}")
    expect(console.bot_says("签收")).to_contain_text(number)
    console.act_as("李干事").open_chat("dingtalk", DESK_GROUP)
    expect(console.card(f"县局上报：甲县市场监督管理局 {number}")).to_contain_text("签收")
    console.screenshot("county-progress-on-the-dingtalk-card")
    console.act_as("陈干事").open_chat("wecom", DESK_GROUP)
    expect(console.message(f"{number} 县局进展")).to_contain_text("签收")
    console.screenshot("county-progress-notice-wecom")
