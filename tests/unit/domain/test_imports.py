"""bot.domain stays plain Python: no web, queue, database or platform imports (style.md)."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[3] / "bot" / "domain"
FORBIDDEN = ("flask", "rq", "redis", "sqlalchemy", "bot.platforms", "bot.store", "handlers", "worker")
ALLOWED_OURS = ("bot.core", "bot.domain")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.ImportFrom) and node.level:
            yield node.lineno, "." * node.level + (node.module or "")


def test_domain_imports_nothing_forbidden():
    bad = []
    for path in sorted(DOMAIN.rglob("*.py")):
        for line, name in _imports(path):
            if any(name == p or name.startswith(p + ".") for p in FORBIDDEN):
                bad.append(f"{path.name}:{line} imports {name}")
            elif name.startswith("bot") and not name.startswith(ALLOWED_OURS):
                bad.append(f"{path.name}:{line} imports {name} (the domain may use only bot.core)")
            elif name.startswith("."):
                bad.append(f"{path.name}:{line} uses a relative import")
    assert not bad, "\n".join(bad)


def test_the_walk_sees_the_domain():
    names = {name for path in DOMAIN.rglob("*.py") for _, name in _imports(path)}
    assert "chinese_calendar" in names and "bot.core.errors" in names
