"""Words for people: how a time, the time left to a deadline and a grade's colour read on every card and
message, whoever builds it (handlers, the worker's reminders and escalations). One form each:

* a time, in Asia/Shanghai: ``今天 10:30`` on the day it is read, else ``12月3日 10:30``;
* the time left: ``剩余 1小时20分`` / ``剩余 2天3小时``, after the deadline ``已超时 35分``;
* a grade's colour: 一般 blue, 敏感 yellow, 重大 orange, 特别重大 red.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import SHANGHAI, ensure_utc
from bot.domain.grade import Grade

__all__ = ["GRADE_COLORS", "grade_color", "time_left", "when"]

GRADE_COLORS = {Grade.GENERAL: "blue", Grade.SENSITIVE: "yellow", Grade.MAJOR: "orange", Grade.ESPECIALLY_MAJOR: "red"}


def when(at: datetime, now: datetime) -> str:
    """``at`` as people read it at ``now``: ``今天 10:30``, or ``12月3日 10:30`` on another day."""
    local, today = ensure_utc(at).astimezone(SHANGHAI), ensure_utc(now).astimezone(SHANGHAI).date()
    day = "今天" if local.date() == today else f"{local.month}月{local.day}日"
    return f"{day} {local:%H:%M}"


def time_left(due: datetime, now: datetime) -> str:
    """``剩余 1小时20分`` (days and hours without minutes: ``剩余 2天3小时``) or ``已超时 35分``."""
    seconds = int((ensure_utc(due) - ensure_utc(now)).total_seconds())
    word = "剩余" if seconds >= 0 else "已超时"
    minutes = abs(seconds) // 60
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    text = (f"{days}天" if days else "") + (f"{hours}小时" if hours else "") + (f"{mins}分" if mins and not days else "")
    return f"{word} {text or '0分'}"


def grade_color(grade: Grade | int) -> str:
    """The colour a card of a case of ``grade`` carries."""
    return GRADE_COLORS[Grade(grade)]
