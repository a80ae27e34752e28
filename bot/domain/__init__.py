"""The domain core: cases and assignments, grades, the policy, working-time clocks, permissions and
the timeline's hash chain — plain Python (no Flask, RQ, Redis, SQLAlchemy or platforms).

One sub-package per concept, with the same file names where they apply (``commands.py`` …):
``case/`` (commands, lifecycle, timeline), ``unit/`` (commands), ``intake/`` (reading, links, commands),
``clock/`` (policy and its file, workdays, durations, deadlines, duties) and ``cards/`` (view-models).
Shared by them, at the top: records, repository, context (rules, ``Outcome``), errors, grade, kinds,
permissions, words and yaml_lines (YAML loading that keeps line numbers).

Commands receive a :class:`~bot.domain.repository.CaseStore` that the store package implements.
"""

from bot.domain.case.lifecycle import AssignmentState, CaseState
from bot.domain.clock.policy import Policy
from bot.domain.clock.policy_file import PolicyFileError, default_policy, load_policy
from bot.domain.clock.workdays import HolidayFileError, WorkCalendar, load_calendar
from bot.domain.context import Outcome, Rules, load_rules
from bot.domain.errors import DomainError, IllegalTransition, InvalidInput, NotFound, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind, ReportKind
from bot.domain.permissions import Action, Role
from bot.domain.records import Actor, Assignment, Case, Duty, DutyState, GradeChange
from bot.domain.repository import CaseRepository, CaseStore

__all__ = [
    "Action", "Actor", "Assignment", "AssignmentState", "Case", "CaseRepository", "CaseState", "CaseStore",
    "DomainError", "Duty", "DutyKind", "DutyState", "Grade", "GradeChange", "HolidayFileError", "IllegalTransition",
    "InvalidInput", "NotFound", "NotPermitted", "Outcome", "Policy", "PolicyFileError", "ReportKind", "Role", "Rules",
    "WorkCalendar", "default_policy", "load_calendar", "load_policy", "load_rules",
]
