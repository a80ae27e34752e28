"""The weekly chart (issue 25, part C): a PNG a leader reads on a phone — the size it says, the same bytes for the
same data, every Chinese character drawn from the shipped font (no missing-glyph warning, and no fallback needed
for the grade labels, the sample organisation's units or the title), 「本期无数据」 when there is nothing; and the
font's check names the path when the file is missing or is not a font."""

from __future__ import annotations

import io
import warnings

import matplotlib.image
import pytest
import yaml
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from bot.config import ROOT
from bot.core.errors import ConfigError
from bot.domain.grade import Grade
from bot.domain.stats import ChartData
from bot.figures import font
from bot.figures.chart import EMPTY, HEIGHT, MAX_UNITS, WIDTH, draw, weekly_chart

PNG = b"\x89PNG\r\n\x1a\n"
TITLE = "舆情周报 2026年第49周（11月30日—12月6日）"
UNITS = tuple(unit["name"] for unit in yaml.safe_load((ROOT / "examples" / "org.yaml").read_text("utf-8"))["units"])
WEEKS = (("10月13日", (3, 1, 0, 0)), ("10月20日", (2, 2, 1, 0)), ("10月27日", (0, 0, 0, 0)),
         ("11月3日", (5, 1, 0, 1)), ("11月10日", (4, 3, 2, 0)), ("11月17日", (1, 0, 0, 0)),
         ("11月24日", (6, 2, 1, 0)), ("12月1日", (3, 1, 1, 1)))
DATA = ChartData(WEEKS, tuple((name, i / len(UNITS), i + 1) for i, name in enumerate(UNITS)))


def texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text() and t.get_visible()]


def test_the_chart_is_a_phone_sized_png_and_the_same_bytes_every_time():
    png = weekly_chart(DATA, TITLE)
    assert png.startswith(PNG)
    assert matplotlib.image.imread(io.BytesIO(png)).shape[:2] == (HEIGHT, WIDTH) == (1100, 900)
    assert weekly_chart(DATA, TITLE) == png  # no date, no software stamp
    assert b"Software" not in png and b"matplotlib" not in png


def test_every_character_is_drawn_without_a_missing_glyph():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        weekly_chart(DATA, TITLE)
        weekly_chart(ChartData((), ()), TITLE)
    assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]
    with warnings.catch_warnings(record=True) as control:  # the check can fail: a character no font has
        warnings.simplefilter("always")
        weekly_chart(ChartData((), ()), "\U00020000")
    assert any("missing from font" in str(w.message) for w in control)


def test_the_shipped_font_alone_holds_the_grades_units_and_title():
    """Not only no warning: no fallback either (a server without a system Chinese font draws the same)."""
    shipped = FT2Font(str(font.PATH))
    words = [g.label for g in Grade] + list(UNITS) + [TITLE, EMPTY, "近8周新增舆情（按等级）", "各单位按时办结率（最低在上）",
                                                       "100%（12项）件"]
    absent = {c for word in words for c in word if not c.isspace() and shipped.get_char_index(ord(c)) == 0}
    assert absent == set()
    assert font.families()[0] == "Yuqing Noto Sans SC" == font.check()


def test_the_chart_shows_the_weeks_grades_and_each_units_rate_worst_first():
    shown = texts(draw(DATA, TITLE))
    assert TITLE in shown
    assert [label for label, _ in WEEKS] == [t for t in shown if t.endswith("日") and "月" in t][:8]
    assert {"一般", "敏感", "重大", "特别重大"} <= set(shown)  # the legend
    assert {"4", "5", "7", "9", "6", "1"} <= set(shown)  # each week's total over its bar
    names = [t for t in shown if t in UNITS]
    assert names == list(UNITS[:MAX_UNITS]) and len(UNITS) == MAX_UNITS  # all sixteen, in the given (worst first) order
    assert "0%（1项）" in shown and "93%（16项）" in shown  # rounded down


def test_more_units_than_fit_are_counted_not_drawn():
    many = ChartData(WEEKS, tuple((f"单位{i}", 0.5, 1) for i in range(MAX_UNITS + 3)))
    assert "另有3个单位未列出（按时率更高）" in texts(draw(many, TITLE))


def test_no_data_says_so_in_both_panels():
    empty = ChartData(tuple((label, (0, 0, 0, 0)) for label, _ in WEEKS), ())
    assert texts(draw(empty, TITLE)).count(EMPTY) == 2
    png = weekly_chart(ChartData((), ()), TITLE)
    assert png.startswith(PNG) and matplotlib.image.imread(io.BytesIO(png)).shape[:2] == (HEIGHT, WIDTH)


def test_the_font_check_names_a_missing_or_unreadable_file(tmp_path):
    missing = tmp_path / "fonts" / "gone.otf"
    with pytest.raises(ConfigError, match=str(missing)):
        font.check(missing)
    broken = tmp_path / "broken.otf"
    broken.write_bytes(b"not a font")
    with pytest.raises(ConfigError, match=f"{broken}.*cannot be read"):
        font.check(broken)
