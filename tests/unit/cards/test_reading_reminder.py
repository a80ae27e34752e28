"""催办 read as the liaison reads it, in every form (review ux-2026-12-07, findings 3, 10, 12, 13): the first
line names the case and the duty, the second what is asked and by when — 请于…前办理 with the time left
before the deadline, 请立即办理 once it is up, never 「已到时限，请按时办理」 — the third the exact command that
ends the duty; then one fact a line. Built by the clock's own builder (``worker.escalation.step_card``)."""

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
CASE = {"number": "YQ-2026-0007", "title": "某超市销售过期食品被曝光", "owner_unit": "u-desk"}


def reminder(kind: DutyKind, at: datetime, owner: str | None = "u-food"):
    duty = Duty(7, kind, Grade.MAJOR, DUE - timedelta(hours=4), DUE, {}, owner_unit=owner)
    return step_card("reminder", CASE, duty, Alarm(at, True, ()), make_org())


def test_before_the_deadline_the_text_says_the_duty_the_deadline_the_time_left_and_the_command():
    card = reminder(DutyKind.ACKNOWLEDGE, DUE - timedelta(hours=1, minutes=59))
    assert forms(card)["text"] == [
        "【催办】YQ-2026-0007 签收预警",
        "请于今天 17:38 前办理（还剩1小时59分钟）。",
        "请向舆情助手发送“签收 YQ-2026-0007”。",
        "案件：某超市销售过期食品被曝光",
        "等级：重大舆情",
        "承办单位：食品生产安全监督管理科",
    ]


def test_at_the_deadline_and_after_it_asks_for_action_now():
    at_due = forms(reminder(DutyKind.INITIAL_REPORT, DUE))["text"]
    assert at_due[:3] == ["【催办】YQ-2026-0007 初报", "已到时限（今天 17:38），请立即办理。",
                          "请向舆情助手发送“报告 YQ-2026-0007 初报”。"]
    late = forms(reminder(DutyKind.FOLLOW_UP, DUE + timedelta(minutes=35)))["text"]
    assert late[1:3] == ["已超时35分钟（时限 今天 17:38），请立即办理。", "请向舆情助手发送“报告 YQ-2026-0007 续报”。"]
    assert not any("请按时办理" in line for line in at_due + late)


def test_each_duty_names_the_command_that_ends_it():
    said = {kind: reminder(kind, DUE - timedelta(hours=1)).data["command"] for kind in DutyKind}
    assert all(said.values()), [k for k, c in said.items() if not c]  # every kind has its act (issue 20)
    assert said[DutyKind.ACKNOWLEDGE] == "签收 YQ-2026-0007"
    assert said[DutyKind.FEEDBACK] == "反馈 YQ-2026-0007"
    assert said[DutyKind.ASSESSMENT_MEETING] == "研判会议 YQ-2026-0007"  # recorded by its act (issue 19)
    assert said[DutyKind.AUTHORITATIVE_RELEASE] == "发布 YQ-2026-0007"  # ended by 发布 (issue 20)
    assert said[DutyKind.PUBLIC_RESPONSE] == "发布 YQ-2026-0007"
    assert "请向舆情助手发送“发布 YQ-2026-0007”。" in forms(reminder(DutyKind.AUTHORITATIVE_RELEASE, DUE))["text"]
    main = reminder(DutyKind.MAIN_LEADER_ACKNOWLEDGE, DUE - timedelta(minutes=30), owner=None)
    assert forms(main)["text"][:3] == ["【催办】YQ-2026-0007 主要领导签收", "请于今天 17:38 前办理（还剩30分钟）。",
                                       "请向舆情助手发送“领导签收 YQ-2026-0007”。"]


def test_a_deadline_on_another_day_reads_as_tomorrow_or_its_date():
    assert reminder(DutyKind.INITIAL_REPORT, DUE - timedelta(days=1)).data["ask"] == "请于明天 17:38 前办理（还剩1天）"
    assert reminder(DutyKind.INITIAL_REPORT, DUE - timedelta(days=3)).data["ask"] == "请于12月7日 17:38 前办理（还剩3天）"


@pytest.mark.parametrize("form", ["wecom 1:1", "wecom group", "text", "dingtalk markdown",
                                  "dingtalk markdown (CommonMark)"])
