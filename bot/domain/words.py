"""Words for people: how a time, a deadline, the time left to it and a grade's colour read on every card and
message, whoever builds it (handlers, the card builders, the worker's reminders, escalations and digests).
One form each (review ux-2026-12-07, finding 10):

* a time or a deadline, in Asia/Shanghai, no seconds: ``今天 17:38``, ``明天 09:00``, ``昨天 16:05``, else
  ``12月9日 17:38`` (``2027年1月4日 09:00`` in another year) — :func:`deadline`, and :func:`when` for a moment
  that has passed (the same words);
* the time left, in the official register (分钟, never 分 alone) and without spaces: ``还剩1小时59分钟``,
  ``还剩2天3小时``, ``还剩不到1分钟``; after the deadline ``已超时35分钟``. Only for what is read when it arrives
  (replies, reminders, 我的待办): a card that stays in a chat says the deadline, not a countdown (finding 4);
* a grade's colour: 一般 blue, 敏感 yellow, 重大 orange, 特别重大 red.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import SHANGHAI, ensure_utc
from bot.domain.grade import Grade

__all__ = ["GRADE_COLORS", "deadline", "grade_color", "span", "time_left", "when"]

GRADE_COLORS = {Grade.GENERAL: "blue", Grade.SENSITIVE: "yellow", Grade.MAJOR: "orange", Grade.ESPECIALLY_MAJOR: "red"}
DAY_WORDS = {-1: "昨天", 0: "今天", 1: "明天"}


def deadline(at: datetime, now: datetime) -> str:
    """``at`` as people read it at ``now``: ``今天 17:38``, ``明天 09:00``, ``昨天 16:05`` or ``12月9日 17:38``
    (with the year when it is not ``now``'s)."""
    local, today = ensure_utc(at).astimezone(SHANGHAI), ensure_utc(now).astimezone(SHANGHAI).date()
    day = DAY_WORDS.get((local.date() - today).days)
    if day is None:
        day = f"{local.month}月{local.day}日" if local.year == today.year else f"{local.year}年{local.month}月{local.day}日"
    return f"{day} {local:%H:%M}"


def when(at: datetime, now: datetime) -> str:
    """A moment (a signature, a submission) in the words of :func:`deadline`."""
    return deadline(at, now)


def span(seconds: int) -> str:
    """A length of time in words: ``1小时59分钟``, ``2天3小时`` (minutes left out beside days), ``不到1分钟``."""
    minutes = abs(int(seconds)) // 60
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    text = (f"{days}天" if days else "") + (f"{hours}小时" if hours else "") + (f"{mins}分钟" if mins and not days else "")
    return text or "不到1分钟"


def time_left(due: datetime, now: datetime) -> str:
    """``还剩1小时59分钟`` (``还剩2天3小时``, ``还剩不到1分钟``), or after ``due`` ``已超时35分钟``."""
    seconds = int((ensure_utc(due) - ensure_utc(now)).total_seconds())
    return ("还剩" if seconds >= 0 else "已超时") + span(seconds)


def grade_color(grade: Grade | int) -> str:
    """The colour a card of a case of ``grade`` carries."""
    return GRADE_COLORS[Grade(grade)]
