"""The clocks: statutory deadlines, working hours and days, the 2027 fallback, the holiday file."""

from datetime import datetime

import pytest

from bot.core.clock import SHANGHAI
from bot.domain.clock.deadlines import WorkingTime, due_time, parse_periods, schedule
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import HolidayFileError, WorkCalendar, parse_holiday_text
from bot.domain.grade import Grade as G
from bot.domain.kinds import DutyKind as K


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def due(kind, grade, start, calendar=None):
    frozen = default_policy().freeze(kind, grade)
    return due_time(frozen, start, calendar or WorkCalendar()).astimezone(SHANGHAI)


STATUTORY = [
    (K.AUTHORITATIVE_RELEASE, G.ESPECIALLY_MAJOR, sh(2026, 11, 24, 10), sh(2026, 11, 24, 14)),
    (K.PUBLIC_RESPONSE, G.ESPECIALLY_MAJOR, sh(2026, 11, 24, 10), sh(2026, 11, 25, 10)),
    (K.PUBLIC_RESPONSE, G.MAJOR, sh(2026, 11, 24, 10), sh(2026, 11, 26, 10)),
    # elapsed hours ignore nights, weekends and holidays
    (K.AUTHORITATIVE_RELEASE, G.ESPECIALLY_MAJOR, sh(2026, 10, 1, 22), sh(2026, 10, 2, 2)),
    (K.PUBLIC_RESPONSE, G.MAJOR, sh(2026, 11, 28, 23, 30), sh(2026, 11, 30, 23, 30)),
]


@pytest.mark.parametrize("kind,grade,start,expected", STATUTORY)
def test_statutory_clocks(kind, grade, start, expected):
    assert due(kind, grade, start) == expected


WORKING = [
    # 3 wd on Fri 2022-09-30 10:00: 1–7 Oct holidays, Sat 8 and Sun 9 Oct make-up workdays
    (K.FEEDBACK, G.GENERAL, sh(2022, 9, 30, 10), sh(2022, 10, 10, 10)),
    # 4 wh at 16:00 on a working day: 1.5 h until 17:30, 2.5 h from 08:30
    (K.ACKNOWLEDGE, G.GENERAL, sh(2026, 11, 24, 16), sh(2026, 11, 25, 11)),
    (K.ACKNOWLEDGE, G.GENERAL, sh(2026, 11, 27, 16), sh(2026, 11, 30, 11)),   # Friday → Monday
    (K.ACKNOWLEDGE, G.GENERAL, sh(2026, 11, 24, 12, 30), sh(2026, 11, 25, 9)),  # lunch waits: 3.5 h from 14:00
    (K.ACKNOWLEDGE, G.GENERAL, sh(2026, 11, 24, 20), sh(2026, 11, 25, 14, 30)),  # after hours: from 08:30
    (K.ACKNOWLEDGE, G.GENERAL, sh(2026, 11, 24, 11, 30), sh(2026, 11, 24, 17, 30)),  # ends exactly at 17:30
    (K.INITIAL_REPORT, G.GENERAL, sh(2026, 11, 28, 10), sh(2026, 12, 2, 8, 30)),  # Saturday: from Monday 08:30
    (K.FEEDBACK, G.SENSITIVE, sh(2026, 9, 30, 15), sh(2026, 10, 9, 15)),  # 2026: 1–7 Oct off, 8 Oct works
    (K.FEEDBACK, G.GENERAL, sh(2026, 9, 30, 15), sh(2026, 10, 10, 15)),  # Sat 10 Oct is a make-up workday
]


@pytest.mark.parametrize("kind,grade,start,expected", WORKING)
def test_working_time(kind, grade, start, expected):
    assert due(kind, grade, start) == expected


def test_a_deadline_in_an_unknown_year_falls_back_with_a_warning():
    calendar = WorkCalendar()
    # 3 wd from Wed 2026-12-30: Thu 31, then 2027 (unknown: Mon–Fri) Fri 1 Jan, Mon 4 Jan
    assert due(K.FEEDBACK, G.GENERAL, sh(2026, 12, 30, 10), calendar) == sh(2027, 1, 4, 10)
    assert len(calendar.warnings) == 1 and "2027" in calendar.warnings[0]
    assert calendar.warnings_between(sh(2026, 12, 30).date(), sh(2027, 1, 4).date()) == calendar.warnings
    assert due(K.FEEDBACK, G.GENERAL, sh(2027, 3, 1, 10), calendar) == sh(2027, 3, 4, 10)
    assert len(calendar.warnings) == 1, "one warning per year"


