"""Clocks: due times, reminder times and escalation times in Asia/Shanghai working time.

Rules (requirements.md, "How working time is counted"):
- ``h``/``min``: elapsed time, day and night, holidays included.
- ``wh``: only minutes inside working periods of working days count.
- ``wd``: the same clock time on the N-th working day after the start; a start outside working hours
  counts from the start of the next working period.
- For grades that wait (一般, 敏感), reminders and escalations that fall outside working hours move
  to the next working period; the deadline itself never moves.
Every time is returned tz-aware UTC, rounded up to the whole second (the worker's scheduler keeps
whole seconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.core.clock import SHANGHAI, UTC, ensure_utc
from bot.domain.clock.workdays import WorkCalendar

MAX_DAYS = 3660  # a search for the next working period never looks further than ten years ahead


def parse_periods(items: list[str]) -> tuple[tuple[time, time], ...]:
    """``["08:30-12:00", ...]`` → ((time, time), ...)."""
    out = []
    for item in items:
        a, _, b = item.partition("-")
        out.append((time.fromisoformat(a.strip()), time.fromisoformat(b.strip())))
    return tuple(out)


def ceil_second(value: datetime) -> datetime:
    """``value`` rounded up to the whole second."""
    return value if value.microsecond == 0 else value.replace(microsecond=0) + timedelta(seconds=1)


class WorkingTime:
    """Working-time arithmetic over a calendar and the working periods of a day."""

    def __init__(self, calendar: WorkCalendar, periods: tuple[tuple[time, time], ...]) -> None:
        self.calendar = calendar
        self.periods = periods

    def _bounds(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.calendar.is_workday(day):
            return []
        return [(datetime.combine(day, a, SHANGHAI), datetime.combine(day, b, SHANGHAI)) for a, b in self.periods]

    def next_working_moment(self, at: datetime) -> datetime:
        """``at`` itself when inside a working period, else the start of the next one (UTC)."""
        local = ensure_utc(at).astimezone(SHANGHAI)
        day = local.date()
        for _ in range(MAX_DAYS):
            for start, end in self._bounds(day):
                if local < end:
                    return max(local, start).astimezone(UTC)
            day += timedelta(days=1)
        raise ValueError("no working period within ten years: check the working hours and the holiday file")

    def _period_end(self, at: datetime) -> datetime:
        local = at.astimezone(SHANGHAI)
        return next(end for start, end in self._bounds(local.date()) if start <= local < end).astimezone(UTC)

    def add_working_hours(self, at: datetime, hours: float) -> datetime:
        """``at`` plus ``hours`` counted inside working periods only (UTC)."""
        remaining = timedelta(hours=hours)
        current = self.next_working_moment(at)
        while True:
            end = self._period_end(current)
            if current + remaining <= end:
                return current + remaining
            remaining -= end - current
            current = self.next_working_moment(end)

    def add_working_days(self, at: datetime, days: int) -> datetime:
        """The same clock time on the ``days``-th working day after ``at`` (from the next period if outside)."""
        start = self.next_working_moment(at).astimezone(SHANGHAI)
        day, counted = start.date(), 0
        while counted < days:
            day += timedelta(days=1)
            counted += self.calendar.is_workday(day)
        return datetime.combine(day, start.timetz()).astimezone(UTC)


@dataclass(frozen=True)
class Schedule:
    """When a duty falls due, when its owner is reminded, and when and whom it escalates to."""

    due: datetime
    reminders: tuple[datetime, ...]
    escalations: tuple[tuple[datetime, tuple[str, ...]], ...]


def due_time(frozen: dict, start: datetime, calendar: WorkCalendar) -> datetime:
    """The deadline of a duty with the frozen policy ``frozen`` whose clock started at ``start``."""
    start = ensure_utc(start)
    if frozen.get("deadline"):
        return ceil_second(ensure_utc(datetime.fromisoformat(frozen["deadline"])))
    work = WorkingTime(calendar, parse_periods(frozen["working_hours"]))
    amount, unit = frozen["amount"], frozen["unit"]
    if unit == "wh":
        return ceil_second(work.add_working_hours(start, amount))
    if unit == "wd":
        return ceil_second(work.add_working_days(start, int(amount)))
    hours = amount / 60 if unit == "min" else amount
    return ceil_second(start + timedelta(hours=hours))


def _offset(frozen: dict, work: WorkingTime, origin: datetime, window: timedelta, fraction: float) -> datetime:
    if frozen.get("unit") == "wh" and not frozen.get("deadline"):
        return work.add_working_hours(origin, frozen["amount"] * fraction) if fraction else origin
    return origin + window * fraction


def schedule(frozen: dict, start: datetime, calendar: WorkCalendar) -> Schedule:
    """Due time, reminders and escalations of a duty from its frozen policy; never before ``start``."""
    start = ensure_utc(start)
    work = WorkingTime(calendar, parse_periods(frozen["working_hours"]))
    due = due_time(frozen, start, calendar)
    window = max(due - start, timedelta(0))
    if frozen.get("unit") == "wd":
        window = max(due - work.next_working_moment(start), timedelta(0))

    def settle(moment: datetime) -> datetime:
        moment = work.next_working_moment(moment) if frozen.get("wait") else moment
        return ceil_second(max(moment, start))

    reminders = tuple(settle(due - window * (1 - f)) if frozen.get("unit") != "wh" else
                      settle(_offset(frozen, work, start, window, f)) for f in frozen["reminders"])
    escalations = []
    for step in frozen["escalation"]:
        at = settle(_offset(frozen, work, due, window, step["after"]))
        escalations.append((max(at, due), tuple(step["notify"])))
    return Schedule(due, tuple(sorted(reminders)), tuple(escalations))
