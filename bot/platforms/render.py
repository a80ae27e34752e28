"""Render a platform-neutral Card into a platform's JSON with one Jinja2 template per kind.

Templates hold layout only: every user value goes through ``|tojson`` (no JSON or markdown
injection); ``StrictUndefined`` turns a missing value into an error, not an empty field.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from bot.core.card import Card
from bot.core.errors import ConfigError


@lru_cache(maxsize=8)
def environment(templates_dir: str) -> Environment:
    """The Jinja2 environment of a templates folder (cached per folder)."""
    env = Environment(loader=FileSystemLoader(templates_dir), undefined=StrictUndefined, autoescape=False,
                      keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    return env


def _context(card: Card, extra: dict[str, Any]) -> dict[str, Any]:
    return {"kind": card.kind, "data": card.data, "buttons": [b.to_dict() for b in card.buttons], **extra}


def render_json(templates_dir: Path, platform: str, card: Card, **extra: Any) -> dict[str, Any]:
    """Render ``<platform>/<kind>.json.j2`` and parse it; raises ConfigError when the template is missing or bad."""
    env = environment(str(templates_dir))
    try:
        text = env.get_template(f"{platform}/{card.kind}.json.j2").render(_context(card, extra))
    except TemplateNotFound:
        raise ConfigError(f"no template {platform}/{card.kind}.json.j2 in {templates_dir}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"template {platform}/{card.kind}.json.j2 rendered invalid JSON: {exc}") from None


def render_text(templates_dir: Path, card: Card, **extra: Any) -> str:
    """Render the plain-text fallback ``text/<kind>.txt.j2``; raises ConfigError when it is missing."""
    env = environment(str(templates_dir))
    try:
        return env.get_template(f"text/{card.kind}.txt.j2").render(_context(card, extra)).strip()
    except TemplateNotFound:
        raise ConfigError(f"no template text/{card.kind}.txt.j2 in {templates_dir}") from None
