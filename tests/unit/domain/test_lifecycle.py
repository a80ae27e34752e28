"""The transition tables of a case and of an assignment."""

import pytest

from bot.core.errors import HandlerError
from bot.domain.case.lifecycle import (
    CASE_TRANSITIONS, AssignmentState as A, CaseState as C, check_case_allows, next_assignment_state, next_case_state,
)
from bot.domain.errors import IllegalTransition
from bot.domain.grade import Grade

CASE_MOVES = [
    (C.HANDLING, C.RESPONDING, Grade.GENERAL, True),
    (C.HANDLING, C.TRACKING, Grade.GENERAL, True),
    (C.RESPONDING, C.TRACKING, Grade.MAJOR, True),
    (C.TRACKING, C.RESPONDING, Grade.MAJOR, True),
    (C.TRACKING, C.SUBSIDED, Grade.MAJOR, True),
    (C.SUBSIDED, C.EVALUATED, Grade.MAJOR, True),
    (C.SUBSIDED, C.EVALUATED, Grade.ESPECIALLY_MAJOR, True),
    (C.SUBSIDED, C.EVALUATED, Grade.SENSITIVE, False),
    (C.SUBSIDED, C.ARCHIVED, Grade.SENSITIVE, True),
    (C.SUBSIDED, C.ARCHIVED, Grade.MAJOR, False),
    (C.EVALUATED, C.ARCHIVED, Grade.MAJOR, True),
    (C.OPENED, C.HANDLING, Grade.GENERAL, False),
    (C.OPENED, C.TRACKING, Grade.GENERAL, False),
    (C.HANDLING, C.SUBSIDED, Grade.GENERAL, True),   # 一般/敏感 that needed no response (issue 19)
    (C.HANDLING, C.SUBSIDED, Grade.SENSITIVE, True),
    (C.HANDLING, C.SUBSIDED, Grade.MAJOR, False),    # 重大+ are tracked first
    (C.SUBSIDED, C.TRACKING, Grade.GENERAL, True),   # 重新跟踪
    (C.ARCHIVED, C.HANDLING, Grade.GENERAL, False),
    (C.EVALUATED, C.SUBSIDED, Grade.MAJOR, False),
]


@pytest.mark.parametrize("state,target,grade,ok", CASE_MOVES)
def test_case_transitions(state, target, grade, ok):
    if ok:
        assert next_case_state(state, target, grade) == target
    else:
        with pytest.raises(IllegalTransition) as err:
            next_case_state(state, target, grade)
        assert isinstance(err.value, HandlerError) and err.value.message


def test_archived_is_terminal_and_every_state_is_in_the_table():
    assert set(CASE_TRANSITIONS) == set(C)
    assert CASE_TRANSITIONS[C.ARCHIVED] == frozenset()


ASSIGNMENT_MOVES = [
    (A.WARNED, "case.ack", A.ACKNOWLEDGED),
    (A.WARNED, "case.reject", A.RETURNED),
    (A.ACKNOWLEDGED, "report.submit", A.REPORTED),
    (A.REPORTED, "report.submit", A.REPORTED),
    (A.RETURNED, "case.reassign", A.REASSIGNED),
    (A.WARNED, "report.submit", None),
    (A.ACKNOWLEDGED, "case.ack", None),
    (A.ACKNOWLEDGED, "case.reject", None),
    (A.RETURNED, "case.ack", None),
    (A.REASSIGNED, "case.reassign", None),
]


@pytest.mark.parametrize("state,action,expected", ASSIGNMENT_MOVES)
def test_assignment_transitions(state, action, expected):
    if expected:
        assert next_assignment_state(state, action) == expected
    else:
        with pytest.raises(IllegalTransition, match="不能进行此操作"):
            next_assignment_state(state, action)


def test_an_archived_case_refuses_everything():
    for action in ("case.assign", "case.grade", "report.submit", "duty.close"):
        with pytest.raises(IllegalTransition):
            check_case_allows(C.ARCHIVED, action)
    check_case_allows(C.SUBSIDED, "case.grade")


def test_an_archived_case_says_it_is_read_only_and_takes_a_correction():
    for action in ("case.track", "case.subside", "case.archive", "case.retrack", "case.ack"):
        with pytest.raises(IllegalTransition, match="已归档，只能查看"):
            check_case_allows(C.ARCHIVED, action)
    check_case_allows(C.ARCHIVED, "case.correct")
