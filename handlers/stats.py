"""统计 (issue 25): the figures of a period — the summary lines and the Excel file — asked for in the chat and sent
1:1 to the person asking by the worker (``worker/stats_jobs.py``) — never into a group, even when asked in one.

    统计 [期间] --期间: 本周 (the default) 上周 本月 上月 本季度 本年, or 2026-Q4 / 2026-12 / 2026-W49 / 2026
                  (``bot.domain.stats.parse_period``, relative to today in Shanghai)
              --not the city's desk (its head, liaisons, members) nor a bureau leader (main, publicity, a leader
                in charge of a unit)--> refused politely, naming who may. A county bureau's people are refused too
                for now: the figures are the city's (docs/statistics.md "In the chat")
              --a period not understood--> the forms, and how to ask
              --the platform reaches nobody 1:1 (WeCom with the smart bot alone)--> where to get the figures
                instead (``yuqing stats``, the board), answered in place; no job
              --else--> 「正在统计 2026年第49周（12月1日—12月7日），稍后私信发送。」; after the commit the worker's
                job computes the figures and sends the summary 1:1, then the .xlsx where the platform sends files
                1:1 (else the summary says where to get the file)

One file per 统计 message: the event is handled once (the inbound guards), so its job is enqueued once, and the
job's outbox rows carry a dedup id made from the event (``handlers.export_case.request_key``).
"""

from __future__ import annotations

from bot.core import queues
from bot.core.card import Reply
from bot.core.clock import SHANGHAI
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.errors import NotPermitted
from bot.domain.stats import parse_period
from bot.domain.stats.readers import may_see_stats
from handlers.export_case import request_key
from handlers.registry import Context, router

__all__ = ["DEFAULT", "NO_FILES", "NOT_PERMITTED", "STARTED", "WORD", "stats"]

WORD = "统计"
DEFAULT = "本周"
USAGE = f"请这样查看统计：{WORD} 本月（或 本周、上周、上月、本季度、本年、2026-Q4）；统计结果私信发送给您。"
NOT_PERMITTED = "统计数据由{desk}、局领导（主要领导、分管宣传的局领导、分管局领导）查看；如需了解，请联系{desk}。"
STARTED = "正在统计 {label}，稍后私信发送。"
NO_FILES = "本平台无法私信发送文件，请使用 yuqing stats 导出，或在看板查看"


@router.command(WORD)
def stats(event: Event, ctx: Context) -> list[Reply]:
    """Check the person and the period, then ask the worker to count and send the figures 1:1."""
    if not may_see_stats(ctx.org, ctx.person_id):
        raise NotPermitted("stats.denied", NOT_PERMITTED.format(desk=ctx.org.desk_name()))
    words = command_text(event).split(maxsplit=1)
    text = words[1].strip() if len(words) > 1 else DEFAULT
    try:
        period = parse_period(text, ctx.now.astimezone(SHANGHAI).date())
    except ValueError as exc:
        return [Reply(notice(f"{exc}\n{USAGE}"))]
    can = ctx.can(event.platform)
    if not (can.sends_files or can.dialogs_one_to_one):  # nothing goes 1:1 here: only this answer
        return [Reply(notice(f"本平台无法私信发送统计结果，请使用 yuqing stats 导出，或在看板查看 {period.label} 的统计。"))]
    ctx.after_commit(queues.STATS, ctx.person.id, event.platform, period.key, request_key(event))
    return [Reply(notice(STARTED.format(label=period.label)))]
