"""转办反馈 (a case transferred from above): the desk records the feedback it sent back — to whom, when, what —
and the transfer's clock ends. (``反馈 YQ-…`` is the unit's feedback to the desk, Art. 14: handlers/report.py.)

    (none) --"转办反馈 YQ-…" / click 登记转办反馈 (duty.transfer_feedback)--> 反馈对象 --> 反馈时间 --> 反馈内容
        --> CONFIRM --确认--> END: transfer_feedback done, the desk told
    (the shared shape, refusals and second clicks: handlers/duty_record.py)
"""

from __future__ import annotations

from bot.domain.kinds import DutyKind
from handlers.duty_record import Field, desk_people, record_dialog, required
from handlers.meetings import moment
from handlers.registry import dialog

TRANSFER_FEEDBACK = dialog(record_dialog(
    name="transfer_feedback", word="转办反馈", action="duty.transfer_feedback", kinds=(DutyKind.TRANSFER_FEEDBACK,),
    title="转办反馈", who="舆情工作台",
    fields=(Field("to", "反馈对象", "反馈给谁？（如 省局舆情办）", required("反馈对象")),
            Field("at", "反馈时间", "何时反馈的？（如 15:30、今天 15:30；刚反馈回复“现在”）", moment),
            Field("what", "反馈内容", "反馈了什么？", required("反馈内容"))),
    recipients=desk_people,
))
