"""The timeline's hash chain: one chain per case, each entry hashing its content and the previous hash.

The hash is SHA-256 over canonical JSON (sorted keys, no spaces, UTF-8) of seq, actor, role, platform,
action, payload, time (ISO UTC, microseconds) and prev. The store keeps the entries; this module
says what an entry is and whether a chain holds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from bot.core.clock import ensure_utc

GENESIS = "0" * 64


@dataclass(frozen=True)
class EntryDraft:
    """What an accepted action writes to the timeline, before the chain places it."""

    actor: str
    role: str
    platform: str
    action: str
    payload: dict
    at: datetime


@dataclass(frozen=True)
class TimelineEntry:
    """An entry as chained: ``seq`` from 1, ``prev`` the previous entry's hash (GENESIS for the first)."""

    case_id: int
    seq: int
    actor: str
    role: str
    platform: str
    action: str
    payload: dict
    at: datetime
    prev: str
    hash: str


@dataclass(frozen=True)
class BrokenLink:
    """The first entry whose link does not hold, and why."""

    seq: int
    reason: str


def canonical_time(at: datetime) -> str:
    """A time as the chain hashes it: UTC, ISO 8601, always with microseconds."""
    return ensure_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(seq: int, draft: EntryDraft, prev: str) -> str:
    """The SHA-256 (hex) of an entry's canonical JSON."""
    body = {"seq": seq, "actor": draft.actor, "role": draft.role, "platform": draft.platform,
            "action": draft.action, "payload": draft.payload, "time": canonical_time(draft.at), "prev": prev}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chain(case_id: int, seq: int, draft: EntryDraft, prev: str) -> TimelineEntry:
    """Place ``draft`` at ``seq`` after an entry whose hash is ``prev``."""
    return TimelineEntry(case_id, seq, draft.actor, draft.role, draft.platform, draft.action, draft.payload,
                         draft.at, prev, entry_hash(seq, draft, prev))


def first_broken(entries: Iterable[TimelineEntry]) -> BrokenLink | None:
    """The first broken link of one case's chain (entries in seq order), or None when it holds."""
    prev, expected = GENESIS, 1
    for entry in entries:
        if entry.seq != expected:
            return BrokenLink(expected, f"entry {expected} is missing (found {entry.seq})")
        if entry.prev != prev:
            return BrokenLink(entry.seq, "its prev does not match the previous entry's hash")
        draft = EntryDraft(entry.actor, entry.role, entry.platform, entry.action, entry.payload, entry.at)
        if entry_hash(entry.seq, draft, entry.prev) != entry.hash:
            return BrokenLink(entry.seq, "its content does not match its hash (edited in place)")
        prev, expected = entry.hash, expected + 1
    return None
