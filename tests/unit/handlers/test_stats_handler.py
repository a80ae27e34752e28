"""统计 as a person meets it (issue 25), as pure handlers on the sample organisation: the city desk and the bureau's
leaders are told the figures are on their way and the worker is asked for them (ids only: person, platform, the
period's key, the message's key); anyone else — a county bureau's people included — is refused politely, naming who
may; the period words and forms are understood, relative to today in Shanghai, and a period not understood is
answered with the forms."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.core import queues
from bot.core.card import Card, Reply
from bot.core.errors import HandlerError
from bot.platforms.wecom.capabilities import WITH_LONG_CONNECTION, WITHOUT_APP
from handlers.engine import process
from handlers.export_case import request_key
from handlers.registry import dialogs, load_router
from tests.support.capabilities import BOTH
from tests.unit.handlers.test_help import help_for
from tests.unit.handlers.unit_side import World, texts

WEEK_49 = "2026年第49周（11月30日—12月6日）"


class Asking(World):
    """The world whose last context is kept: the jobs a handler asked the worker for (``jobs``)."""

    capabilities = BOTH

    def act(self, person_id: str, text: str = "", action: str = "", params: dict | None = None, **kw) -> list[Reply]:
        event = self.event(person_id, text, action, params, **kw)
        self.last_event, ctx = event, self.ctx(person_id)
        ctx.capabilities = self.capabilities
        self.jobs = ctx.extra.setdefault("jobs", [])
        try:
            return process(event, ctx, None, self.now, dialogs, load_router()).replies
        except HandlerError as exc:
            return [Reply(Card("notice", {"text": exc.message}))]


@pytest.fixture
def world(sqlite_database):
    found = Asking(sqlite_database)
    found.now = datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc)  # Tuesday 1 December, 00:30 in Shanghai
    return found


def test_a_leader_is_told_the_figures_are_coming_and_the_worker_is_asked_with_ids_only(world):
    (answer,) = world.act("p-zhao", text="统计 本月")
    assert texts([answer]) == ["正在统计 2026年12月，稍后私信发送。"]
    assert answer.to is None
    event = world.last_event
    assert world.jobs == [{"queue": queues.PREVIEW, "job": queues.STATS,
                           "args": ["p-zhao", event.platform, "2026-12", request_key(event)]}]


def test_the_default_is_this_week(world):
    (answer,) = world.act("p-li", text="统计")
    assert texts([answer]) == [f"正在统计 {WEEK_49}，稍后私信发送。"]
    assert world.jobs[0]["args"][2] == "2026-W49"


def test_today_is_the_day_in_shanghai(world):
    (answer,) = world.act("p-li", text="统计 本月")  # 1 December 00:30 in Shanghai, still 30 November in UTC
    assert texts([answer]) == ["正在统计 2026年12月，稍后私信发送。"] and world.jobs[0]["args"][2] == "2026-12"


@pytest.mark.parametrize(("words", "key", "label"), [
    ("本周", "2026-W49", WEEK_49),
    ("上周", "2026-W48", "2026年第48周（11月23日—11月29日）"),
    ("本月", "2026-12", "2026年12月"),
    ("上月", "2026-11", "2026年11月"),
    ("本季度", "2026-Q4", "2026年第四季度"),
    ("本年", "2026", "2026年"),
    ("2026-q3", "2026-Q3", "2026年第三季度"),
    ("2026-W49", "2026-W49", WEEK_49),
    ("2026-12", "2026-12", "2026年12月"),
    ("2025", "2025", "2025年"),
])
def test_the_period_words_and_forms(world, words, key, label):
    (answer,) = world.act("p-sun", text=f"统计 {words}")
    assert texts([answer]) == [f"正在统计 {label}，稍后私信发送。"]
    assert world.jobs[0]["args"][2] == key


def test_a_period_not_understood_is_answered_with_the_forms(world):
    (answer,) = world.act("p-qian", text="统计 下个月")
    text = texts([answer])[0]
    assert "下个月" in text and "2026-Q4" in text and "本月" in text and "统计 本月" in text
    assert world.jobs == []


@pytest.mark.parametrize("person", ["p-sun", "p-li", "p-chen", "p-zhao", "p-qian", "p-wu", "p-zheng"])
def test_the_city_desk_and_the_bureaus_leaders_may(world, person):  # desk head and liaisons, main, publicity, in charge
    (answer,) = world.act(person, text="统计 本月")
    assert texts([answer])[0].startswith("正在统计") and len(world.jobs) == 1


@pytest.mark.parametrize("person", ["p-chu", "p-wei", "p-qi", "p-xie", "p-ops"])  # a unit, a county desk, the admin
def test_anyone_else_is_refused_politely_naming_who_may(world, person):
    (answer,) = world.act(person, text="统计 本月")
    assert texts([answer]) == ["统计数据由综合应急和新闻宣传科、局领导（主要领导、分管宣传的局领导、分管局领导）查看；"
                               "如需了解，请联系综合应急和新闻宣传科。"]
    assert world.jobs == []


def test_asked_in_a_group_the_answer_stays_short_and_the_figures_are_for_the_person(world):
    (answer,) = world.act("p-sun", text="统计 本月", chat_type="group")
    assert texts([answer]) == ["正在统计 2026年12月，稍后私信发送。"]
    [job] = world.jobs
    assert job["args"][:3] == ["p-sun", "dingtalk", "2026-12"]  # the person and his platform: 1:1, never the group


def test_where_nothing_can_go_one_to_one_the_answer_says_where_to_look_instead(world):
    world.capabilities = {**BOTH, "wecom": WITHOUT_APP}  # WeCom's smart bot alone: it can only answer
    (answer,) = world.act("p-chen", text="统计 本月")  # 陈干事 of the desk: WeCom
    assert texts([answer]) == ["本平台无法私信发送统计结果，请使用 yuqing stats 导出，或在看板查看 2026年12月 的统计。"]
    assert world.jobs == []
    world.capabilities = {**BOTH, "wecom": WITH_LONG_CONNECTION}  # the smart bot's long connection sends 1:1
    assert texts(world.act("p-chen", text="统计 本月"))[0].startswith("正在统计") and len(world.jobs) == 1


def test_each_message_has_its_own_request_key(world):
    world.act("p-li", text="统计 本月")
    first = world.jobs[0]["args"][3]
    world.now = world.now.replace(minute=31)
    world.act("p-li", text="统计 本月")
    assert world.jobs[0]["args"][3] != first


def test_help_names_stats_to_those_who_may_and_explains_it(world):
    for person in ("p-zhao", "p-wu"):  # a leader: under 查询, with an example
        assert "· 统计 本月 —— 本月舆情统计" in help_for(world.org, person)
    assert any("统计" in line for line in help_for(world.org, "p-li"))  # the city desk's own line names it
    assert not any("统计" in line for line in help_for(world.org, "p-wei") + help_for(world.org, "p-qi"))
    explained = "\n".join(help_for(world.org, "p-zhao", "帮助 统计"))
    assert "【统计】" in explained and "Excel" in explained and "本季度" in explained and "私信" in explained
