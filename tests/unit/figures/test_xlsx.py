"""`yuqing stats --format xlsx` as a leader opens it: a 「汇总」 sheet then one sheet per table, the header row
bold, filled and frozen, columns wide enough for the Chinese in them, rates shown as percentages but kept as
numbers, every figure as given, each table's note under it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from bot.domain.stats import Figures, Period, Table
from bot.figures import FORMATS, render
from bot.figures.xlsx import MAX_WIDTH, sheet_names
from tests.unit.figures.hand_figures import AT, AT_TEXT, FIGURES, LONG_UNIT, QUARTER, REPORTS, cjk_width


@pytest.fixture(scope="module")
def book():
    document = render(FIGURES, "xlsx", AT)
    assert (document.name, document.mime) == ("舆情统计-2026-Q4.xlsx", FORMATS["xlsx"])
    return load_workbook(io.BytesIO(document.content))


def rows_of(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_a_summary_sheet_then_one_sheet_per_table(book):
    assert book.sheetnames == ["汇总", "按等级统计案件", "报送情况（按时、迟报、漏报）", "按来源统计案件", "签收用时", "督办"]
    assert book.active.title == "汇总"


def test_the_summary_sheet_says_the_period_the_lines_and_when(book):
    assert rows_of(book["汇总"]) == [
        ("项目", "数值"), ("统计期间", "2026年第四季度"), ("起止日期", "2026-10-01 至 2026-12-31"),
        ("案件总数", 6), ("报送按时率", 0.8333333333333334), ("时限按期率", "75.0%"), ("报告：按时 / 迟报 / 漏报", "5 / 1 / 0"),
        ("签收用时中位数（分钟）", 14.0), ("审定用时中位数（分钟）", None), ("生成时间", AT_TEXT)]
    summary = book["汇总"]
    assert summary["B5"].number_format == "0.0%"  # Excel shows 83.3%
    assert summary["B8"].number_format == "0.0#"  # 14.0 minutes, not 1400.0%
    assert summary["B4"].number_format == "General"


def test_every_header_row_is_bold_filled_and_frozen(book):
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        for cell in sheet[1]:
            assert cell.font.b and cell.fill.fill_type == "solid", (sheet.title, cell.coordinate)


def test_each_sheet_holds_its_table_as_given_and_the_note_under_it(book):
    for table in FIGURES.tables:
        rows = rows_of(book[table.title])
        assert rows[0] == table.columns
        assert rows[1:1 + len(table.rows)] == list(table.rows), table.title
        rest = [r for r in rows[1 + len(table.rows):] if any(v is not None for v in r)]
        assert rest == ([(f"说明：{table.note}",) + (None,) * (len(table.columns) - 1)] if table.note else [])


def test_rates_are_numbers_shown_as_percentages(book):
    sheet = book[REPORTS.title]
    assert (sheet["F2"].value, sheet["F2"].number_format) == (0.75, "0.0%")
    assert (sheet["F3"].value, sheet["F3"].number_format) == (1.0, "0.0%")
    assert sheet["F4"].value is None
    assert sheet["E2"].number_format == "General" and sheet["E2"].value == 0  # counts stay plain integers


def test_minutes_are_numbers_not_rates(book):
    sheet = book["签收用时"]
    assert [(c.value, c.number_format) for c in sheet[2][1:]] == [(3, "General"), (12.5, "0.0#"), (30.0, "0.0#")]
    assert sheet["C3"].value == 1250.25 and sheet.column_dimensions["C"].width >= len("1250.25")


def test_columns_are_wide_enough_for_the_longest_chinese_text(book):
    for table in FIGURES.tables:
        sheet = book[table.title]
        for index, header in enumerate(table.columns):
            letter = chr(ord("A") + index)
            texts = [header, *(f"{c:.1%}" if header.endswith("率") else str(c) for r in table.rows
                               if (c := r[index]) is not None)]
            needed = min(max(cjk_width(t) for t in texts), MAX_WIDTH)
            assert sheet.column_dimensions[letter].width >= needed, (table.title, header)
    assert book["按等级统计案件"].column_dimensions["A"].width >= cjk_width(LONG_UNIT) == 42  # not len() == 21


def test_a_very_long_cell_is_capped():
    table = Table("t", "长文本", ("说明",), (("很长" * 60,),))
    book = load_workbook(io.BytesIO(render(Figures(QUARTER, (), (table,)), "xlsx", AT).content))
    assert book["长文本"].column_dimensions["A"].width == MAX_WIDTH


def test_sheet_names_are_valid_and_distinct():
    names = sheet_names(["汇总", "按单位/按等级: [重大]?", "汇总", "一" * 40, "一" * 40])
    assert names == ["汇总", "按单位_按等级_ _重大__", "汇总(2)", "一" * 31, "一" * 28 + "(2)"]
    assert all(len(n) <= 31 for n in names)


def test_a_range_of_days_names_its_file_by_both_days():
    period = Period("2026-11-01..2026-11-30", "2026年11月1日—11月30日", date(2026, 11, 1), date(2026, 11, 30))
    document = render(Figures(period, (), ()), "xlsx", AT)
    assert document.name == "舆情统计-2026-11-01至2026-11-30.xlsx"
    assert load_workbook(io.BytesIO(document.content)).sheetnames == ["汇总"]


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="xlsx, csv or md"):
        render(FIGURES, "pdf", AT)
