"""Reading what the emulators hold as a person would: the daily and weekly digests are not answers.

A worker started after 08:30 on a working day sends the day's digest (and on Mondays the weekly one)
to the leaders and the desk; a test that counts the messages a person received, or takes the newest,
must leave those out (tests/support/digest_policy.py runs them again with digests due at start).
"""

from __future__ import annotations

import json
from typing import Any

# the weekly chart (issue 25) goes right after the weekly digest as a picture named 舆情周报-<week>.png: on
# DingTalk a markdown titled with its name, on WeCom an image message (matched by its caption-less media: below)
DIGEST_TITLES = ("【舆情日报】", "【舆情周报】", "舆情日报 ", "舆情周报 ", "舆情周报-")


def _text(message: Any) -> str:
    data = message.to_dict() if hasattr(message, "to_dict") else message
    return json.dumps(data, ensure_ascii=False)


def is_digest(message: Any) -> bool:
    """Whether an emulator's message (a WeCom dict or a DingTalk ``Message``) is a daily or weekly digest."""
    return any(title in _text(message) for title in DIGEST_TITLES)


def is_digest_chart(message: Any) -> bool:
    """Whether it is the weekly digest's chart (on DingTalk a markdown picture named 舆情周报-<week>.png), which
    goes with the weekly digest but is not a second digest."""
    return "舆情周报-" in _text(message)


def without_digests(messages: list) -> list:
    """``messages`` less the digests, in order."""
    return [m for m in messages if not is_digest(m)]
