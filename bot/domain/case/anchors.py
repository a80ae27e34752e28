"""Anchors (存证锚点): the day's digest of every case's chain, kept outside the database.

An anchor is one line and one detail line per case, indented two spaces::

    anchor 2026-12-08 cases=12 sha256=<hex>
      YQ-2026-0001 14 <head>

``hex`` is the SHA-256 of the canonical JSON (no spaces, UTF-8) of the sorted list of ``[number, length, head]``
of every case's chain (drills included; an empty chain has length 0 and head GENESIS). The detail lines let
``case verify --anchors`` name cases; they must hash to the line's sha256, else the anchor file itself was
altered. A case's chain matches its latest anchor when it is at least that long and its entry at the anchored
length carries the anchored head (a deleted tail is shorter; an edited entry carries another hash).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

HEAD = re.compile(r"^anchor (\d{4}-\d{2}-\d{2}) cases=(\d+) sha256=([0-9a-f]{64})$")
DETAIL = re.compile(r"^  (\S+) (\d+) ([0-9a-f]{64})$")


class AnchorFileError(ValueError):
    """The anchor file cannot be read as anchors (the message names the line)."""


@dataclass(frozen=True)
class Anchor:
    """One day's anchor: its digest and the (number, length, head) of every case it lists."""

    day: date
    count: int
    digest: str
    heads: tuple[tuple[str, int, str], ...]
    line: int  # the anchor line's number in its file (from 1)

    @property
    def intact(self) -> bool:
        """Whether its detail lines are the ones its sha256 was made of."""
        return self.count == len(self.heads) and heads_digest(self.heads) == self.digest


def heads_digest(heads: Iterable[Sequence]) -> str:
    """The SHA-256 (hex) of the canonical JSON of the sorted ``[number, length, head]`` list."""
    rows = sorted([str(n), int(length), str(head)] for n, length, head in heads)
    text = json.dumps(rows, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def anchor_line(day: date, heads: Iterable[Sequence]) -> str:
    """The anchor line the digest shows: ``anchor 2026-12-08 cases=12 sha256=…``."""
    heads = list(heads)
    return f"anchor {day.isoformat()} cases={len(heads)} sha256={heads_digest(heads)}"


def anchor_text(day: date, heads: Iterable[Sequence]) -> str:
    """What the anchor file gets: the anchor line and one detail line per case (sorted), newline-terminated."""
    heads = sorted((str(n), int(length), str(h)) for n, length, h in heads)
    return "".join([anchor_line(day, heads) + "\n", *(f"  {n} {length} {h}\n" for n, length, h in heads)])


def parse_anchors(text: str) -> list[Anchor]:
    """The anchors of a file's text, in file order; raises AnchorFileError naming the first bad line.

    Blank lines are skipped."""
    anchors: list[Anchor] = []
    current: dict | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        if head := HEAD.match(raw):
            current = _start(head, number)
            anchors.append(current["anchor"])
            continue
        detail = DETAIL.match(raw)
        if detail is None or current is None:
            raise AnchorFileError(f"line {number}: not an anchor or detail line: {raw[:80]!r}")
        current["heads"].append((detail[1], int(detail[2]), detail[3]))
        anchors[-1] = _with_heads(current)
    return anchors


def _start(head: re.Match, line: int) -> dict:
    try:
        day = date.fromisoformat(head[1])
    except ValueError:
        raise AnchorFileError(f"line {line}: not a date: {head[1]}") from None
    return {"anchor": Anchor(day, int(head[2]), head[3], (), line), "heads": []}


def _with_heads(current: dict) -> Anchor:
    a = current["anchor"]
    return Anchor(a.day, a.count, a.digest, tuple(current["heads"]), a.line)


@dataclass(frozen=True)
class Finding:
    """What the anchors say of one case (``number``; empty for the file itself): ``ok``, and the text."""

    number: str
    ok: bool
    text: str


def altered(anchors: Iterable[Anchor]) -> list[Finding]:
    """The anchors whose detail lines no longer hash to their sha256 (the anchor file was changed)."""
    return [Finding("", False, f"存证锚点文件第 {a.line} 行（{a.day.isoformat()}）的明细与其 sha256 不符：锚点文件已被改动")
            for a in anchors if not a.intact]


def latest(anchors: Iterable[Anchor]) -> dict[str, tuple[Anchor, int, str]]:
    """For each number, the latest intact anchor listing it, with its length and head there."""
    out: dict[str, tuple[Anchor, int, str]] = {}
    for a in sorted((a for a in anchors if a.intact), key=lambda a: (a.day, a.line)):
        for number, length, head in a.heads:
            out[number] = (a, length, head)
    return out


def check_case(number: str, hashes: Sequence[str], anchored: tuple[Anchor, int, str] | None) -> Finding:
    """The case's chain (its entry hashes in seq order) against its latest anchor (None: not anchored yet)."""
    if anchored is None:
        return Finding(number, True, "尚未锚定")
    anchor, length, head = anchored
    day = anchor.day.isoformat()
    if len(hashes) < length:
        return Finding(number, False, f"与 {day} 的存证锚点不符（锚定 {length} 条，现 {len(hashes)} 条）")
    if length and hashes[length - 1] != head:
        return Finding(number, False, f"与 {day} 的存证锚点不符（第 {length} 条哈希不同）")
    return Finding(number, True, f"与 {day} 的存证锚点相符（{length} 条）")


def missing(anchored: Mapping[str, tuple[Anchor, int, str]], numbers: Iterable[str]) -> list[Finding]:
    """The anchored cases that are not among ``numbers`` (the database's cases)."""
    present = set(numbers)
    return [Finding(n, False, f"锚定于 {a.day.isoformat()}（{length} 条），系统中已无此案件")
            for n, (a, length, _) in sorted(anchored.items()) if n not in present]
