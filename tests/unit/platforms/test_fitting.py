"""The one truncation helper of every platform (bot/platforms/fitting.py): a cut never splits a character
(CJK, emoji), says where the rest is, and a split loses nothing; button lists are split, never dropped."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.platforms.fitting import MARK_GROUP, MARK_PERSON, cut_with_mark, size, split_buttons, split_utf8, \
    truncate_utf8

TEXTS = st.text(alphabet=st.sampled_from("a中\n😀é👨‍👩‍👧"), max_size=3000)


@given(TEXTS, st.integers(min_value=40, max_value=2048), st.booleans())
def test_a_cut_text_fits_keeps_whole_characters_and_ends_with_the_mark(text, limit, in_group):
    cut = cut_with_mark(text, limit, in_group)
    mark = MARK_GROUP if in_group else MARK_PERSON
    assert size(cut) <= limit
    if size(text) <= limit:
        assert cut == text
    else:
        assert cut.endswith(mark) and text.startswith(cut[: -len(mark)])


def test_cjk_and_emoji_are_cut_between_characters_never_inside_one():
    assert truncate_utf8("中文字", 9) == "中文字"                 # 9 bytes: within the limit, unchanged
    assert truncate_utf8("中文字", 8) == "中…"                    # 5 bytes left for text: one whole character
    assert truncate_utf8("😀😀😀", 10) == "😀…"                   # a 4-byte emoji is never halved
    assert size("…（全文见私信）") == 24
    assert cut_with_mark("报" * 400, 100) == "报" * 25 + "…（全文见私信）"
    assert cut_with_mark("报" * 400, 100, in_group=True).endswith("…（全文见下条消息）")


def test_a_limit_too_small_for_the_mark_is_an_error_not_a_wrong_cut():
    with pytest.raises(ValueError):
        cut_with_mark("报" * 400, 10)


@given(TEXTS, st.integers(min_value=4, max_value=2048))
def test_split_pieces_fit_and_lose_nothing_but_line_breaks(text, limit):
    pieces = split_utf8(text, limit)
    assert all(size(p) <= limit for p in pieces) and all(pieces) or pieces == [""]
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_split_ends_pieces_on_line_breaks_where_it_can():
    text = "\n".join(["第一段" * 100, "第二段" * 100, "第三段" * 100])
    assert split_utf8(text, 2048) == ["第一段" * 100 + "\n" + "第二段" * 100, "第三段" * 100]
    assert split_utf8("没有换行的一句话" * 200, 1000)[0] == ("没有换行的一句话" * 200)[:333]


def _measure(buttons):
    return size(json.dumps(buttons, ensure_ascii=False, separators=(",", ":")))


@given(st.lists(st.text(alphabet="单位名称局所科a", min_size=1, max_size=60), max_size=30))
def test_a_button_list_is_split_into_parts_that_fit_keeping_every_button_in_order(names):
    parts = split_buttons(names, _measure, 400)
    assert [b for part in parts for b in part] == names
    assert all(_measure(part) <= 400 for part in parts)
    assert all(parts) or parts == [[]]
    # as few parts as the order allows: no part could have taken the next part's first button
    assert all(_measure([*a, b[0]]) > 400 for a, b in zip(parts, parts[1:]))


def test_a_button_too_long_for_any_card_is_an_error_not_dropped():
    with pytest.raises(ValueError):
        split_buttons(["很长" * 300], _measure, 400)
