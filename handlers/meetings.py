"""研判会议 (重大) and 领导小组会议 (特别重大), Art. 18: the meeting is recorded — time, place, attendees (people of
the organisation, by name; a name not in it is refused kindly and asked again), conclusion — and confirmed;
its duty ends and the leaders and the desk get the record.

    (none) --"研判会议 YQ-…" / click 登记研判会议 (duty.meeting)--> 时间 --> 地点 --> 参会人员 --> 会议结论
        --> CONFIRM --确认--> END: assessment_meeting done; the desk, the publicity leader, the leaders in
        charge and the main leader told
    (none) --"领导小组会议 YQ-…" / click (duty.group_meeting)--> the same --> leading_group_meeting done
    who records: 研判会议 the desk or a leader; 领导小组会议 (convened by the main leader) the desk or any leader
    (the shared shape, refusals and second clicks: handlers/duty_record.py)
"""

from __future__ import annotations

from bot.core.clock import SHANGHAI
from bot.domain.case.decisions import attendees, meeting_time
from bot.domain.cards.case_card import person_name
from bot.domain.errors import InvalidInput
from bot.domain.kinds import DutyKind
from handlers.duty_record import Field, desk_people, record_dialog, required
from handlers.leaders import leaders
from handlers.registry import dialog


def moment(ctx, text: str) -> tuple[str, str]:
    """A field's reader for a time (``15:30``, ``今天 15:30``, ``现在`` …): (ISO, shown in Shanghai time)."""
    at = meeting_time(text, ctx.now)
    return at.isoformat(), at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _people(ctx, text: str) -> tuple[list[str], str]:
    found, unknown = attendees(ctx.org, text)
    if unknown:
        raise InvalidInput("meeting.unknown_people",
                           f"通讯录中没有找到：{'、'.join(unknown)}。请核对姓名（按通讯录中的称呼，用顿号分隔）后重新发送全部参会人员。")
    if not found:
        raise InvalidInput("meeting.no_people", "请填写参会人员姓名，用顿号分隔，例如：赵局长、钱部长、李干事。")
    return found, "、".join(person_name(ctx.org, pid) for pid in found)


FIELDS = (Field("time", "会议时间", "会议时间？（如 15:30、今天 15:30、12月7日 15:30）", moment),
          Field("place", "会议地点", "会议地点？", required("会议地点")),
          Field("attendees", "参会人员", "参会人员？（通讯录中的姓名，用顿号分隔）", _people),
          Field("conclusion", "会议结论", "会议结论？", required("会议结论")))


def _told(ctx, view) -> list[str]:
    return list(dict.fromkeys([*leaders(ctx, view), *desk_people(ctx, view)]))


ASSESSMENT = dialog(record_dialog(
    name="assessment_meeting", word="研判会议", action="duty.meeting", kinds=(DutyKind.ASSESSMENT_MEETING,),
    title="研判会议", who="舆情工作台或分管领导、宣传分管领导", fields=FIELDS, recipients=_told,
))
LEADING_GROUP = dialog(record_dialog(
    name="leading_group_meeting", word="领导小组会议", action="duty.group_meeting",
    kinds=(DutyKind.LEADING_GROUP_MEETING,), title="领导小组会议", who="舆情工作台或局领导", fields=FIELDS,
    recipients=_told,
))
