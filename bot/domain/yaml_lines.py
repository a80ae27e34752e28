"""YAML loading that keeps line numbers, so a refused file names every error with its line.

Used by the policy file and the holiday file; each mapping remembers its own line and each key's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.core.errors import ConfigError


class FileErrors(ConfigError):
    """A file is refused; ``errors`` lists ``(line, message)`` pairs, ``str()`` shows them all."""

    def __init__(self, errors: list[tuple[int, str]], source: str = "") -> None:
        self.errors = sorted(errors)
        self.source = source
        where = f"{source}:" if source else "line "
        super().__init__("\n".join(f"{where}{line}: {msg}" for line, msg in self.errors))


class LineMap(dict):
    """A mapping that remembers its own line and each key's line."""

    line = 0
    key_lines: dict[str, int]

    def line_of(self, key: str | None = None) -> int:
        """The line of ``key`` (or of the mapping itself)."""
        return self.key_lines.get(key, self.line) if key is not None else self.line


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML hook
        mapping = LineMap(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.value in seen:
                raise yaml.MarkedYAMLError(problem=f"duplicate key {key_node.value!r}", problem_mark=key_node.start_mark)
            seen.add(key_node.value)
        return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, lambda loader, node: loader.construct_mapping(node))


def load_marked(text: str, source: str = "", error: type[FileErrors] = FileErrors) -> Any:
    """Parse YAML text into plain values with LineMap mappings; raises ``error`` (a FileErrors) for bad YAML."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise error([((mark.line + 1) if mark else 0, f"not valid YAML: {exc.problem}")], source) from None
    except yaml.YAMLError as exc:
        raise error([(0, f"not valid YAML: {exc}")], source) from None


def read_text(path: str | Path, what: str) -> str:
    """The UTF-8 text of a configuration file; raises ConfigError naming ``what`` when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the {what} {path}: {exc}") from None


def line_of(obj: Any, key: str | None = None) -> int:
    """The line of ``obj`` (or of its ``key``) when it is a LineMap, else 0."""
    return obj.line_of(key) if isinstance(obj, LineMap) else 0
