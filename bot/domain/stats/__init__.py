"""Statistics (issue 25): periods, the figures' types, and the pure counting behind them."""

from bot.domain.stats.figures import ChartData, Figures, Period, Table
from bot.domain.stats.period import between, parse_period

__all__ = ["ChartData", "Figures", "Period", "Table", "between", "parse_period"]
