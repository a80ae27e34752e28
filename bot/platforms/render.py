"""Render a platform-neutral Card into a platform's JSON with one Jinja2 template per kind.

A confidential case's group notice (``bot.core.presentation``: a card of any kind whose data has
``secret_notice``) is drawn by the ``secret_notice`` templates, never by its kind's own: the notice has
none of the keys a kind's template reads, and nothing of the case to show.

Templates hold layout only: every user value goes through ``|tojson`` (no JSON injection) and, where
a platform reads markup (WeCom markdown and text, DingTalk markdown), through ``|defang`` first (no
mention, link or markup injection); ``StrictUndefined`` turns a missing value into an error, not an empty field.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from bot.core.card import Card
from bot.core.errors import ConfigError
from bot.core.presentation import DRILL_MARK, SECRET_KEY, group_notice, is_secret_notice

__all__ = ["defang", "environment", "heading", "render_json", "render_text", "stem", "story_link"]

# "@all", "@所有人" (any case): the everyone-mentions people read, whatever a platform makes of them
_EVERYONE = re.compile(r"@(?=all|所有人)", re.IGNORECASE)
# "<" opens every tag a platform reads: WeCom's <@userid> mention, <font color>, <a href>, <http://…>;
# "[" and "]" every markdown link and image, inline ([x](url)) or by reference ([x][1], [1]: url)
_MARKUP = str.maketrans({"<": "＜", "[": "［", "]": "］"})


def defang(value: Any) -> str:
    """``value`` as text no platform reads as a mention, link or markup: the characters that open them
    become their full-width look-alikes (``<@all>`` → ``＜＠all>``); the same text again is unchanged."""
    return _EVERYONE.sub("＠", str(value)).translate(_MARKUP)


def story_link(value: Any) -> str:
    """A case's story link when it is one a reader can open (``http…``), else "" (no link, or a made-up one)."""
    text = str(value or "")
    return text if text.startswith("http") else ""


def heading(title: Any) -> str:
    """A text form's heading, ``【舆情预警 YQ-…】``, |defang-ed; a drill's mark (put on the title by the
    rendering rule, ``bot.core.presentation``) stays in front of the brackets: ``【演练】【舆情预警 YQ-…】``."""
    text = str(title)
    mark = DRILL_MARK if text.startswith(DRILL_MARK) else ""
    return f"{mark}【{defang(text[len(mark):])}】"


@lru_cache(maxsize=8)
def environment(templates_dir: str) -> Environment:
    """The Jinja2 environment of a templates folder, or of several joined by ``os.pathsep`` (TEMPLATES_DIR:
    searched in order, so a platform's own folder can come before the shipped one); cached per value."""
    env = Environment(loader=FileSystemLoader(templates_dir.split(os.pathsep)), undefined=StrictUndefined, autoescape=False,
                      keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    env.filters["defang"] = defang
    env.filters["heading"] = heading
    env.filters["story_link"] = story_link
    env.globals["group_notice"] = group_notice  # the one wording of a confidential case's group notice
    return env


def _context(card: Card, extra: dict[str, Any]) -> dict[str, Any]:
    return {"kind": card.kind, "data": card.data, "buttons": [b.to_dict() for b in card.buttons], **extra}


def stem(card: Card) -> str:
    """The template stem ``card`` is drawn by: its kind, or ``secret_notice`` for a confidential case's
    group notice, whatever its kind."""
    return SECRET_KEY if is_secret_notice(card) else card.kind


def render_json(templates_dir: Path, platform: str, card: Card, **extra: Any) -> dict[str, Any]:
    """Render ``<platform>/<stem>.json.j2`` (:func:`stem`) and parse it; raises ConfigError when the template
    is missing or bad."""
    env = environment(str(templates_dir))
    name = f"{platform}/{stem(card)}.json.j2"
    try:
        text = env.get_template(name).render(_context(card, extra))
    except TemplateNotFound:
        raise ConfigError(f"no template {name} in {templates_dir}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"template {name} rendered invalid JSON: {exc}") from None


def render_text(templates_dir: Path, card: Card, **extra: Any) -> str:
    """Render the plain-text fallback ``text/<stem>.txt.j2`` (:func:`stem`); raises ConfigError when it is
    missing."""
    env = environment(str(templates_dir))
    name = f"text/{stem(card)}.txt.j2"
    try:
        return env.get_template(name).render(_context(card, extra)).strip()
    except TemplateNotFound:
        raise ConfigError(f"no template {name} in {templates_dir}") from None
