"""``/board/stats``: the statistics of a period (issue 25's figures, ``bot.store.stats.figures``) — the
summary and the tables, 本月 by default with a period selector — and ``/board/stats/chart.png``, the weekly
chart (``bot.figures.weekly_chart``). For the city desk, the bureau's leaders (main, publicity, in charge of a
unit) and admins: the figures are the whole bureau's. Without issue 25's modules the page says so."""

from __future__ import annotations

import logging
from functools import lru_cache

from flask import abort, make_response, request
from werkzeug.exceptions import Forbidden

from bot.core.clock import SHANGHAI
from bot.core.org import Organisation
from bot.domain.stats import readers

__all__ = ["PERIODS", "may_see_stats", "register"]

log = logging.getLogger(__name__)
PERIODS = ("本周", "上周", "本月", "上月", "本季度", "本年")  # bot.domain.stats.parse_period's words
REFUSED = "统计仅向舆情工作台和局领导开放。"


def may_see_stats(org: Organisation, person_id: str) -> bool:
    """The chat's readers of the statistics (``bot.domain.stats.readers``) and, on the board, the admins (its
    operators)."""
    person = org.person(person_id)
    if person is not None and person.active and "admin" in person.roles:
        return True
    return readers.may_see_stats(org, person_id)


def register(bp, board) -> None:
    """Add the statistics routes to the board's blueprint."""

    def allowed_or_403():
        if not may_see_stats(board.organisation(), board.person().id):
            raise Forbidden(REFUSED)

    @bp.get("/stats")
    def stats_page():
        allowed_or_403()
        wanted = request.args.get("period", "本月").strip() or "本月"
        try:
            from bot.domain.stats import parse_period
            from bot.figures.cells import text
            from bot.store.stats import figures
        except ImportError:  # issue 25 not installed: the placeholder
            return board.render("board_stats.html", title="统计 · 舆情工作台", ready=False, periods=PERIODS)
        now = board.now()
        try:
            period = parse_period(wanted, now.astimezone(SHANGHAI).date())
        except ValueError as exc:
            return board.render("board_stats.html", 400, title="统计 · 舆情工作台", ready=True, periods=PERIODS,
                                wanted=wanted, error=str(exc))
        with board.database.session() as session:
            found = figures(session, board.organisation(), period, now=now)
        tables = [dict(title=t.title, note=t.note, columns=t.columns,
                       rows=[[text(v, h) for v, h in zip(row, t.columns)] for row in t.rows]) for t in found.tables]
        summary = [(label, text(value, str(label))) for label, value in found.summary]
        return board.render("board_stats.html", title="统计 · 舆情工作台", ready=True, periods=PERIODS, wanted=wanted,
                            period=period, summary=summary, tables=tables, error="")

    @bp.get("/stats/chart.png")
    def stats_chart():
        allowed_or_403()
        try:
            from bot.figures import weekly_chart
            from bot.store.stats import chart_data
        except ImportError:
            abort(404)
        today = board.now().astimezone(SHANGHAI).date()
        with board.database.session() as session:
            data = chart_data(session, board.organisation(), today)
        response = make_response(_chart_png(weekly_chart, data))
        response.headers["Content-Type"] = "image/png"
        return board.finish(response)


@lru_cache(maxsize=8)
def _chart_png(draw, data) -> bytes:
    """The PNG of ``data`` (a frozen ChartData): drawn once per distinct figures, not on every page view."""
    return draw(data, "近八周舆情")
