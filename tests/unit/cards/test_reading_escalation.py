"""逾期提醒 (an automatic escalation; 督办 is what a leader or the desk does) read as its reader reads it (review ux-2026-12-07, finding 13): it speaks to the reader — 「请您督办」,
not 「提请分管局领导督办」 — says first what is late and by how much, names everyone the step tells (the unit's
head by the unit's name, the desk by the name of the desk that runs the case: a county bureau for a county's
case), in every form."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.clock import SHANGHAI
from bot.domain.clock.duties import Alarm
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Duty
from tests.unit.cards.reading import forms, preview, runs_together
from tests.unit.domain.sample_org import make_org
from worker.escalation import step_card

DUE = datetime(2026, 12, 7, 17, 38, tzinfo=SHANGHAI)
CITY = {"number": "YQ-2026-0007", "title": "某超市销售过期食品被曝光", "owner_unit": "u-desk"}
COUNTY = {"number": "YQ-2026-0008", "title": "甲县某餐馆食物中毒", "owner_unit": "u-county-a"}


def escalation(case: dict, at: datetime, notify: tuple[str, ...], owner: str = "u-food"):
    duty = Duty(7, DutyKind.INITIAL_REPORT, Grade.MAJOR, DUE - timedelta(hours=4), DUE, {}, owner_unit=owner)
    return step_card("escalation", case, duty, Alarm(at, False, notify), make_org())


def test_the_reader_is_asked_in_the_second_person_what_is_late_coming_first():
    card = escalation(CITY, DUE + timedelta(minutes=35), ("unit_head", "leader_in_charge"))
    assert forms(card)["text"] == [
        "【逾期提醒】YQ-2026-0007 初报",
        "食品生产安全监督管理科的初报已超时35分钟（时限 今天 17:38），尚未办结，请您督办。",
        "案件：某超市销售过期食品被曝光",
        "等级：重大舆情",
        "本次告知：食品生产安全监督管理科负责人、分管局领导",
    ]
    at_due = escalation(CITY, DUE, ("unit_head",)).data["ask"]
    assert at_due == "食品生产安全监督管理科的初报已到时限（今天 17:38），尚未办结，请您督办"
    assert not any("提请" in line for line in forms(card)["text"])


def test_the_desk_is_named_by_the_desk_that_runs_the_case():
    city = escalation(CITY, DUE + timedelta(hours=3), ("desk", "main_leader"))
    assert city.data["roles"] == "综合应急和新闻宣传科、主要领导"
    county = escalation(COUNTY, DUE + timedelta(hours=3), ("desk", "main_leader"), owner="u-county-a")
    assert county.data["roles"] == "甲县市场监督管理局、主要领导"
    assert "综合应急和新闻宣传科" not in " ".join(forms(county)["text"])


@pytest.mark.parametrize("form", ["wecom 1:1", "wecom group", "text", "dingtalk markdown",
                                  "dingtalk markdown (CommonMark)"])
def test_every_form_reads_the_ask_first_and_one_thing_a_line(form):
    lines = forms(escalation(CITY, DUE + timedelta(hours=1), ("leader_in_charge",)))[form]
    if form == "wecom 1:1":  # a button card: its 承办 row, and the 督办 button a leader's 逾期提醒 carries
        assert lines.pop() == "督办" and lines.pop(4) == "承办：食品生产安全监督管理科"
    assert "YQ-2026-0007" in lines[0] and "初报" in lines[0]
    assert lines[1] == "食品生产安全监督管理科的初报已超时1小时（时限 今天 17:38），尚未办结，请您督办。"
    assert runs_together(lines) == [] and len(lines) == 5 and lines[-1].endswith("本次告知：分管局领导")


def test_the_dingtalk_preview_names_the_escalation_the_case_and_the_duty():
    assert preview(escalation(CITY, DUE, ("unit_head",))) == "逾期提醒：YQ-2026-0007 初报"


def test_a_persons_own_duty_escalated_names_the_person_as_who_is_to_do_it():
    own = Duty(7, DutyKind.SUPERVISION_ANSWER, Grade.MAJOR, DUE - timedelta(hours=4), DUE, {},
               owner_person="p-zhou", id=5)
    card = step_card("escalation", CITY, own, Alarm(DUE + timedelta(minutes=35), False, ("desk",)), make_org())
    assert card.data["ask"] == "周科长的回复督办已超时35分钟（时限 今天 17:38），尚未办结，请您督办"
    wecom = forms(card)["wecom 1:1"]
    assert "办理人：周科长" in wecom and not any("承办" in line for line in wecom)