def test_every_form_reads_the_ask_first_and_one_thing_a_line(form):
    lines = forms(reminder(DutyKind.ACKNOWLEDGE, DUE - timedelta(minutes=20)))[form]
    assert "YQ-2026-0007" in lines[0] and "签收预警" in lines[0]
    assert lines[1] == "请于今天 17:38 前办理（还剩20分钟）。"
    assert lines[2] == "请向舆情助手发送“签收 YQ-2026-0007”。"
    assert runs_together(lines) == [] and len(lines) == 6
    assert not any("剩余" in line for line in lines)  # one way to say the time left: 还剩…分钟


def test_the_dingtalk_preview_names_the_reminder_the_case_and_the_duty():
    assert preview(reminder(DutyKind.ACKNOWLEDGE, DUE)) == "催办：YQ-2026-0007 签收预警"


def test_a_one_to_one_reminder_carries_the_acts_button_and_a_group_notice_the_command():
    duty = Duty(7, DutyKind.ACKNOWLEDGE, Grade.MAJOR, DUE - timedelta(hours=4), DUE, {}, owner_unit="u-food", id=41)
    alarm = Alarm(DUE - timedelta(minutes=20), True, ())
    mine = step_card("reminder", CASE, duty, alarm, make_org())
    assert [(b.label, b.action, b.params) for b in mine.buttons] == [
        ("签收", "case.ack", {"case": "YQ-2026-0007", "d": 41})]
    wecom = forms(mine)["wecom 1:1"]
    assert wecom[0] == "催办：YQ-2026-0007 签收预警" and wecom[-1] == "签收"  # a template card with the button
    assert forms(mine)["dingtalk card"][-1] == "签收"
    group = step_card("reminder", CASE, duty, alarm, make_org(), one_to_one=False)
    assert group.buttons == ()
    assert "请向舆情助手发送“签收 YQ-2026-0007”。" in forms(group)["wecom group"]
    assert "请向舆情助手发送“签收 YQ-2026-0007”。" in forms(group)["dingtalk markdown"]


def test_a_persons_own_duty_is_reminded_by_the_persons_name_and_a_release_carries_the_publish_button():
    own = Duty(7, DutyKind.SUPERVISION_ANSWER, Grade.MAJOR, DUE - timedelta(hours=4), DUE, {},
               owner_person="p-zhou", id=5)
    card = step_card("reminder", CASE, own, Alarm(DUE, True, ()), make_org())
    assert card.data["unit"] == "周科长" and [b.action for b in card.buttons] == ["supervision.answer"]
    release = Duty(7, DutyKind.AUTHORITATIVE_RELEASE, Grade.MAJOR, DUE - timedelta(hours=4), DUE, {},
                   owner_unit="u-desk", id=6)
    card = step_card("reminder", CASE, release, Alarm(DUE, True, ()), make_org())
    assert [(b.label, b.action, b.params) for b in card.buttons] == [
        ("登记发布", "publication.start", {"case": "YQ-2026-0007", "d": 6})]


OWNER_LINE = {"wecom 1:1": "办理人：周科长", "text": "办理人：周科长", "dingtalk markdown": "• 办理人：周科长",
              "dingtalk markdown (CommonMark)": "• 办理人：周科长"}


@pytest.mark.parametrize("form", sorted(OWNER_LINE))
def test_a_persons_own_duty_names_who_is_to_do_it_not_a_unit(form):
    own = Duty(7, DutyKind.SUPERVISION_ANSWER, Grade.MAJOR, DUE - timedelta(hours=4), DUE, {},
               owner_person="p-zhou", id=5)
    lines = forms(step_card("reminder", CASE, own, Alarm(DUE - timedelta(minutes=20), True, ()), make_org()))[form]
    assert OWNER_LINE[form] in lines
    assert not any("承办" in line for line in lines)


def test_the_main_leaders_own_acknowledgement_names_them_as_who_is_to_do_it():
    main = reminder(DutyKind.MAIN_LEADER_ACKNOWLEDGE, DUE - timedelta(minutes=30), owner=None)
    assert forms(main)["text"][-1] == "办理人：主要领导"
    assert forms(main)["dingtalk markdown"][-1] == "• 办理人：主要领导"
    unit = forms(reminder(DutyKind.ACKNOWLEDGE, DUE - timedelta(minutes=30)))
    assert unit["text"][-1] == "承办单位：食品生产安全监督管理科"  # a unit's duty still names its unit
