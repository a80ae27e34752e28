"""Platforms only behind the adapter (issue 17): outside the places that may know the platforms, no code
compares a platform's name — neither the literal (``"wecom"``, ``'dingtalk'``) nor a constant naming
one (``PLATFORMS``, ``WECOM``, a module constant set to a platform's name) — with ``==``, ``!=``,
``in``, ``not in``, ``is`` or a ``match``/``case``. It asks the platform's capabilities instead
(``bot.core.capabilities``). Keying a mapping by platform (``messengers[platform]``,
``{"wecom": …}``) is fine: only comparisons and branching are refused.

The checker is shown to catch samples first, so the walk cannot pass for want of looking."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMES = frozenset({"wecom", "dingtalk"})
# the places that may compare platform names (issue 17, item 3)
ALLOWED = ("bot/platforms", "bot/emulator", "templates", "bot/org", "bot/core/org.py", "bot/config.py",
           "bot/console", "bot/cli", "bot/demo.py", "tests", "bench")
SKIPPED_DIRS = {".venv", "var", "__pycache__", "build", "dist", "node_modules"}
CONSTANT = re.compile(r"^(PLATFORMS?|[A-Z0-9_]*(WECOM|DINGTALK)[A-Z0-9_]*)$")
COMPARING = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)


def _names_platform(value) -> bool:
    if isinstance(value, str):
        return value.lower() in NAMES
    return False


def _constants(tree: ast.Module) -> set[str]:
    """Module-level names this file sets to a platform's name (or a collection of them)."""
    found = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        value = getattr(node, "value", None)
        if value is not None and _is_platform(value, set()):
            found |= {t.id for t in targets if isinstance(t, ast.Name)}
    return found


def _is_platform(node: ast.AST, constants: set[str]) -> bool:
    """Whether an operand names a platform: a literal, a collection holding one, or a platform constant."""
    if isinstance(node, ast.Constant):
        return _names_platform(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_is_platform(e, constants) for e in node.elts)
    if isinstance(node, ast.Name):
        return node.id in constants or bool(CONSTANT.match(node.id))
    if isinstance(node, ast.Attribute):
        return bool(CONSTANT.match(node.attr))
    return False


def _pattern_names_platform(pattern: ast.AST, constants: set[str]) -> bool:
    if isinstance(pattern, ast.MatchValue):
        return _is_platform(pattern.value, constants)
    if isinstance(pattern, ast.MatchOr):
        return any(_pattern_names_platform(p, constants) for p in pattern.patterns)
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is not None:
        return _pattern_names_platform(pattern.pattern, constants)
    if isinstance(pattern, ast.MatchSequence):
        return any(_pattern_names_platform(p, constants) for p in pattern.patterns)
    if isinstance(pattern, ast.MatchMapping):
        return any(_pattern_names_platform(p, constants) for p in pattern.patterns)
    if isinstance(pattern, ast.MatchClass):
        return any(_pattern_names_platform(p, constants) for p in (*pattern.patterns, *pattern.kwd_patterns))
    return False


def comparisons(source: str) -> list[int]:
    """The lines of ``source`` that compare (or match) a platform's name."""
    tree = ast.parse(source)
    constants = _constants(tree)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(isinstance(op, COMPARING) for op in node.ops):
            if any(_is_platform(operand, constants) for operand in (node.left, *node.comparators)):
                lines.append(node.lineno)
        elif isinstance(node, ast.match_case) and _pattern_names_platform(node.pattern, constants):
            lines.append(node.pattern.lineno)
    return sorted(lines)


def checked_files() -> list[Path]:
    """Every .py file of the project outside the allowed places."""
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        text = rel.as_posix()
        if any(text == place or text.startswith(place + "/") for place in ALLOWED):
            continue
        out.append(path)
    return out


# --- the checker catches what it must, and leaves what it may --------------------------------------------
def test_the_checker_flags_literals_constants_and_match_cases():
    sample = '''
from bot.core.org import PLATFORMS
HOME = "wecom"
if row.platform == "wecom": pass
ok = platform in ("wecom", "dingtalk")
ok = 'dingtalk' != p
ok = p not in ['wecom']
ok = p in PLATFORMS
ok = p == org.WECOM
ok = p == HOME
match platform:
    case "dingtalk":
        pass
    case "other" | "wecom":
        pass
'''
    assert comparisons(sample) == [4, 5, 6, 7, 8, 9, 10, 12, 14]


def test_the_checker_lets_mapping_lookups_and_other_comparisons_pass():
    sample = '''
LIMITS = {"wecom": 1, "dingtalk": 2}
m = messengers["wecom"]
n = LIMITS.get(platform, 0)
ok = platform == row.platform
ok = channel == "wecom_app"
ok = method in ("person", "group")
for name in sorted(messengers): pass
'''
    assert comparisons(sample) == []


def test_the_walk_covers_the_worker_and_the_handlers_and_skips_the_allowed_places():
    files = {p.relative_to(ROOT).as_posix() for p in checked_files()}
    assert {"worker/batching.py", "worker/pacing.py", "handlers/warning.py", "bot/files_route.py",
            "bot/core/capabilities.py"} <= files
    assert not any(f.startswith(("bot/platforms/", "tests/", "bot/console/")) for f in files)
    assert "bot/core/org.py" not in files


# --- the rule ----------------------------------------------------------------------------------------------
def test_no_code_outside_the_adapters_compares_a_platform_name():
    bad = [f"{path.relative_to(ROOT)}:{line}" for path in checked_files()
           for line in comparisons(path.read_text(encoding="utf-8"))]
    assert not bad, "platform names compared outside the adapters (ask the capabilities):\n" + "\n".join(bad)
