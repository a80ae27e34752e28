"""The digests in a test stack (issue 16): off unless the test turns them on, or all due at once.

A worker started after 08:30 on a working day sends that day's digest (and on Mondays the weekly one)
at its first reconcile, as the product should; a test that counts what people received would count it
too. So every stack the tests start runs a policy file whose ``digests`` are chosen here:

- ``YUQING_TEST_DIGESTS=off`` (the default): ``digests: {daily: off, weekly: off}``, the documented
  policy value for "no digests" — whatever the hour, no digest reaches anyone;
- ``YUQING_TEST_DIGESTS=due``: the daily and the weekly digest are **due when the worker starts**
  (today 00:00 Shanghai time, today made a working day by a holiday file when it is not) — the
  condition of a working-day afternoon. ``.ci/run`` runs the tests marked ``counts_messages`` once
  more this way, so a test that counts a digest as its own message fails on any day and hour.

A test that names ``digests`` in its own policy file keeps them (digest tests set the time relative to
their start).
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from bot.core.clock import SHANGHAI
from bot.domain.clock.workdays import WorkCalendar

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MODES = ("off", "due")


def mode() -> str:
    """The run's digest mode (``YUQING_TEST_DIGESTS``)."""
    value = os.environ.get("YUQING_TEST_DIGESTS", "off").strip().lower() or "off"
    if value not in MODES:
        raise ValueError(f"YUQING_TEST_DIGESTS must be one of {', '.join(MODES)}, not {value!r}")
    return value


def _due(now: datetime) -> str:
    """Both digests due from today 00:00 (Shanghai) on."""
    return f'digests: {{daily: "00:00", weekly: "{DAYS[now.weekday()]} 00:00"}}\n'


def _workday(folder: Path, now: datetime) -> str:
    """A holiday file that makes today a working day, whatever the calendar says."""
    holidays = folder / "stack-holidays.yaml"
    holidays.write_text(f"makeup_workdays: [{now.date().isoformat()}]\n", encoding="utf-8")
    return str(holidays)


def stack_files(folder: Path, env: dict[str, str]) -> dict[str, str]:
    """``POLICY_FILE`` (and in ``due`` mode ``HOLIDAY_FILE``) for a stack in ``folder``: the test's own
    policy file (if ``env`` names one) with this run's digests, unless that file names digests itself."""
    given = env.get("POLICY_FILE")
    text = Path(given).read_text(encoding="utf-8") if given else ""
    if re.search(r"^digests\s*:", text, re.MULTILINE):
        return {}
    now = datetime.now(SHANGHAI)
    policy = folder / "stack-policy.yaml"
    section = _due(now) if mode() == "due" else "digests: {daily: off, weekly: off}\n"
    policy.write_text((text.rstrip("\n") + "\n" if text.strip() else "") + section, encoding="utf-8")
    out = {"POLICY_FILE": str(policy)}
    if mode() == "due" and not env.get("HOLIDAY_FILE") and not WorkCalendar().is_workday(now.date()):
        out["HOLIDAY_FILE"] = _workday(folder, now)
    return out


def due_files(folder: Path) -> dict[str, str]:
    """``POLICY_FILE`` and ``HOLIDAY_FILE`` with both digests due now, for a test about digests."""
    now = datetime.now(SHANGHAI)
    policy = folder / "digest-policy.yaml"
    policy.write_text(_due(now), encoding="utf-8")
    return {"POLICY_FILE": str(policy), "HOLIDAY_FILE": _workday(folder, now)}
