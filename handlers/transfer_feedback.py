"""转办反馈 (a case transferred from above): the desk records the feedback it sent back — to whom, when, what —
and the transfer's clock ends. (``反馈 YQ-…`` is the unit's feedback to the desk, Art. 14: handlers/report.py.)
A case the city desk handed down to a county (转县局, Art. 21: handlers/transfer_down.py) is fed back by the
county desk the same way; its record goes to the city desk's people too (:func:`feedback_people`).

    (none) --"转办反馈 YQ-…" / click 登记转办反馈 (duty.transfer_feedback)--> 反馈对象 --> 反馈时间 --> 反馈内容
        --> CONFIRM --确认--> END: transfer_feedback done, the desk told (and the city desk, for a case handed down)
    (the shared shape, refusals and second clicks: handlers/duty_record.py)
"""

from __future__ import annotations

from bot.domain.kinds import DutyKind
from bot.domain.permissions import Action
from handlers.duty_record import Field, desk_people, record_dialog, required
from handlers.meetings import moment
from handlers.registry import dialog


def handed_down(ctx, view) -> bool:
    """Whether the case is a county's because the city desk handed it down to that county (转县局)."""
    county = view.case.county
    if not county:
        return False
    entries = ctx.store.run(lambda repo: repo.timeline(view.case.id))
    return any(e.action == str(Action.TRANSFER_DOWN) and (e.payload or {}).get("county") == county for e in entries)


def feedback_people(ctx, view) -> list[str]:
    """Who reads a 转办反馈: the people of the desk running the case; for a case handed down to a county, the
    city desk's head and liaisons as well (the city handed it down and waits for the result)."""
    people = desk_people(ctx, view)
    city = ctx.org.desk_unit()
    if city is not None and handed_down(ctx, view):
        people += [pid for pid in (*city.liaisons, city.head) if pid not in people]
    return people


TRANSFER_FEEDBACK = dialog(record_dialog(
    name="transfer_feedback", word="转办反馈", action="duty.transfer_feedback", kinds=(DutyKind.TRANSFER_FEEDBACK,),
    title="转办反馈", who="舆情工作台",
    fields=(Field("to", "反馈对象", "反馈给谁？（如 省局舆情办、市局舆情办）", required("反馈对象")),
            Field("at", "反馈时间", "何时反馈的？（如 15:30、今天 15:30；刚反馈回复“现在”）", moment),
            Field("what", "反馈内容", "反馈了什么？", required("反馈内容"))),
    recipients=feedback_people,
))
