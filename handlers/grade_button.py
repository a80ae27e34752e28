"""The grade buttons of the desk's intake card (Art. 16–17): a button (``intake.grade``) sets the grade at
once (reason 立案后确定定级); the card is updated in place; what others are told comes from
``handlers.leaders.after_grade``. Typed ``定级 YQ-…`` with its reason is the grading dialog
(handlers/grade_dialog.py).
"""

from __future__ import annotations

from bot.core.card import Reply
from bot.core.event import Event
from bot.domain.case.commands import set_grade
from bot.domain.errors import InvalidInput
from bot.domain.grade import Grade
from bot.domain.permissions import require_desk
from handlers import leaders
from handlers.case_lookup import case_id_param, current_intake_card
from handlers.registry import Context, router

FIRST_GRADE_REASON = "立案后确定定级"
USAGE = "这个定级按钮已失效，请发送“定级 案件编号”重新定级。"


def _grade(text: str) -> Grade:
    try:
        return Grade.from_key(text)
    except ValueError:
        raise InvalidInput("grade.unknown", USAGE) from None


def _set(event: Event, ctx: Context, case_id: int, grade: Grade, reason: str):
    outcome = set_grade(ctx.store, ctx.rules, case_id, ctx.actor(event), ctx.now, grade, reason)
    return outcome, leaders.after_grade(outcome, ctx)


@router.action("intake.grade")
def grade_by_button(event: Event, ctx: Context) -> list[Reply]:
    """A grade button on the desk's card: set it and show the card with the new grade."""
    require_desk(ctx.org, ctx.person_id)
    case_id = case_id_param(event)
    outcome, told = _set(event, ctx, case_id, _grade(str(event.params.get("grade", ""))), FIRST_GRADE_REASON)
    status = f"{ctx.person.name}已定为{outcome.case.grade.label}"
    return [Reply(current_intake_card(ctx, case_id, status), update=True, case_id=case_id), *told]
