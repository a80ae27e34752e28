"""The domain core: cases and assignments, grades, the policy, working-time clocks, permissions and
the timeline's hash chain — plain Python (no Flask, RQ, Redis, SQLAlchemy or platforms).

Commands live in :mod:`bot.domain.case_commands` and :mod:`bot.domain.unit_commands`; they receive a
:class:`~bot.domain.repository.CaseStore` that the store package implements.
"""

from bot.domain.context import Outcome, Rules, load_rules
from bot.domain.errors import DomainError, IllegalTransition, InvalidInput, NotFound, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind, ReportKind
from bot.domain.lifecycle import AssignmentState, CaseState
from bot.domain.permissions import Action, Role
from bot.domain.policy import Policy
from bot.domain.policy_file import PolicyFileError, default_policy, load_policy
from bot.domain.records import Actor, Assignment, Case, Duty, DutyState, GradeChange
from bot.domain.repository import CaseRepository, CaseStore
from bot.domain.workdays import HolidayFileError, WorkCalendar, load_calendar

__all__ = [
    "Action", "Actor", "Assignment", "AssignmentState", "Case", "CaseRepository", "CaseState", "CaseStore",
    "DomainError", "Duty", "DutyKind", "DutyState", "Grade", "GradeChange", "HolidayFileError", "IllegalTransition",
    "InvalidInput", "NotFound", "NotPermitted", "Outcome", "Policy", "PolicyFileError", "ReportKind", "Role", "Rules",
    "WorkCalendar", "default_policy", "load_calendar", "load_policy", "load_rules",
]
