"""The lines of a followed county case's progress (issue 22): one per step — who (and their unit) did what kind of
step, at a time in the usual words — from the payloads the commands really write; nothing for what is not a step,
and never a title, report or reason text (a confidential case reads the same)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot.core.clock import SHANGHAI
from bot.domain.case import commands as cases
from bot.domain.case.timeline import TimelineEntry
from bot.domain.cards.progress_lines import progress_line, progress_lines
from bot.domain.grade import Grade
from bot.domain.kinds import ReportKind
from bot.domain.records import Actor
from bot.domain.unit import commands as units

QI, XIE = Actor("p-qi", "dingtalk"), Actor("p-xie", "dingtalk")  # the county's head and liaison
TEN = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
LATER = TEN + timedelta(hours=2)


def entry(action: str, payload: dict, actor: str = "p-xie", minute: int = 30, role: str = "liaison") -> TimelineEntry:
    """An entry as the chain stores it (what the sweep reads back)."""
    return TimelineEntry(1, 9, actor, role, "dingtalk", action, payload, TEN + timedelta(minutes=minute), "0", "h")


@pytest.fixture
def county_case(store, rules):
    """A county's 重大 case: opened and graded by the county, its unit warned, signed, reported; then raised."""
    case = cases.open_case(store, rules, QI, TEN, title="某超市销售过期食品（机密细节）", grade=Grade.MAJOR).case
    a = units.assign_unit(store, rules, case.id, QI, TEN + timedelta(minutes=1), "u-county-a").assignment
    units.acknowledge(store, rules, case.id, a.id, XIE, TEN + timedelta(minutes=2))
    units.report(store, rules, case.id, a.id, XIE, TEN + timedelta(minutes=3), ReportKind.INITIAL, "现场核查情况：某某")
    cases.set_grade(store, rules, case.id, QI, TEN + timedelta(minutes=4), Grade.ESPECIALLY_MAJOR, "热度持续上升")
    return case


def test_each_step_of_a_county_case_is_one_line_naming_who_and_their_unit(store, org, county_case):
    lines = [progress_line(e, org, LATER) for e in store.repo.timeline(county_case.id)]
    assert lines == [
        None,  # case.open: the card itself reports it
        "今天 10:01 戚局长（甲县市场监督管理局）分派甲县市场监督管理局",
        "今天 10:02 谢干事（甲县市场监督管理局）签收",
        "今天 10:03 谢干事（甲县市场监督管理局）报送初报",
        "今天 10:04 戚局长（甲县市场监督管理局）调整定级：由重大舆情调整为特别重大舆情",
    ]


def test_the_latest_lines_come_first_and_at_most_five(store, org, county_case):
    entries = store.repo.timeline(county_case.id)
    assert progress_lines(entries, org, LATER)[0].endswith("调整为特别重大舆情")
    many = entries + [entry("report.submit", {"unit": "u-county-a", "kind": "follow_up", "text": "x"}, minute=m)
                      for m in range(10, 16)]
    assert len(progress_lines(many, org, LATER)) == 5 and len(progress_lines(many, org, LATER, latest=None)) == 10


def test_no_line_quotes_a_title_a_report_or_a_reason(store, org, county_case):
    text = "\n".join(progress_lines(store.repo.timeline(county_case.id), org, LATER, latest=None))
    for secret in ("机密细节", "现场核查", "热度持续上升"):
        assert secret not in text


