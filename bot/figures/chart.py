"""The weekly chart (舆情周报的图): one PNG of two panels for a leader's phone — cases per grade per week over the
last eight weeks (stacked bars in the cards' grade colours) and each unit's on-time rate (horizontal bars,
worst first, with the percentage and how many duties it counts). Drawn with matplotlib's object API on the
Agg canvas (no pyplot, no global backend) in the shipped font (``bot.figures.font``); deterministic: the
same data gives the same bytes (no date or software stamp in the file). What it shows: docs/statistics.md,
"The weekly chart".
"""

from __future__ import annotations

import io

from bot.domain.grade import Grade
from bot.domain.stats.figures import ChartData
from bot.domain.words import GRADE_COLORS
from bot.figures import font

__all__ = ["EMPTY", "HEIGHT", "MAX_UNITS", "WIDTH", "draw", "weekly_chart"]

WIDTH, HEIGHT, DPI = 900, 1100, 150  # pixels: readable on a phone held upright
EMPTY = "本期无数据"
MAX_UNITS = 16  # the worst ones; more would not read on a phone
# The cards' colour names (bot.domain.words) as the chart paints them.
PAINT = {"blue": "#2F6FD0", "yellow": "#F2C12E", "orange": "#F28C28", "red": "#D7263D"}
RATE, TRACK = "#4A7FB5", "#EEEEEE"
ROWS = 10  # the unit panel has room for at least this many rows, so a few units do not make fat bars
LOW = 0.8  # an on-time rate under this is painted red
INK, GREY = "#222222", "#777777"


def weekly_chart(data: ChartData, title: str) -> bytes:
    """The PNG of ``data`` under ``title``; with nothing to show, a chart saying 「本期无数据」."""
    out = io.BytesIO()
    with _style():
        draw(data, title).savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def draw(data: ChartData, title: str):
    """The chart as a drawn matplotlib ``Figure`` (its texts can be read back: the tests do)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _style():
        figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        FigureCanvasAgg(figure)
        figure.suptitle(title, fontsize=12, y=0.985)
        # two areas: the week bars use the full width, the unit bars leave room for the units' names
        top = figure.add_gridspec(1, 1, left=0.09, right=0.97, top=0.90, bottom=0.59).subplots()
        bottom = figure.add_gridspec(1, 1, left=0.31, right=0.95, top=0.47, bottom=0.04).subplots()
        _grades(top, data.weeks)
        _rates(bottom, data.units)
        figure.canvas.draw()  # tick labels are made when drawn, in the font in force then
    return figure


def _style():
    """The chart's settings, for the time it is drawn and saved (matplotlib's rc_context; restored after)."""
    import matplotlib

    return matplotlib.rc_context({"font.family": list(font.families()), "axes.unicode_minus": False,
                                  "font.size": 9, "axes.edgecolor": "#BBBBBB", "text.color": INK})


def _grades(ax, weeks) -> None:
    """Stacked bars: cases opened per week, one colour per grade (一般 at the bottom)."""
    ax.set_title("近8周新增舆情（按等级）", fontsize=10, loc="left")
    if not any(sum(counts) for _, counts in weeks):
        _empty(ax)
        return
    labels = [label for label, _ in weeks]
    base = [0] * len(weeks)
    for i, grade in enumerate(Grade):
        values = [counts[i] for _, counts in weeks]
        ax.bar(labels, values, bottom=base, color=PAINT[GRADE_COLORS[grade]], width=0.65,
               label=grade.label.removesuffix("舆情"))
        base = [b + v for b, v in zip(base, values)]
    for x, total in enumerate(base):
        if total:
            ax.annotate(str(total), (x, total), xytext=(0, 2), textcoords="offset points", ha="center",
                        va="bottom", fontsize=8)
    ax.set_ylim(0, max(base) * 1.18 + 0.5)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("件", rotation=0, labelpad=10)
    ax.set_xlabel("每周自周一起，标注周一日期", fontsize=7.5, color=GREY)
    ax.tick_params(axis="x", labelsize=8, rotation=0)
    ax.legend(ncols=4, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(-0.02, 1.0),
              handlelength=1.2, columnspacing=1.0)
    _plain(ax)


def _rates(ax, units) -> None:
    """Horizontal bars: each unit's on-time rate, worst at the top, labelled ``88%（8项）``; under 80% in red."""
    ax.set_title("各单位按时办结率（最低在上）", fontsize=10, loc="left")
    if not units:
        _empty(ax)
        return
    shown = list(units[:MAX_UNITS])
    names = [name for name, _, _ in shown]
    rates = [rate for _, rate, _ in shown]
    rows = range(len(shown))
    ax.barh(rows, [1.0] * len(shown), color=TRACK, height=0.6)  # the track to 100%: a 0% still shows its row
    ax.barh(rows, rates, color=[RATE if rate >= LOW else PAINT["red"] for rate in rates], height=0.6)
    ax.set_yticks(rows, names, fontsize=8)
    ax.set_ylim(max(len(shown), ROWS) - 0.5, -0.5)  # worst at the top; a few units keep thin bars at the top
    ax.tick_params(axis="y", length=0)
    for y, (_, rate, counted) in enumerate(shown):
        ax.annotate(f"{_percent(rate)}（{counted}项）", (1.0, y), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=7.5, color=PAINT["red"] if rate < LOW else INK)  # one column, after 100%
    ax.set_xlim(0, 1.3)
    ax.set_xticks([])  # the grey track is 100%, each bar says its percentage
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    if len(units) > MAX_UNITS:
        ax.set_xlabel(f"另有{len(units) - MAX_UNITS}个单位未列出（按时率更高）", fontsize=8, color=GREY)
    _plain(ax)


def _percent(rate: float) -> str:
    """``rate`` as a whole percentage rounded down: 100% only when every duty was on time, and a rate under 80%
    never reads 80%."""
    return f"{int(rate * 100 + 1e-9)}%"


def _empty(ax) -> None:
    """「本期无数据」 in the middle of the panel's height and of the picture's width."""
    from matplotlib.transforms import blended_transform_factory

    ax.text(0.5, 0.5, EMPTY, transform=blended_transform_factory(ax.figure.transFigure, ax.transAxes), ha="center",
            va="center", fontsize=12, color=GREY)
    ax.set_axis_off()


def _plain(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
