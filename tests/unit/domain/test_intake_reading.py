"""What intake reads from a message: link keys, titles, likely units, loose unit names, deadlines in words."""

from datetime import datetime

import pytest

from bot.config import ROOT
from bot.core.clock import SHANGHAI
from bot.domain.errors import InvalidInput
from bot.domain.intake.reading import first_line_title, likely_units, link_key, match_units, parse_deadline
from bot.org.file import parse_org_file

ORG = parse_org_file(ROOT / "examples" / "org.yaml")
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=SHANGHAI)


def test_tracking_parameters_do_not_change_the_key_and_other_schemes_have_none():
    a = link_key("https://weibo.com/1/AbC?utm_source=x&from=timeline")
    assert a == link_key("HTTPS://WEIBO.COM/1/AbC?share_token=y") and len(a[1]) == 64
    assert link_key("https://weibo.com/1/AbD") != a and link_key("ftp://x/y") is None


def test_the_title_is_the_first_line_without_links_or_mentions():
    assert first_line_title("@舆情助手 网传某超市卖过期食品 https://weibo.com/1\n第二行") == "网传某超市卖过期食品"
    assert first_line_title("https://weibo.com/1\n\n  正文第一句") == "正文第一句"
    assert first_line_title("https://weibo.com/1") == "" and len(first_line_title("长" * 300)) == 200


def test_likely_units_share_words_with_the_story():
    names = [u.name for u in likely_units(ORG, "某品牌食品被曝过期", limit=2)]
    assert names and all("食品" in n for n in names)
    assert likely_units(ORG, "今天天气不错") == []
    assert all(not u.desk for u in likely_units(ORG, "新闻宣传 应急", limit=5))


def test_unit_names_match_loosely_or_say_what_is_unclear():
    exact, part, unclear, unknown = match_units(ORG, "药品安全监督管理科，广告 食品 火星局")
    assert exact.unit.id == "u-drug" and part.unit.id == "u-ad"
    assert unclear.unit is None and {u.id for u in unclear.candidates} >= {"u-food", "u-foodsale"}
    assert unknown.unit is None and unknown.candidates == ()


@pytest.mark.parametrize("text,expected", [
    ("2026-12-03 17:00", datetime(2026, 12, 3, 17, 0)),
    ("2026/12/3", datetime(2026, 12, 3, 17, 30)),
    ("12月3日", datetime(2026, 12, 3, 17, 30)),
    ("12月3日16时", datetime(2026, 12, 3, 16, 0)),
    ("12月3日 9:15前", datetime(2026, 12, 3, 9, 15)),
    ("1月5日", datetime(2027, 1, 5, 17, 30)),
    ("2026年12月1日", datetime(2026, 12, 1, 17, 30)),
])
def test_deadlines_in_words(text, expected):
    assert parse_deadline(text, NOW) == expected.replace(tzinfo=SHANGHAI)


def test_no_deadline_and_bad_deadlines():
    assert parse_deadline("无", NOW) is None
    for bad in ("下周", "2026-13-01", "2026-11-28"):
        with pytest.raises(InvalidInput):
            parse_deadline(bad, NOW)
