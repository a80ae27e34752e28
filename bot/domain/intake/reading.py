"""What intake reads out of a forwarded message (Art. 11): the link's identity for recognising the same
story, a title, the units a story most likely concerns, unit names typed loosely, and a transfer
slip's feedback deadline typed in words. Pure; every time is Asia/Shanghai for people, UTC inside (how a time
reads for people: ``bot.domain.words``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, time
from difflib import SequenceMatcher

from bot.core.clock import SHANGHAI, ensure_utc
from bot.core.org import Organisation, Unit
from bot.domain.errors import InvalidInput
from bot.domain.intake.links import find_links, normalise

__all__ = ["TITLE_CHARS", "UnitMatch", "first_line_title", "likely_units", "link_key", "match_units",
           "parse_deadline", "suggested_units"]

TITLE_CHARS = 200
GENERIC = ("市场监督管理局", "监督管理", "监督检查", "监察", "管理", "市场", "安全", "科", "局", "所", "中心", "和", "及")
_SEPARATORS = re.compile(r"[\s,，、;；/]+")
_DATE = re.compile(r"^(?:(\d{4})\s*[年\-/.])?\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*[日号]?"
                   r"(?:\s*(\d{1,2})\s*(?:[:：时点]\s*(\d{1,2})?\s*分?)?)?\s*(?:前|之前)?$")
END_OF_DAY = time(17, 30)


def link_key(url: str) -> tuple[str, str] | None:
    """The normalised link and its SHA-256 (the indexed key); None for a link that is not http(s)."""
    try:
        normal = normalise(url)
    except ValueError:
        return None
    return normal, hashlib.sha256(normal.encode("utf-8")).hexdigest()


def first_line_title(text: str) -> str:
    """The first line of a forwarded text without its links, at most TITLE_CHARS; "" when only links."""
    for line in (text or "").splitlines():
        for link in find_links(line):
            line = line.replace(link, " ")
        line = re.sub(r"^\s*(@\S+\s+)+", "", line).strip(" \t:：-—|")
        if line:
            return line[:TITLE_CHARS]
    return ""


def _keywords(unit: Unit) -> list[str]:
    name = unit.name
    for word in GENERIC:
        name = name.replace(word, " ")
    words = [w for w in name.split() if w]
    return [w[i:i + 2] for w in words for i in range(max(1, len(w) - 1))]


def suggested_units(org: Organisation, county: str | None, text: str, limit: int = 4) -> list[Unit]:
    """The units a case's intake card suggests: a county's case (``county``), that county alone (a county desk warns
    itself, issue 22); a city case, the units likeliest for its ``text`` (title and summary)."""
    if county:
        unit = org.units.get(county)
        return [unit] if unit is not None and unit.active else []
    return likely_units(org, text, limit)


def likely_units(org: Organisation, text: str, limit: int = 2) -> list[Unit]:
    """The units whose names share the most words with ``text`` (not the desk), best first; may be empty."""
    scored = []
    for unit in org.units.values():
        if not unit.active or unit.desk:
            continue
        score = sum(1 for k in set(_keywords(unit)) if len(k) == 2 and k in text)
        if score:
            scored.append((-score, unit.name, unit))
    return [u for _, _, u in sorted(scored, key=lambda s: s[:2])[:limit]]


@dataclass(frozen=True)
class UnitMatch:
    """What one typed name matched: the unit, or the candidates when it was ambiguous (none: unknown)."""

    typed: str
    unit: Unit | None
    candidates: tuple[Unit, ...] = ()


def _score(typed: str, unit: Unit) -> float:
    if typed == unit.name or typed == unit.id:
        return 100.0
    if typed in unit.name:
        return 60.0 + 30.0 * len(typed) / len(unit.name)
    return 50.0 * SequenceMatcher(None, typed, unit.name).ratio()


def match_units(org: Organisation, text: str) -> list[UnitMatch]:
    """Each name in ``text`` (separated by blanks, commas, 、 or ;) matched to an active unit, loosely."""
    out = []
    for typed in filter(None, _SEPARATORS.split(text or "")):
        scored = sorted(((_score(typed, u), u.name, u) for u in org.units.values() if u.active), key=lambda s: (-s[0], s[1]))
        good = [(s, u) for s, _, u in scored if s >= 25.0]
        if not good:
            out.append(UnitMatch(typed, None))
        elif len(good) == 1 or good[0][0] >= 100.0 or good[0][0] - good[1][0] >= 10.0:
            out.append(UnitMatch(typed, good[0][1]))
        else:
            out.append(UnitMatch(typed, None, tuple(u for _, u in good[:5])))
    return out


def parse_deadline(text: str, now: datetime) -> datetime | None:
    """A slip's feedback deadline typed as ``2026-12-03 17:00``, ``12月3日``, ``12月3日16时`` … (Asia/Shanghai;
    a date alone means 17:30 that day; no year means the next such date); None for 无 / 默认.

    Raises InvalidInput when the text is no date, or the deadline has passed.
    """
    text = (text or "").strip()
    if text in ("无", "没有", "默认", "无期限", "-"):
        return None
    match = _DATE.match(text)
    if not match:
        raise InvalidInput("deadline.unreadable", "没有看懂反馈期限，请按“2026-12-03 17:00”或“12月3日”的格式回复，没有期限请回复“无”。")
    year, month, day, hour, minute = match.groups()
    local_now = ensure_utc(now).astimezone(SHANGHAI)
    at = END_OF_DAY if hour is None else time(int(hour) % 24, int(minute or 0))
    try:
        when = datetime.combine(datetime(int(year or local_now.year), int(month), int(day)).date(), at, SHANGHAI)
        if year is None and when <= local_now:
            when = when.replace(year=when.year + 1)
    except ValueError:
        raise InvalidInput("deadline.unreadable", "反馈期限不是有效的日期，请核对后重新回复。") from None
    if when <= local_now:
        raise InvalidInput("case.deadline_past", "转办单的反馈期限已过，请核对期限。")
    return ensure_utc(when)
