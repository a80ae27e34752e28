"""Anchors (bot.domain.case.anchors): the line, the file's text read back, and a chain checked against them."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from bot.domain.case.anchors import (AnchorFileError, altered, anchor_line, anchor_text, check_case, heads_digest,
                                     latest, missing, parse_anchors)

A, B, C = "a" * 64, "b" * 64, "c" * 64
HEADS = [("YQ-2026-0002", 3, B), ("YQ-2026-0001", 2, A)]
DAY, NEXT = date(2026, 12, 8), date(2026, 12, 9)


def test_the_line_hashes_the_sorted_canonical_list_of_every_chain():
    expected = hashlib.sha256(json.dumps([["YQ-2026-0001", 2, A], ["YQ-2026-0002", 3, B]],
                                         separators=(",", ":")).encode()).hexdigest()
    assert anchor_line(DAY, HEADS) == f"anchor 2026-12-08 cases=2 sha256={expected}"
    assert heads_digest(reversed(HEADS)) == expected  # the order it was read in does not matter
    assert anchor_text(DAY, HEADS).splitlines()[1:] == [f"  YQ-2026-0001 2 {A}", f"  YQ-2026-0002 3 {B}"]


def test_the_file_reads_back_and_an_altered_detail_line_names_its_day():
    text = anchor_text(DAY, HEADS) + "\n" + anchor_text(NEXT, [("YQ-2026-0001", 4, C)])
    first, second = parse_anchors(text)
    assert (first.day, first.count, first.intact, first.line) == (DAY, 2, True, 1)
    assert second.heads == (("YQ-2026-0001", 4, C),) and second.line == 5
    assert altered([first, second]) == []
    (problem,) = altered(parse_anchors(text.replace(f"YQ-2026-0002 3 {B}", f"YQ-2026-0002 2 {B}")))
    assert problem.text == "存证锚点文件第 1 行（2026-12-08）的明细与其 sha256 不符：锚点文件已被改动"
    assert altered(parse_anchors(text.replace(f"  YQ-2026-0002 3 {B}\n", ""))) != []  # a case left out


@pytest.mark.parametrize("text, line", [("hello\n", 1), (f"  YQ-2026-0001 2 {A}\n", 1),
                                        (anchor_text(DAY, HEADS) + "anchor 2026-13-01 cases=0 sha256=" + A + "\n", 4)])
def test_an_unreadable_file_names_the_line(text, line):
    with pytest.raises(AnchorFileError, match=f"line {line}:"):
        parse_anchors(text)


def test_a_chain_is_checked_against_the_latest_intact_anchor_that_lists_it():
    anchors = parse_anchors(anchor_text(DAY, HEADS) + anchor_text(NEXT, [("YQ-2026-0001", 3, C)]))
    anchored = latest(anchors)
    assert anchored["YQ-2026-0001"][1:] == (3, C) and anchored["YQ-2026-0002"][1:] == (3, B)
    assert check_case("YQ-2026-0001", [A, "x" * 64, C, "d" * 64], anchored["YQ-2026-0001"]).ok  # grown since: fine
    short = check_case("YQ-2026-0002", [A, B], anchored["YQ-2026-0002"])
    assert (short.ok, short.text) == (False, "与 2026-12-08 的存证锚点不符（锚定 3 条，现 2 条）")
    edited = check_case("YQ-2026-0001", [A, B, A], anchored["YQ-2026-0001"])
    assert (edited.ok, edited.text) == (False, "与 2026-12-09 的存证锚点不符（第 3 条哈希不同）")
    fresh = check_case("YQ-2026-0003", [A], anchored.get("YQ-2026-0003"))
    assert (fresh.ok, fresh.text) == (True, "尚未锚定")
    (gone,) = missing(anchored, ["YQ-2026-0001"])
    assert (gone.number, gone.text) == ("YQ-2026-0002", "锚定于 2026-12-08（3 条），系统中已无此案件")


def test_an_altered_anchor_is_not_trusted_for_the_cases_it_lists():
    text = anchor_text(DAY, HEADS).replace(f"YQ-2026-0002 3 {B}", f"YQ-2026-0002 1 {B}")
    assert latest(parse_anchors(text)) == {}
