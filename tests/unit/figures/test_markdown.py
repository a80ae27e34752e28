"""`yuqing stats --format md`: the period as the title, the 「汇总」 as a list, every table a section with its
header and rows (rates as percentages, an empty figure as —, pipes escaped so the table holds), its note under
it, and 「无」 for a table without rows."""

from __future__ import annotations

import re

from bot.figures import FORMATS, render
from tests.unit.figures.hand_figures import AT, AT_TEXT, FIGURES, LONG_UNIT


def text() -> str:
    document = render(FIGURES, "md", AT)
    assert (document.name, document.mime) == ("舆情统计-2026-Q4.md", FORMATS["md"])
    return document.content.decode("utf-8")


def sections(md: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in md.splitlines():
        if line.startswith("## "):
            current = out.setdefault(line[3:], [])
        elif line.strip() and not line.startswith("# "):
            current.append(line.rstrip())
    return out


def test_the_title_names_the_period_and_the_summary_is_a_list():
    md = text()
    assert md.splitlines()[0] == "# 舆情统计：2026年第四季度"
    assert sections(md)["汇总"] == [
        "- 统计期间：2026年第四季度", "- 起止日期：2026-10-01 至 2026-12-31", "- 案件总数：6", "- 报送按时率：83.3%",
        "- 时限按期率：75.0%", "- 报告：按时 / 迟报 / 漏报：5 / 1 / 0", "- 签收用时中位数（分钟）：14.0",
        "- 审定用时中位数（分钟）：—", f"- 生成时间：{AT_TEXT}"]


def test_every_table_is_a_section():
    assert list(sections(text())) == ["汇总", *(t.title for t in FIGURES.tables)]


def test_a_table_has_its_header_rows_and_note():
    found = sections(text())
    assert found["按等级统计案件"] == [
        "| 单位 | 一般 | 敏感 | 重大 | 特别重大 | 合计 |", "|---|---|---|---|---|---|",
        "| 市局舆情工作台 | 2 | 1 | 0 | 0 | 3 |", f"| {LONG_UNIT} | 1 | 0 | 1 | 0 | 2 |",
        "| 城东区市场监管局 | 0 | 0 | 0 | 1 | 1 |", "说明：按统计期末的等级计；演练不计。"]
    assert [line.split(" | ")[-1] for line in found["报送情况（按时、迟报、漏报）"][2:5]] == ["75.0% |", "100.0% |", "— |"]
    assert found["签收用时"][2] == "| 市局舆情工作台 | 3 | 12.5 | 30.0 |"  # minutes, not rates


def test_a_pipe_or_line_break_in_a_cell_keeps_the_table_whole():
    rows = sections(text())["按来源统计案件"]
    assert rows[2] == "| 网民投诉\\|12315<br>转办 | 1 |"
    assert {len(re.findall(r"(?<!\\)\|", row)) for row in rows} == {3}  # two columns on every line


def test_a_table_without_rows_says_none():
    assert sections(text())["督办"] == ["无", "说明：本期没有督办。"]
