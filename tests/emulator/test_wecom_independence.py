"""The WeCom emulator is written apart from the bot: it imports only the stdlib, flask/werkzeug,
cryptography, websockets (the smart bot's long connection) and its own package (not bot.platforms, domain, store, handlers, worker, wechatpy)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import bot.emulator.wecom

ALLOWED = ("flask", "werkzeug", "cryptography", "websockets", "bot.emulator.wecom", "bot.emulator.directory",
           "bot.emulator.redirects")  # shared by both emulators: where a sign-in may send a browser back


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module or "")
    return found


def test_every_module_imports_only_what_the_emulator_may_use():
    package = Path(bot.emulator.wecom.__file__).parent
    for path in package.glob("*.py"):
        for name in imports_of(path):
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or top == "__future__" or name.startswith(ALLOWED)
            assert allowed, f"{path.name} imports {name}"


def test_modules_stay_small():
    package = Path(bot.emulator.wecom.__file__).parent
    for path in package.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 300, path.name
