"""Pictures and files people send, as handlers show them: the kinds, their Chinese labels, the limit
per report, and one-line summaries. The attachment itself (plain JSON on the event and on the report's
timeline entry) and its signed link are ``bot.platforms.attachments``."""

from __future__ import annotations

from typing import Any, Mapping

KINDS = ("image", "file", "voice", "video")
LABELS = {"image": "图片", "file": "文件", "voice": "语音", "video": "视频"}
COUNTERS = {"image": "张", "voice": "段", "video": "个"}
MAX_PER_REPORT = 9


def summary(items: list[Mapping[str, Any]]) -> str:
    """``图片 2 张、文件 通报.pdf`` — what a list of attachments holds, in one line ('' for none)."""
    parts: list[str] = []
    for kind in KINDS:
        same = [a for a in items if a.get("kind") == kind]
        if not same:
            continue
        if kind == "file":
            parts += [f"文件 {a.get('name') or '（未命名）'}" for a in same]
        else:
            parts.append(f"{LABELS[kind]} {len(same)} {COUNTERS[kind]}")
    return "、".join(parts)


def lines(items: list[Mapping[str, Any]]) -> list[str]:
    """One line per attachment with its link: ``图片 1：http://…/files/…`` (the desk opens it)."""
    out, seen = [], {k: 0 for k in KINDS}
    for a in items:
        kind = str(a.get("kind", "file"))
        seen[kind] = seen.get(kind, 0) + 1
        label = f"{LABELS.get(kind, '附件')} {a.get('name') or seen[kind]}"
        out.append(f"{label}：{a['open']}" if a.get("open") else label)
    return out
