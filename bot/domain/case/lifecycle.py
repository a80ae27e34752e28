"""The lifecycles of a case and of each assignment, as explicit transition tables.

case:        opened ─► handling ─► (responding) ─► tracking ─► subsided ─► (evaluated) ─► archived
assignment:  warned ─► acknowledged ─► reported (… reported)
                 └──► returned ─► reassigned (the desk assigns another unit)

A case becomes ``handling`` when its first unit acknowledges; from there acts move it (``docs/case-flow.md``):
发布 (issue 20) → responding, the desk's ``跟踪`` → tracking, a unit's ``需要续发口径`` → responding again,
``平息`` → subsided (from tracking; from handling for 一般/敏感 only), every evaluation accepted → evaluated,
``归档`` → archived, and ``重新跟踪`` (offered on a sighting) takes a subsided case back to tracking.
``evaluated`` is for 重大/特别重大 only, and those cannot be archived without it. An archived case is read-only:
only viewing and the desk's ``更正`` remain.
"""

from __future__ import annotations

from enum import StrEnum

from bot.domain.errors import IllegalTransition
from bot.domain.grade import EVALUATED_GRADES, Grade


class CaseState(StrEnum):
    """Where a case stands."""

    OPENED = "opened"
    HANDLING = "handling"
    RESPONDING = "responding"
    TRACKING = "tracking"
    SUBSIDED = "subsided"
    EVALUATED = "evaluated"
    ARCHIVED = "archived"


class AssignmentState(StrEnum):
    """Where one unit's part of a case stands."""

    WARNED = "warned"
    ACKNOWLEDGED = "acknowledged"
    REPORTED = "reported"
    RETURNED = "returned"
    REASSIGNED = "reassigned"


CASE_LABELS = {
    CaseState.OPENED: "已立案", CaseState.HANDLING: "处置中", CaseState.RESPONDING: "回应中",
    CaseState.TRACKING: "跟踪中", CaseState.SUBSIDED: "已平息", CaseState.EVALUATED: "已评估",
    CaseState.ARCHIVED: "已归档",
}
ASSIGNMENT_LABELS = {
    AssignmentState.WARNED: "待签收", AssignmentState.ACKNOWLEDGED: "已签收", AssignmentState.REPORTED: "已报告",
    AssignmentState.RETURNED: "已退回", AssignmentState.REASSIGNED: "已改派",
}

# state → states the desk may move the case to (OPENED → HANDLING happens on acknowledgement only)
CASE_TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.OPENED: frozenset({CaseState.HANDLING}),
    CaseState.HANDLING: frozenset({CaseState.RESPONDING, CaseState.TRACKING, CaseState.SUBSIDED}),
    CaseState.RESPONDING: frozenset({CaseState.TRACKING}),
    CaseState.TRACKING: frozenset({CaseState.RESPONDING, CaseState.SUBSIDED}),
    CaseState.SUBSIDED: frozenset({CaseState.EVALUATED, CaseState.ARCHIVED, CaseState.TRACKING}),
    CaseState.EVALUATED: frozenset({CaseState.ARCHIVED}),
    CaseState.ARCHIVED: frozenset(),
}

# (state, action) → next state of an assignment
ASSIGNMENT_TRANSITIONS: dict[tuple[AssignmentState, str], AssignmentState] = {
    (AssignmentState.WARNED, "case.ack"): AssignmentState.ACKNOWLEDGED,
    (AssignmentState.WARNED, "case.reject"): AssignmentState.RETURNED,
    (AssignmentState.ACKNOWLEDGED, "report.submit"): AssignmentState.REPORTED,
    (AssignmentState.REPORTED, "report.submit"): AssignmentState.REPORTED,
    (AssignmentState.RETURNED, "case.reassign"): AssignmentState.REASSIGNED,
}

