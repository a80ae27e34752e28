"""The figures a person asked for in the chat (``统计 本月``, ``handlers/stats.py``; issue 25): the job gets ids only
(person, platform, the period's key, the message's key) and, in one transaction, counts the period's figures
(``bot.store.stats.figures``), then puts in the outbox **1:1 to the person** on that platform:

    the platform sends files 1:1  --> a notice with the summary (the period and each summary line), then the Excel
        workbook (``bot.figures.render(…, "xlsx")``, stored with ``bot.store.blobs``) as a ``file`` card
    it cannot  --> the summary only, with where to get the file (``yuqing stats``, the board)
    the person can no longer be reached on that platform  --> logged, nothing written

Once: the first row's dedup id is the 统计 message's key (``stats:<request>``; the file's ``stats:<request>:2``),
so a job run again for it finds the row and writes nothing. The steps shared with 导出: ``worker/file_sends.py``.
"""

from __future__ import annotations

import logging
from datetime import date

from bot.core.clock import SHANGHAI, utcnow
from bot.domain.cards import notice
from bot.domain.stats import Figures, Period, between, parse_period
from bot.figures import render
from bot.figures.cells import text
from bot.store import stats as stats_store
from bot.store.org_repo import read_organisation
from handlers.stats import NO_FILES
from worker.addressing import Unreachable
from worker.delivery import schedule_rows
from worker.file_sends import check_reachable, put_one_to_one, sent_already, stored_file
from worker.runtime import Runtime

__all__ = ["period_of", "send_stats", "summary_text"]

log = logging.getLogger(__name__)
TITLE = "舆情统计：{label}"
CAPTION = "舆情统计 {label}（Excel 文件）"
EMPTY = "—"


def send_stats(rt: Runtime, person_id: str, platform: str, period_key: str, request: str) -> list[int]:
    """Put the period's figures (module docstring) in the outbox 1:1 to ``person_id`` on ``platform`` and
    schedule their delivery; the new rows' ids (empty: nothing written)."""
    dedup = f"stats:{request}"
    with rt.database.session() as session:
        if sent_already(session, dedup):
            log.info("stats %s: sent already", dedup)
            return []
        org = read_organisation(session)
        try:
            check_reachable(org, person_id, platform, dedup)
        except Unreachable as exc:
            log.warning("stats %s for %s not deliverable: %s", period_key, person_id, exc)
            return []
        now = utcnow()
        period = period_of(period_key, now.astimezone(SHANGHAI).date())
        figures = stats_store.figures(session, org, period, now=now)  # every duty carries its deadline: no rules
        summary = summary_text(figures)
        if rt.capabilities_of(platform).sends_files:
            document = render(figures, "xlsx", now)
            log.info("stats %s: %s (%s bytes) for %s on %s", period_key, document.name, len(document.content),
                     person_id, platform)
            cards = [notice(summary), stored_file(session, document, now, CAPTION.format(label=figures.period.label))]
        else:
            cards = [notice(f"{summary}\n{NO_FILES}。")]
        row_ids = [i for i in put_one_to_one(session, org, person_id, platform, cards, dedup, now) if i is not None]
    schedule_rows(rt, row_ids)
    return row_ids


def period_of(key: str, today: date) -> Period:
    """The period a job names by its key (``2026-W49``, ``2026-Q4`` …, or ``2026-11-01..2026-11-30``)."""
    first, dots, last = key.partition("..")
    if dots:
        return between(date.fromisoformat(first), date.fromisoformat(last))
    return parse_period(key, today)


def summary_text(figures: Figures) -> str:
    """The notice's text: the period as its first line, then one line per summary figure (a rate as 75.0%)."""
    lines = [TITLE.format(label=figures.period.label)]
    lines += [f"{label}：{text(value, header=label, blank=EMPTY)}" for label, value in figures.summary]
    return "\n".join(lines)
