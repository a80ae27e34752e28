"""What other people are told after a domain command, kept apart from the intent that ran it.

Intake (issue 6) calls these after its commands; the unit's side (issue 7) fills them in. Each takes
the domain's Outcome and the handler Context and returns Replies addressed with Targets.
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.domain.context import Outcome
from handlers.registry import Context


def after_assign(outcome: Outcome, ctx: Context) -> list[Reply]:
    """After a unit was assigned a case (or reassigned it): its warning to the unit's group and liaisons
    (handlers/warning.py), and the leaders' bulletins with the units known now when the grade calls for
    them (handlers/leaders.py)."""
    from handlers.leaders import assign_replies
    from handlers.warning import warning_replies

    return warning_replies(outcome, ctx) + assign_replies(outcome, ctx)


def after_grade(outcome: Outcome, ctx: Context) -> list[Reply]:
    """After a case's grade was set or changed: updated cards and leaders told (handlers/leaders.py)."""
    from handlers.leaders import grade_replies

    return grade_replies(outcome, ctx)