LIVE = frozenset(CaseState) - {CaseState.ARCHIVED}
BEFORE_SUBSIDING = frozenset({CaseState.OPENED, CaseState.HANDLING, CaseState.RESPONDING, CaseState.TRACKING})
# action → case states in which it may happen at all
CASE_STATES_FOR_ACTION: dict[str, frozenset[CaseState]] = {
    "case.assign": BEFORE_SUBSIDING,
    "case.reassign": BEFORE_SUBSIDING,
    "case.transfer_down": BEFORE_SUBSIDING,
    "case.take_over": LIVE,  # a county's case (issue 22)
    "case.follow": LIVE,
    "case.unfollow": LIVE,
    "case.ack": BEFORE_SUBSIDING,
    "case.reject": BEFORE_SUBSIDING,
    "case.grade": LIVE,
    "report.submit": LIVE - {CaseState.EVALUATED},
    "duty.close": LIVE,
    "duty.fulfil": LIVE,
    "case.advance": LIVE,
    "case.track": frozenset({CaseState.HANDLING, CaseState.RESPONDING, CaseState.TRACKING}),
    "case.script": frozenset({CaseState.TRACKING, CaseState.RESPONDING}),
    "case.subside": frozenset({CaseState.HANDLING, CaseState.TRACKING}),
    "case.retrack": frozenset({CaseState.SUBSIDED}),
    "case.archive": frozenset({CaseState.SUBSIDED, CaseState.EVALUATED}),
    "case.correct": frozenset(CaseState),
    "evaluation.submit": frozenset({CaseState.SUBSIDED}),
    "evaluation.accept": frozenset({CaseState.SUBSIDED}),
    "evaluation.return": frozenset({CaseState.SUBSIDED}),
    # 回应 (Art. 19, issue 20): scripts, plans and publications while the case is live and not yet subsided
    "script.submit": BEFORE_SUBSIDING,
    "script.approve": BEFORE_SUBSIDING,
    "script.return": BEFORE_SUBSIDING,
    "script.onward_consent": BEFORE_SUBSIDING,
    "script.onward_report": BEFORE_SUBSIDING,
    "plan.submit": BEFORE_SUBSIDING,
    "plan.approve": BEFORE_SUBSIDING,
    "plan.return": BEFORE_SUBSIDING,
    "publication.publish": BEFORE_SUBSIDING,
}
ARCHIVED_READ_ONLY = "案件已归档，只能查看；如需更正，请舆情工作台发送“更正 案件编号 内容”。"


def next_case_state(state: CaseState, target: CaseState, grade: Grade) -> CaseState:
    """Check that the desk may move a case from ``state`` to ``target``; raises IllegalTransition."""
    if target == CaseState.HANDLING:
        raise IllegalTransition("case.illegal", "案件在有单位签收后自动进入“处置中”，无需手动推进。")
    if target not in CASE_TRANSITIONS[state]:
        raise IllegalTransition(
            "case.illegal", f"案件当前为“{CASE_LABELS[state]}”，不能转为“{CASE_LABELS[target]}”。")
    if target == CaseState.EVALUATED and grade not in EVALUATED_GRADES:
        raise IllegalTransition("case.no_evaluation", f"{grade.label}无需评估总结，平息后可直接归档。")
    if state == CaseState.HANDLING and target == CaseState.SUBSIDED and grade in EVALUATED_GRADES:
        raise IllegalTransition("case.track_first", f"{grade.label}须先跟踪（发送“跟踪 编号 内容”），才能平息。")
    if state == CaseState.SUBSIDED and target == CaseState.ARCHIVED and grade in EVALUATED_GRADES:
        raise IllegalTransition("case.needs_evaluation", f"{grade.label}须先完成评估总结，才能归档。")
    return target


def check_case_allows(state: CaseState, action: str) -> None:
    """Refuse an action the case's state does not allow; raises IllegalTransition."""
    if state not in CASE_STATES_FOR_ACTION.get(action, LIVE):
        if state == CaseState.ARCHIVED:
            raise IllegalTransition("case.archived", ARCHIVED_READ_ONLY)
        raise IllegalTransition("case.closed_for_action", f"案件当前为“{CASE_LABELS[state]}”，不能再进行此操作。")


def next_assignment_state(state: AssignmentState, action: str) -> AssignmentState:
    """The assignment's state after ``action``; raises IllegalTransition when the table has no such move."""
    nxt = ASSIGNMENT_TRANSITIONS.get((state, action))
    if nxt is None:
        raise IllegalTransition(
            "assignment.illegal", f"该单位的任务当前为“{ASSIGNMENT_LABELS[state]}”，不能进行此操作。")
    return nxt
