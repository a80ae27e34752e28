"""Button keys and task ids: how a platform-neutral Button travels through a WeCom card and back.

A WeCom callback button carries one string, its ``key`` (≤ 1024 bytes, unique on the card); ours
is the dotted action with the button's params as a query string: ``case.ack?case=YQ-2026-0042``.
A click's ``EventKey``/``event_key`` is decoded back into (action, params); a key is printable ASCII
(``urlencode`` escapes the rest). A card's ``task_id`` must be unique per app forever, ``[0-9A-Za-z_-@]``,
≤ 128 bytes (42014 otherwise, and for a taken one).
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from typing import Any, Iterable
from urllib.parse import parse_qsl, urlencode

from bot.core.card import Button
from bot.core.errors import ConfigError

MAX_KEY_BYTES = 1024
TASK_ID = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")
KEY = re.compile(r"^[!-~]+$")  # printable ASCII without spaces: what a URL-encoded query is made of


def encode_key(button: Button) -> str:
    """The WeCom key of ``button``; raises ConfigError when it exceeds 1024 bytes."""
    params = sorted((str(k), str(v)) for k, v in (button.params or {}).items())
    key = button.action + ("?" + urlencode(params) if params else "")
    if not valid_key(key):
        raise ConfigError(f"button {button.action!r}: key not printable ASCII or over {MAX_KEY_BYTES} bytes")
    return key


def valid_key(key: str) -> bool:
    """Whether ``key`` is a button key WeCom takes (printable ASCII, no space, 1–1024 bytes)."""
    return isinstance(key, str) and bool(KEY.match(key)) and len(key.encode()) <= MAX_KEY_BYTES


def valid_task_id(value: str) -> bool:
    """Whether ``value`` is a task_id WeCom takes: ``[0-9A-Za-z_-@]``, 1–128 bytes. A 42014 for such an id
    (on a card within the limits) can only mean that the id is taken."""
    return isinstance(value, str) and bool(TASK_ID.match(value))


def card_keys(buttons: Iterable[Button]) -> list[str]:
    """The keys of a card's buttons, made unique (a repeated key gets ``#n``)."""
    keys: list[str] = []
    for i, button in enumerate(buttons):
        key = encode_key(button)
        keys.append(key if key not in keys else f"{key}#{i}")
    return keys


def decode_key(key: str) -> tuple[str, dict[str, Any]]:
    """(action, params) of a clicked key."""
    key = key.split("#", 1)[0]
    action, _, query = key.partition("?")
    return action, dict(parse_qsl(query, keep_blank_values=True))


def task_id(dedup_id: str = "") -> str:
    """A card's task_id: derived from ``dedup_id`` (a resend is the same card, so WeCom's
    duplicate check and task-id uniqueness drop it), or fresh when there is none."""
    if dedup_id:
        return "yq_" + hashlib.sha256(dedup_id.encode()).hexdigest()[:40]
    return f"yq_{int(time.time())}_{uuid.uuid4().hex}"
