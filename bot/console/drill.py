"""The console's side of the drill switch (演练): the scales it offers, and writing the switch that
``bot.core.drill_switch`` reads (same file: ``$DRILL_SWITCH_FILE``, else ``var/drill.json``). Only the stdlib
and ``bot.core`` are imported here (no Flask).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from bot.core.drill_switch import DEFAULT_SCALE, DrillSwitch, switch_file

__all__ = ["SCALES", "set_drill_switch"]

SCALES = (1, 10, 60, 360, 3600)  # the choices the console offers: ×60 turns four hours into four minutes


def set_drill_switch(on: bool, scale: int = DEFAULT_SCALE, path: str | Path | None = None) -> DrillSwitch:
    """Store the switch atomically and return it; raises ValueError for a scale below 1, OSError."""
    if int(scale) < 1:
        raise ValueError("the drill scale must be at least 1")
    switch = DrillSwitch(on=bool(on), scale=int(scale), changed_at=datetime.now(timezone.utc).isoformat())
    target = switch_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False,
                                     prefix=".drill-", suffix=".json") as handle:
        json.dump(switch.to_dict(), handle)
    os.replace(handle.name, target)
    return switch
