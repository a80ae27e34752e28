"""舆情日报 / 舆情周报 read line by line (review ux-2026-12-07, finding 3): every figure and every listed case
on a line of its own in every form — no 「新增舆情 0 件在办 0 件」, no 「· YQ-… · YQ-…」 on one line — a quiet
period reads as short lines, a long list says how many it left out, and DingTalk says its title once. A
confidential case is listed by its number and grade, never its title (issue 21)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.cards.shapes import DigestData
from bot.domain.grade import Grade
from tests.unit.cards.reading import forms, preview, runs_together
from tests.unit.handlers.unit_side import World
from worker.digests import contents

BUSY = DigestData(period="daily", day="3月10日",
                  new=["YQ-2026-0007 某超市销售过期食品被曝光", "YQ-2026-0008 某品牌电动车充电起火"],
                  by_grade=["重大舆情1件", "一般舆情5件"], by_unit=["食品经营安全监督管理科2件", "产品质量监督管理科1件"],
                  overdue=["YQ-2026-0003 反馈处置情况", "YQ-2026-0005 初报"], late=["YQ-2026-0004 初报"], open=6).card()
QUIET = DigestData(period="weekly", day="3月9日", new=[], by_grade=[], by_unit=[], overdue=[], late=[], open=0).card()
BUSY_LINES = [
    "新增舆情2件：",
    "· YQ-2026-0007 某超市销售过期食品被曝光",
    "· YQ-2026-0008 某品牌电动车充电起火",
    "在办舆情6件：重大舆情1件，一般舆情5件",
    "按承办单位：食品经营安全监督管理科2件，产品质量监督管理科1件",
    "已超时待办2项：",
    "· YQ-2026-0003 反馈处置情况",
    "· YQ-2026-0005 初报",
    "迟报1项：",
    "· YQ-2026-0004 初报",
]


def test_the_text_has_one_figure_or_one_case_a_line():
    assert forms(BUSY)["text"] == ["【舆情日报】3月10日", *BUSY_LINES]


def test_a_quiet_week_reads_as_four_short_lines():
    assert forms(QUIET)["text"] == ["【舆情周报】3月9日", "新增舆情0件", "在办舆情0件", "已超时待办0项", "迟报0项"]


@pytest.mark.parametrize("form", ["wecom 1:1", "wecom group", "dingtalk markdown", "dingtalk markdown (CommonMark)"])
def test_every_form_keeps_the_lines_apart(form):
    lines = forms(BUSY)[form]
    assert lines[1:] == BUSY_LINES and runs_together(lines) == []
    assert runs_together(forms(QUIET)[form]) == []


def test_dingtalk_says_the_title_once_and_previews_it():
    lines = forms(BUSY)["dingtalk markdown"]
    assert lines[0] == "舆情日报 3月10日" and not any("【舆情日报】" in line for line in lines)
    assert preview(BUSY) == "舆情日报 3月10日"


def test_a_long_list_says_how_many_it_left_out():
    many = DigestData(period="daily", day="3月10日", new=[f"YQ-2026-{n:04d} 标题{n}" for n in range(1, 26)],
                      by_grade=["一般舆情25件"], by_unit=[], overdue=[], late=[], open=25).card()
    lines = forms(many)["text"]
    assert lines[1] == "新增舆情25件：" and lines[21] == "· YQ-2026-0020 标题20" and lines[22] == "……另有5件未列出"


def test_a_confidential_case_is_listed_by_its_number_and_grade_only(sqlite_database):
    world = World(sqlite_database)
    secret = world.open(Grade.MAJOR, confidential=True, title="某超市销售过期食品").case
    plain = world.open(Grade.GENERAL, title="某品牌电动车充电起火").case
    with sqlite_database.session() as session:
        figures = contents(session, world.org, world.now + timedelta(minutes=1), 1)
    card = DigestData(period="daily", day="11月30日", **figures).card()
    for form, lines in forms(card).items():
        assert f"· {secret.number} 涉密舆情（重大）" in lines and f"· {plain.number} 某品牌电动车充电起火" in lines, form
        assert not any("某超市" in line for line in lines), form