def test_the_holiday_file_knows_years_the_package_does_not():
    calendar = parse_holiday_text(
        "holidays:\n  - 2027-01-01\n  - {from: 2027-02-06, to: 2027-02-12, name: 春节}\nmakeup_workdays: [2027-02-14]\n")
    assert due(K.FEEDBACK, G.GENERAL, sh(2026, 12, 31, 10), calendar) == sh(2027, 1, 6, 10)
    assert due(K.FEEDBACK, G.GENERAL, sh(2027, 2, 5, 10), calendar) == sh(2027, 2, 16, 10)  # 14 (Sun) works
    assert calendar.warnings == []


def test_the_holiday_file_overrides_the_package():
    calendar = parse_holiday_text("holidays: [2026-11-25]\n")
    assert due(K.ACKNOWLEDGE, G.GENERAL, sh(2026, 11, 24, 16), calendar) == sh(2026, 11, 26, 11)


def test_the_holiday_file_adds_to_the_package_for_known_years():
    calendar = parse_holiday_text("holidays: [2022-12-30]\n")
    assert due(K.FEEDBACK, G.GENERAL, sh(2022, 9, 30, 10), calendar) == sh(2022, 10, 10, 10)  # package still rules
    assert not calendar.is_workday(sh(2022, 12, 30).date())


def test_a_years_list_silences_the_warning_for_plain_years():
    calendar = parse_holiday_text("years: [2027]\n")
    assert due(K.FEEDBACK, G.GENERAL, sh(2027, 3, 1, 10), calendar) == sh(2027, 3, 4, 10)
    assert calendar.warnings == []


def test_holiday_file_errors_name_their_lines():
    with pytest.raises(HolidayFileError) as err:
        parse_holiday_text("holidays:\n  - tomorrow\nmakeup_workdays: 2027-01-02\nextra: 1\n", "h.yaml")
    assert [line for line, _ in err.value.errors] == [1, 3, 4]  # a bad list item: its list's line


def test_reminders_and_escalations_of_waiting_grades_wait_for_working_hours():
    frozen = default_policy().freeze(K.ACKNOWLEDGE, G.SENSITIVE)      # 1 h, waits
    plan = schedule(frozen, sh(2026, 11, 24, 19), WorkCalendar())
    assert plan.due.astimezone(SHANGHAI) == sh(2026, 11, 24, 20)       # the deadline itself never moves
    assert {r.astimezone(SHANGHAI) for r in plan.reminders} == {sh(2026, 11, 25, 8, 30)}
    assert all(at.astimezone(SHANGHAI) == sh(2026, 11, 25, 8, 30) for at, _ in plan.escalations)


def test_major_grades_never_wait():
    frozen = default_policy().freeze(K.ACKNOWLEDGE, G.MAJOR)          # 30 min
    plan = schedule(frozen, sh(2026, 11, 24, 23), WorkCalendar())
    assert [r.astimezone(SHANGHAI) for r in plan.reminders] == [sh(2026, 11, 24, 23, 15), sh(2026, 11, 24, 23, 24),
                                                               sh(2026, 11, 24, 23, 30)]
    assert [(at.astimezone(SHANGHAI), who) for at, who in plan.escalations] == [
        (sh(2026, 11, 24, 23, 30), ("unit_head",)), (sh(2026, 11, 24, 23, 37, 30), ("leader_in_charge",)),
        (sh(2026, 11, 24, 23, 52, 30), ("desk",))]


def test_especially_major_escalation_reaches_the_main_leader():
    plan = schedule(default_policy().freeze(K.INITIAL_REPORT, G.ESPECIALLY_MAJOR), sh(2026, 11, 24, 10), WorkCalendar())
    assert plan.escalations[-1][1] == ("desk", "main_leader")


def test_working_hour_reminders_count_working_hours():
    plan = schedule(default_policy().freeze(K.ACKNOWLEDGE, G.GENERAL), sh(2026, 11, 24, 16), WorkCalendar())
    assert [r.astimezone(SHANGHAI) for r in plan.reminders] == [
        sh(2026, 11, 25, 9), sh(2026, 11, 25, 10, 12), sh(2026, 11, 25, 11)]


def test_times_are_rounded_up_to_the_second():
    start = sh(2026, 11, 24, 10, 0, 0, 250_000)
    assert due(K.ACKNOWLEDGE, G.MAJOR, start) == sh(2026, 11, 24, 10, 30, 1)


def test_next_working_moment():
    work = WorkingTime(WorkCalendar(), parse_periods(["08:30-12:00", "14:00-17:30"]))
    assert work.next_working_moment(sh(2026, 11, 24, 17, 30)).astimezone(SHANGHAI) == sh(2026, 11, 25, 8, 30)
    assert work.next_working_moment(sh(2026, 11, 24, 9)).astimezone(SHANGHAI) == sh(2026, 11, 24, 9)
