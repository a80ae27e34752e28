"""处置意见 (敏感, Art. 18): the assigned unit's head or liaison records the unit's handling opinion — three
decisions, each yes/no with an optional note: respond publicly? organise online commentary (网评员跟帖)?
publish on the website / WeChat account? — confirms, and the unit's handling_opinion duty ends; the desk gets
the three decisions as a card.

    (none) --"处置意见 YQ-…" / click 填写处置意见 (duty.opinion)--> 公开回应? --是/否--> 网评员跟帖? --是/否-->
        网站/公众号发布? --是/否--> CONFIRM --确认--> END: duty done, the desk told
    (the shared shape, refusals and second clicks: handlers/duty_record.py)
"""

from __future__ import annotations

from bot.domain.case.decisions import OPINION_QUESTIONS, yes_no
from bot.domain.kinds import DutyKind
from handlers.duty_record import Field, desk_people, record_dialog
from handlers.registry import dialog


def _read(ctx, text: str) -> tuple[dict, str]:
    decided, note = yes_no(text)
    return {"yes": decided, "note": note}, ("是" if decided else "否") + (f"（{note}）" if note else "")


OPINION = dialog(record_dialog(
    name="handling_opinion", word="处置意见", action="duty.opinion", kinds=(DutyKind.HANDLING_OPINION,),
    title="处置意见", who="承办单位负责人或联络员",
    fields=tuple(Field(key, label, question, _read, yes_no=True) for key, question, label in OPINION_QUESTIONS),
    recipients=desk_people,
))
