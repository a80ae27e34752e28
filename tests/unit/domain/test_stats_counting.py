"""The counting behind the figures (issue 25): which period a duty belongs to, its verdict as at a moment, the
rounds of a script, the grading a county reported up with."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.domain.case.timeline import TimelineEntry
from bot.domain.drill.report import Verdict
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Duty, DutyState
from bot.domain.response.state import ScriptVersion
from bot.domain.stats import counting

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
END = T0 + timedelta(days=30)


def _duty(due_days: float, ended_days: float | None = None, state=DutyState.OPEN, late=False,
          kind=DutyKind.INITIAL_REPORT) -> Duty:
    ended = T0 + timedelta(days=ended_days) if ended_days is not None else None
    return Duty(1, kind, Grade.GENERAL, T0 - timedelta(days=1), T0 + timedelta(days=due_days), {}, state=state,
                ended_at=ended, late=late, owner_unit="u-food")


def test_a_duty_belongs_to_the_period_it_ended_in_or_fell_due_in_while_open():
    assert counting.counted(_duty(40, 5, DutyState.DONE), T0, END)           # done in it, due after it
    assert counting.counted(_duty(5), T0, END)                                # due in it, still open
    assert counting.counted(_duty(5, 35, DutyState.DONE), T0, END)            # due in it, done after it
    assert not counting.counted(_duty(-5, -2, DutyState.DONE), T0, END)       # done before it
    assert not counting.counted(_duty(40), T0, END)                           # due after it, open
    assert counting.counted(_duty(29.99), T0, END) and not counting.counted(_duty(30), T0, END)


def test_a_report_done_late_after_the_period_was_missing_at_its_end():
    """Due in November, sent in December: 漏报 as November stood at its end, 迟报 in December."""
    duty = _duty(10, 35, DutyState.DONE, late=True)
    assert counting.verdict_at(duty, END) == Verdict.MISSED
    assert counting.verdict_at(duty, END + timedelta(days=31)) == Verdict.LATE
    assert duty.state == DutyState.DONE   # the record itself is untouched


def test_verdicts_and_tally():
    duties = [_duty(5, 4, DutyState.DONE), _duty(5, 6, DutyState.DONE, late=True),
              _duty(5, 4, DutyState.CLOSED, late=True),          # closed as missed at 平息
              _duty(5, 4, DutyState.CLOSED),                     # closed by the desk before due: not counted
              _duty(5, 4, DutyState.SUPERSEDED), _duty(25), _duty(20)]
    now = T0 + timedelta(days=22)
    t = counting.tally(duties, now, lambda d: d.owner_unit)["u-food"]
    assert (t.on_time, t.late, t.missed, t.open, t.due, t.decided) == (1, 1, 2, 1, 5, 4)
    assert t.rate == 0.25
    assert counting.tally([_duty(5, 4, DutyState.CLOSED)], now, lambda d: 0) == {}
    assert counting.DutyTally().rate is None


def test_highest_grade_by_the_moment():
    raises = [(T0 + timedelta(days=2), 3), (T0 + timedelta(days=3), 2), (T0 + timedelta(days=40), 4)]
    assert counting.highest_grade(1, raises, END) == Grade.MAJOR
    assert counting.highest_grade(1, raises, T0 + timedelta(days=1)) == Grade.GENERAL


def _version(n: int, submitted_h: int, approved_h: int | None) -> ScriptVersion:
    approved = T0 + timedelta(hours=approved_h) if approved_h is not None else None
    return ScriptVersion("u-food", n, "p-feng", T0 + timedelta(hours=submitted_h), n, approved_at=approved)


def test_script_rounds_count_the_versions_since_the_last_approval():
    """v1 returned, v2 approved after 90 min; v3 (a follow-up script) approved at once; v4 pending."""
    v2 = _version(2, 3, 4)
    v2.approved_at += timedelta(minutes=30)
    found = counting.approved_scripts({"u-food": [_version(1, 1, None), v2, _version(3, 10, 11),
                                                  _version(4, 12, None)]})
    assert [(s.rounds, s.minutes) for s in found] == [(2, 90.0), (1, 60.0)]


def _entry(seq: int, action: str, payload: dict, role: str = "county_desk") -> TimelineEntry:
    return TimelineEntry(7, seq, "p-xie", role, "dingtalk", action, payload, T0 + timedelta(hours=seq), "", "")


def test_the_grading_a_county_reported_up_with():
    opened = _entry(1, "case.open", {"grade": 2, "report_up": False})
    raised = _entry(2, "case.grade", {"from": 2, "to": 3, "report_up": True})
    assert counting.first_major([opened, raised]) is raised
    assert counting.first_major([_entry(1, "case.open", {"grade": 4, "report_up": True})]).seq == 1
    assert counting.first_major([opened]) is None
    # a city case handed down, or one the city took over before it reached 重大, is not the county's report
    assert counting.first_major([_entry(1, "case.open", {"grade": 3}, role="desk"), raised]) is None
    assert counting.first_major([opened, _entry(2, "case.take_over", {}), raised]) is None