@pytest.mark.parametrize("action, payload, actor, said", [
    ("report.submit", {"assignment": 1, "unit": "u-county-a", "kind": "follow_up", "text": "…", "late": True},
     "p-xie", "谢干事（甲县市场监督管理局）报送续报（迟报）"),
    ("report.submit", {"assignment": 1, "unit": "u-county-a", "kind": "special", "text": "…", "late": False},
     "p-xie", "谢干事（甲县市场监督管理局）报送专项报告"),
    ("case.reject", {"assignment": 1, "unit": "u-county-a", "reason": "…"}, "p-xie",
     "谢干事（甲县市场监督管理局）以非本单位职责退回"),
    ("case.reassign", {"from_assignment": 1, "from_unit": "u-food", "assignment": 2, "unit": "u-county-a"}, "p-qi",
     "戚局长（甲县市场监督管理局）改派甲县市场监督管理局（原食品生产安全监督管理科）"),
    ("script.submit", {"unit": "u-county-a", "version": 2, "text": "…", "attachments": [], "approvers": {},
                       "supersedes": 1}, "p-xie", "谢干事（甲县市场监督管理局）提交甲县市场监督管理局的口径 v2"),
    ("script.approve", {"unit": "u-county-a", "version": 2, "roles": ["publicity_leader"], "on_behalf": False,
                        "reason": None, "approved": True, "returned": False, "pending": []}, "p-qi",
     "戚局长（甲县市场监督管理局）同意甲县市场监督管理局的口径 v2，口径审定通过"),
    ("script.return", {"unit": "u-county-a", "version": 1, "roles": ["leader_in_charge"], "reason": "…",
                       "approved": False, "returned": True, "pending": []}, "p-qi",
     "戚局长（甲县市场监督管理局）退回修改甲县市场监督管理局的口径 v1"),
    ("script.onward_consent", {"unit": "u-county-a", "version": 2}, "p-qi",
     "戚局长（甲县市场监督管理局）同意报送甲县市场监督管理局的口径 v2"),
    ("script.onward_report", {"to": "网信办", "unit": "u-county-a", "version": 2, "note": None}, "p-xie",
     "谢干事（甲县市场监督管理局）将甲县市场监督管理局的口径 v2报送网信办"),
    ("plan.submit", {"unit": "u-county-a", "version": 1, "way": "press_release", "way_label": "新闻通稿",
                     "content": "…", "when": "今天", "supersedes": None}, "p-xie",
     "谢干事（甲县市场监督管理局）提交甲县市场监督管理局的回应方案 v1（新闻通稿）"),
    ("plan.approve", {"unit": "u-county-a", "version": 1, "roles": ["leader_in_charge"], "reason": None,
                      "approved": False, "returned": False, "next": "main_leader"}, "p-qi",
     "戚局长（甲县市场监督管理局）同意甲县市场监督管理局的回应方案 v1"),
    ("plan.return", {"unit": "u-county-a", "version": 1, "roles": ["main_leader"], "reason": "…", "approved": False,
                     "returned": True, "next": None}, "p-qi", "戚局长（甲县市场监督管理局）退回修改甲县市场监督管理局的回应方案 v1"),
    ("publication.publish", {"channel": "press_release", "channel_label": "新闻通稿", "when": "…", "link": None,
                             "scripts": [["u-county-a", 2]], "plan": None, "from": "handling", "to": "responding",
                             "fulfils": []}, "p-qi", "戚局长（甲县市场监督管理局）登记发布（新闻通稿）"),
    ("case.track", {"note": "…", "from": "responding", "to": "tracking", "asked": ["u-county-a"]}, "p-qi",
     "戚局长（甲县市场监督管理局）跟踪，案件转入跟踪"),
    ("case.track", {"note": "…", "unit": "u-county-a"}, "p-xie", "谢干事（甲县市场监督管理局）报送跟踪情况"),
    ("case.script", {"unit": "u-county-a", "needed": True, "ask": 7, "from": "tracking", "to": "responding"},
     "p-xie", "谢干事（甲县市场监督管理局）答复需要续发口径"),
    ("case.subside", {"reason": "…", "from": "tracking", "to": "subsided", "missed": [], "evaluations": []}, "p-qi",
     "戚局长（甲县市场监督管理局）确认平息"),
    ("case.advance", {"from": "tracking", "to": "subsided"}, "p-qi", "戚局长（甲县市场监督管理局）确认平息"),
    ("case.advance", {"from": "handling", "to": "responding"}, "p-qi", "戚局长（甲县市场监督管理局）将案件转为回应中"),
    ("duty.fulfil", {"duty": 4, "kind": "transfer_feedback", "late": False, "reason": "…"}, "p-xie",
     "谢干事（甲县市场监督管理局）完成转办反馈"),
    ("supervision.answer", {"assignment": 1, "unit": "u-county-a", "duty": 5, "text": "…", "late": False}, "p-xie",
     "谢干事（甲县市场监督管理局）回复督办"),
    ("case.grade", {"from": 4, "to": 3, "reason": "…", "report_up": True, "tell_unit": None}, "p-qi",
     "戚局长（甲县市场监督管理局）调整定级：由特别重大舆情调整为重大舆情"),
])
def test_the_steps_read_as_what_was_done(org, action, payload, actor, said):
    assert progress_line(entry(action, payload, actor), org, LATER) == f"今天 10:30 {said}"


@pytest.mark.parametrize("action", ["case.open", "case.view", "case.view_refused", "case.follow", "case.unfollow",
                                    "case.take_over", "case.transfer_down", "duty.close", "case.confidential",
                                    "case.sighting", "publication.refused", "supervision.send", "clock.fired"])
def test_what_is_not_a_step_has_no_line(org, action):
    assert progress_line(entry(action, {"unit": "u-county-a"}), org, LATER) is None


def test_a_person_in_no_unit_is_named_alone_and_a_leader_of_a_county_by_it(org):
    assert progress_line(entry("script.approve", {"unit": "u-county-a", "version": 1, "approved": True}, "p-zhao"),
                         org, LATER) == "今天 10:30 赵局长同意甲县市场监督管理局的口径 v1，口径审定通过"
    led = replace(org, units={**org.units, "u-county-a": replace(org.units["u-county-a"],
                                                                 leaders={"main": "p-zheng"})})
    assert progress_line(entry("plan.approve", {"unit": "u-county-a", "version": 1}, "p-zheng"), led, LATER) \
        == "今天 10:30 郑副局长（甲县市场监督管理局）同意甲县市场监督管理局的回应方案 v1"


def test_a_step_of_another_day_says_its_date(org):
    assert progress_line(entry("case.ack", {"unit": "u-county-a"}), org, LATER + timedelta(days=3)) \
        == "11月24日 10:30 谢干事（甲县市场监督管理局）签收"
