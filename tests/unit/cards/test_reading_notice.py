"""A notice (the bot's plain answers) read as it arrives (review ux-2026-12-07, findings 11 and 12): on
DingTalk no 「### 舆情助手」 heading — the sender is 舆情助手 already — and the notification's preview is the
text's first line, not 「舆情助手」 for every message; a notice of several lines keeps them apart on a client
that follows CommonMark too; the other forms show the text as written."""

from __future__ import annotations

import pytest

from bot.domain.cards import notice
from bot.core.card import Card
from tests.unit.cards.reading import forms, preview, runs_together

SUBMITTED = notice("已提交 YQ-2026-0001 初报（第1版），提交时间 今天 10:00（按时，截止 今天 12:00）。")
SIGNED = notice("【签收报告】食品生产安全监督管理科联络员冯干事已于今天 10:05 签收 YQ-2026-0001（重大舆情）。\n"
                "报送情况请发送“报告 YQ-2026-0001”。")


def test_dingtalk_shows_no_heading_and_previews_the_first_line():
    assert forms(SUBMITTED)["dingtalk markdown"] == [SUBMITTED.data["text"]]
    assert preview(SUBMITTED) == "已提交 YQ-2026-0001 初报（第1版），提交时间 …"
    assert preview(SIGNED).startswith("【签收报告】食品生产安全监督管理科联络员")
    assert not any("舆情助手" == line for form in forms(SIGNED).values() for line in form)


@pytest.mark.parametrize("form", ["wecom 1:1", "wecom group", "text", "dingtalk markdown",
                                  "dingtalk markdown (CommonMark)"])
def test_a_notice_of_two_lines_keeps_them_apart_in_every_form(form):
    lines = forms(SIGNED)[form]
    assert lines == SIGNED.data["text"].split("\n") and runs_together(lines) == []


def test_a_notice_with_its_own_title_keeps_its_heading():
    titled = Card("notice", {"title": "签收通知", "text": "已签收。"})
    assert forms(titled)["dingtalk markdown"] == ["签收通知", "已签收。"] and preview(titled) == "签收通知"
