"""What a per-grade duty records when it is done (Art. 18): the 敏感 handling opinion's three decisions, a
meeting's time, place, attendees and conclusion, an upward report, a transfer's feedback.

The record is kept in the ``duty.fulfil`` timeline entry's ``details`` (``commands.end_duty_by_hand``); this
module reads what people type into it: yes/no with a note, a meeting's time, the org's people by name.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.core.clock import SHANGHAI, ensure_utc
from bot.core.org import Organisation
from bot.domain.errors import InvalidInput

__all__ = ["OPINION_QUESTIONS", "UPWARD", "attendees", "meeting_time", "yes_no"]

# the 敏感 handling opinion: (key, question, its short label)
OPINION_QUESTIONS = (
    ("respond", "是否公开回应？", "公开回应"),
    ("commentary", "是否组织网评员跟帖？", "网评员跟帖"),
    ("publish", "是否在门户网站/微信公众号发布？", "网站/公众号发布"),
)
# where a 特别重大 case is reported upward: the word typed → the duty kind's value
UPWARD = {"市委市政府": "report_up_city", "省局": "report_up_province"}

YES, NO = ("是", "要", "需要", "yes", "y"), ("否", "不", "不需要", "无需", "no", "n")
_LEADING = " \t,，:：;；、。.（("
_NAMES = re.compile(r"[\s,，、;；/]+", re.UNICODE)
_TIME = re.compile(r"^(?:(今天|昨天)|(?:(\d{4})[-/年.])?(\d{1,2})[-/月.](\d{1,2})日?)?\s*(\d{1,2})[:：时点](\d{1,2})?分?$")


def yes_no(text: str) -> tuple[bool, str]:
    """``是`` / ``否`` with an optional note after it (``是 今天下午在官网发布说明``): (decision, note).

    Raises InvalidInput when the text starts with neither."""
    text = (text or "").strip()
    for words, value in ((NO, False), (YES, True)):  # 不需要 before 需要
        for word in sorted(words, key=len, reverse=True):
            if text.lower().startswith(word):
                return value, text[len(word):].lstrip(_LEADING).strip()
    raise InvalidInput("opinion.yes_no", "请回复“是”或“否”，可在后面附说明，例如：是 今天下午在官网发布情况说明。")


def meeting_time(text: str, now: datetime) -> datetime:
    """When a meeting was (or will be) held, typed ``15:30``, ``今天 15:30``, ``昨天 9点``, ``12月7日 15:30`` or
    ``2026-12-07 15:30`` (Asia/Shanghai; ``现在`` / ``刚才``: now), in UTC.

    Raises InvalidInput for anything else."""
    text = (text or "").strip()
    if text in ("现在", "刚才", "刚刚"):
        return ensure_utc(now)
    match = _TIME.match(text)
    if not match:
        raise InvalidInput("meeting.time", "没有看懂会议时间，请按“15:30”“今天 15:30”或“12月7日 15:30”的格式回复。")
    rel, year, month, day, hour, minute = match.groups()
    local = ensure_utc(now).astimezone(SHANGHAI)
    try:
        date = (local - timedelta(days=1)).date() if rel == "昨天" else (
            datetime(int(year or local.year), int(month), int(day)).date() if month else local.date())
        at = datetime(date.year, date.month, date.day, int(hour), int(minute or 0), tzinfo=SHANGHAI)
    except ValueError:
        raise InvalidInput("meeting.time", "会议时间不是有效的日期或时刻，请核对后重新回复。") from None
    return ensure_utc(at)


def attendees(org: Organisation, text: str) -> tuple[list[str], list[str]]:
    """The org's active people named in ``text`` (separated by 、，or spaces): (their ids, names not found)."""
    by_name: dict[str, str] = {}
    for person in org.people.values():
        if person.active:
            by_name.setdefault(person.name, person.id)
    found, unknown = [], []
    for name in filter(None, _NAMES.split(text or "")):
        if name in by_name:
            found.append(by_name[name])
        else:
            unknown.append(name)
    return list(dict.fromkeys(found)), unknown
