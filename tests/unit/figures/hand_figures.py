"""Figures built by hand for the file formats' tests (part A's store computes the real ones): a quarter with a
long Chinese unit name, rates (one missing; one already text), minutes that are not rates, a cell with a pipe and
a line break, a table without rows."""

from __future__ import annotations

from datetime import date, datetime, timezone

from bot.domain.stats import Figures, Period, Table

AT = datetime(2026, 12, 8, 0, 39, tzinfo=timezone.utc)  # 08:39 in Shanghai
AT_TEXT = "2026-12-08 08:39（北京时间）"
LONG_UNIT = "市市场监督管理局食品安全监督管理处（餐饮）"  # 21 wide characters: 42 columns

QUARTER = Period("2026-Q4", "2026年第四季度", date(2026, 10, 1), date(2026, 12, 31))

BY_GRADE = Table(
    "cases_by_grade", "按等级统计案件", ("单位", "一般", "敏感", "重大", "特别重大", "合计"),
    (("市局舆情工作台", 2, 1, 0, 0, 3), (LONG_UNIT, 1, 0, 1, 0, 2), ("城东区市场监管局", 0, 0, 0, 1, 1)),
    "按统计期末的等级计；演练不计。")
REPORTS = Table(
    "reports", "报送情况（按时、迟报、漏报）", ("单位", "应报", "按时", "迟报", "漏报", "按时率"),
    (("市局舆情工作台", 4, 3, 1, 0, 0.75), (LONG_UNIT, 2, 2, 0, 0, 1.0), ("城东区市场监管局", 0, 0, 0, 0, None)),
    "迟报：报送晚于时限；漏报：平息时仍未报送，或期末已超时未报。")
SOURCES = Table("cases_by_source", "按来源统计案件", ("来源", "案件数"), (("网民投诉|12315\n转办", 1),))
ACK = Table("acknowledge_time", "签收用时", ("单位", "签收次数", "中位数（分钟）", "最长（分钟）"),
            (("市局舆情工作台", 3, 12.5, 30.0), (LONG_UNIT, 1, 1250.25, 1250.25)), "从分派到签收的分钟数")
SUPERVISION = Table("supervision", "督办", ("单位", "收到督办", "按时答复"), (), "本期没有督办。")

FIGURES = Figures(
    QUARTER,
    (("案件总数", 6), ("报送按时率", 0.8333333333333334), ("时限按期率", "75.0%"), ("报告：按时 / 迟报 / 漏报", "5 / 1 / 0"),
     ("签收用时中位数（分钟）", 14.0), ("审定用时中位数（分钟）", None)),
    (BY_GRADE, REPORTS, SOURCES, ACK, SUPERVISION))


def cjk_width(text: str) -> int:
    """Spreadsheet columns a text needs, counted independently: 2 per CJK or full-width character, else 1."""
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)
