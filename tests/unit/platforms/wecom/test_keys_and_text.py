"""Button keys survive the trip through a card; task ids follow WeCom's rules; long texts split safely."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.card import Button
from bot.core.errors import ConfigError
from bot.platforms.wecom.buttons import TASK_ID, card_keys, decode_key, encode_key, task_id
from bot.platforms.wecom.longtext import split_utf8, truncate_utf8


@given(action=st.from_regex(r"[a-z]{1,8}\.[a-z_]{1,12}", fullmatch=True),
       params=st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=4))
def test_a_button_key_decodes_to_its_action_and_params(action, params):
    assert decode_key(encode_key(Button("x", action, params))) == (action, params)


def test_repeated_keys_on_one_card_are_made_unique_and_still_decode():
    keys = card_keys([Button("a", "case.ack"), Button("b", "case.ack")])
    assert len(set(keys)) == 2 and [decode_key(k)[0] for k in keys] == ["case.ack", "case.ack"]


def test_a_key_over_1024_bytes_is_a_config_error():
    with pytest.raises(ConfigError):
        encode_key(Button("x", "case.ack", {"note": "长" * 400}))


def test_task_ids_are_valid_stable_for_a_dedup_id_and_fresh_otherwise():
    assert TASK_ID.match(task_id("reply|wecom|app-msg:1|abc")) and TASK_ID.match(task_id())
    assert task_id("same") == task_id("same") != task_id("other")
    assert task_id() != task_id()


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from("a中\n😀é"), max_size=7000), st.integers(min_value=4, max_value=2048))
def test_split_pieces_fit_and_lose_nothing_but_line_breaks(text, limit):
    pieces = split_utf8(text, limit)
    assert all(len(p.encode()) <= limit for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_split_prefers_line_breaks_and_keeps_short_text_whole():
    text = "\n".join(["第一行" * 100, "第二行" * 100, "第三行" * 100])
    assert split_utf8(text, 2048) == ["第一行" * 100 + "\n" + "第二行" * 100, "第三行" * 100]
    assert split_utf8("短") == ["短"]


def test_truncate_keeps_whole_characters_and_marks_the_cut():
    cut = truncate_utf8("中" * 10, 10)
    assert cut == "中中…" and len(cut.encode()) <= 10
