"""The console's 开始演练: the shipped scenarios and scales it offers, and starting one drill.

A drill is one case of its own (issue 23), opened by ``yuqing drill start``; the console starts it the way an
operator does, by running that command with the app's settings, so the console stays what style.md says it is
(it reads the store and acts through others: the emulators for people, the CLI for the operator). The CLI opens
the drill through the domain, enqueues the worker's job that sends its cards, and prints the case number, which
the console shows. Only the stdlib is imported here (no Flask).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

__all__ = ["SCALES", "DEFAULT_SCALE", "SCENARIOS", "DEFAULT_SCENARIO", "DrillRefused", "StartedDrill",
           "scenario_file", "drill_command", "start_drill"]

ROOT = Path(__file__).resolve().parents[2]  # the checkout: examples/drills/ and ``python -m bot.cli``
SCALES = (1, 10, 60, 360, 3600)  # the choices the console offers: ×60 turns four hours into four minutes
DEFAULT_SCALE = 60
SCENARIOS = {  # the shipped scenarios (examples/drills/<key>.yaml) and how the console names them
    "general": "一般·群众投诉",
    "major": "重大·食品安全",
    "especially_major": "特别重大",
}
DEFAULT_SCENARIO = "major"
NUMBER = re.compile(r"YQ-\d{4}-\d{4}")
TIMEOUT = 60  # seconds the CLI may take to open the drill


class DrillRefused(ValueError):
    """The drill was not started; the message says why, in Chinese, for the console's notice."""


@dataclass(frozen=True)
class StartedDrill:
    """The drill just opened: its case number, scenario and scale, and what the CLI said of it."""

    number: str
    scenario: str
    scale: int
    said: str = ""


Runner = Callable[..., subprocess.CompletedProcess]


def scenario_file(key: str) -> Path:
    """The shipped scenario file of ``key`` (a key of SCENARIOS); raises DrillRefused for another key."""
    if key not in SCENARIOS:
        raise DrillRefused(f"没有这个演练场景：{key}")
    return ROOT / "examples" / "drills" / f"{key}.yaml"


def drill_command(key: str, scale: int) -> list[str]:
    """The command line that starts the drill: ``yuqing drill start --scenario FILE --scale N``."""
    if scale not in SCALES:
        raise DrillRefused(f"时限缩放只能是 {'、'.join(f'×{s}' for s in SCALES)} 之一")
    return [sys.executable, "-m", "bot.cli", "drill", "start", "--scenario", str(scenario_file(key)),
            "--scale", str(scale)]


def start_drill(key: str, scale: int, settings: Mapping[str, str], run: Runner | None = None) -> StartedDrill:
    """Start one drill of scenario ``key`` at ``scale`` by running the CLI (``run``: ``subprocess.run``) with
    ``settings`` (the app's variables: its database, Redis, org, policy and holiday files); raises DrillRefused
    with the reason."""
    command = drill_command(key, scale)
    env = {**os.environ, **{k: v for k, v in settings.items() if v}}
    try:
        done = (run or subprocess.run)(command, cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.SubprocessError) as err:
        raise DrillRefused(f"演练未能启动：{type(err).__name__}") from None
    said = (done.stdout or "").strip()
    found = NUMBER.search(said)
    if done.returncode != 0 or found is None:
        lines = [line for line in (done.stderr or said).splitlines() if line.strip()]  # the CLI's reason: stderr
        raise DrillRefused(f"演练未完成：{lines[-1][:200] if lines else f'退出码 {done.returncode}'}")
    return StartedDrill(found.group(0), key, scale, said)
