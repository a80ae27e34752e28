"""The import rules of style.md, checked by walking every module's imports."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package → prefixes it must not import
FORBIDDEN = {
    "bot/core": ("flask", "rq", "redis", "sqlalchemy", "bot.platforms", "bot.domain", "bot.store", "handlers", "worker",
                 "bot.web", "bot.app", "wechatpy", "dingtalk", "yaml"),
    "bot/domain": ("flask", "rq", "redis", "sqlalchemy", "bot.platforms", "bot.store", "handlers", "worker", "bot.web",
                   "bot.app", "wechatpy", "dingtalk"),
    "bot/store": ("flask", "rq", "bot.platforms", "handlers", "worker", "bot.web", "bot.app"),
    "handlers": ("flask", "rq", "redis", "bot.platforms", "wechatpy", "dingtalk", "worker", "bot.web", "bot.app"),
    "bot/platforms": ("flask", "rq", "bot.domain", "bot.store", "handlers", "worker", "bot.web", "bot.app"),
    "bot/emulator": ("bot.platforms", "bot.domain", "bot.store", "handlers", "worker", "bot.core", "bot.org",
                     "wechatpy", "dingtalk", "bot.web", "bot.app"),
    "bot/console": ("bot.platforms", "handlers", "worker"),
    "bot/web.py": ("handlers", "worker"),
    "bot/app.py": ("handlers", "worker"),
    "bot/intake_api.py": ("handlers", "worker"),
    "bot/clock_report.py": ("flask", "handlers", "worker"),
    "worker": ("flask", "bot.web", "bot.app", "bot.emulator"),
}


def imported_names(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def modules(where: str):
    target = ROOT / where
    return [target] if target.suffix == ".py" else sorted(target.rglob("*.py"))


@pytest.mark.parametrize("where", sorted(FORBIDDEN))
def test_package_respects_its_import_rules(where):
    bad = []
    for path in modules(where):
        for line, name in imported_names(path):
            if any(name == p or name.startswith(p + ".") for p in FORBIDDEN[where]):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not bad, "\n".join(bad)
