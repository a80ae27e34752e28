"""`yuqing stats --format csv`: one file Excel opens with the Chinese intact (UTF-8 with a BOM), the 「汇总」 block
first, then each table as a block — title line, header, rows, note — separated by blank lines; rates as
``75.0%``; an empty figure as an empty field; a pipe, comma or line break in a cell survives."""

from __future__ import annotations

import csv
import io

from bot.domain.stats import Figures
from bot.figures import FORMATS, render
from tests.unit.figures.hand_figures import AT, AT_TEXT, FIGURES, LONG_UNIT, QUARTER


def blocks(content: bytes) -> list[list[list[str]]]:
    """The file's blocks (split at blank lines), each a list of rows."""
    out, current = [], []
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")):
        if row:
            current.append(row)
        elif current:
            out.append(current)
            current = []
    return out + ([current] if current else [])


def test_utf8_with_a_bom_so_excel_reads_chinese():
    document = render(FIGURES, "csv", AT)
    assert (document.name, document.mime) == ("舆情统计-2026-Q4.csv", FORMATS["csv"])
    assert document.content.startswith(b"\xef\xbb\xbf")
    assert "按等级统计案件" in document.content.decode("utf-8-sig")
    assert b"\r\n" in document.content  # Excel's own line ends


def test_the_summary_block_then_one_block_per_table():
    found = blocks(render(FIGURES, "csv", AT).content)
    assert [b[0] for b in found] == [["汇总"], *([t.title] for t in FIGURES.tables)]
    assert found[0] == [["汇总"], ["项目", "数值"], ["统计期间", "2026年第四季度"], ["起止日期", "2026-10-01 至 2026-12-31"],
                        ["案件总数", "6"], ["报送按时率", "83.3%"], ["时限按期率", "75.0%"],
                        ["报告：按时 / 迟报 / 漏报", "5 / 1 / 0"], ["签收用时中位数（分钟）", "14.0"],
                        ["审定用时中位数（分钟）", ""], ["生成时间", AT_TEXT]]


def test_each_table_block_has_its_header_rows_and_note():
    found = dict((b[0][0], b[1:]) for b in blocks(render(FIGURES, "csv", AT).content))
    assert found["按等级统计案件"] == [["单位", "一般", "敏感", "重大", "特别重大", "合计"], ["市局舆情工作台", "2", "1", "0", "0", "3"],
                                [LONG_UNIT, "1", "0", "1", "0", "2"], ["城东区市场监管局", "0", "0", "0", "1", "1"],
                                ["说明：按统计期末的等级计；演练不计。"]]
    reports = found["报送情况（按时、迟报、漏报）"]
    assert [r[-1] for r in reports[1:4]] == ["75.0%", "100.0%", ""]
    assert found["按来源统计案件"] == [["来源", "案件数"], ["网民投诉|12315\n转办", "1"]]
    assert found["签收用时"][1:3] == [["市局舆情工作台", "3", "12.5", "30.0"], [LONG_UNIT, "1", "1250.25", "1250.25"]]
    assert found["督办"] == [["单位", "收到督办", "按时答复"], ["说明：本期没有督办。"]]


def test_no_tables_is_still_a_file_with_the_summary():
    found = blocks(render(Figures(QUARTER, (), ()), "csv", AT).content)
    assert len(found) == 1 and found[0][2] == ["统计期间", "2026年第四季度"]
