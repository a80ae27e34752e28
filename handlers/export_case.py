"""导出 YQ-… (issue 24): a case's archive file (the ``.docx`` of ``bot.archive``), asked for in the chat and sent
1:1 to the person asking by the worker (``worker/export_jobs.py``) — never into a group, even when asked in one.

    导出 YQ-… [docx] --a confidential case (涉密), whoever asks--> refused: never exported through the chat; the
                       refusal goes on its timeline (``case.export_refused``)
                     --anyone but who may export (``bot.domain.secrecy.may_export``: the desk, the desk head, a
                       leader on the case)--> refused politely, naming who may; nothing recorded
                     --the platform cannot send a file 1:1 (WeCom with neither the self-built app nor the smart
                       bot's long connection: nothing goes 1:1 there, only this answer)--> answered in place with
                       the board's download link of the case (issue 26; signed in, valid 24 h: ``no_files``), or,
                       the board off, whom to ask; nothing exported, nothing recorded
                     --else--> 「正在生成 YQ-… 的档案文件，稍后私信发送。」; after the commit the worker's job
                       records ``case.exported`` on the timeline, reads the dossier, renders it and puts the file
                       in the outbox 1:1 on the platform asked on
                     --no such case--> 「没有找到案件 …」
    导出 (no number) / 导出 YQ-… <another format> --> how to ask

One file per 导出 message: the event is handled once (the inbound guards), so its job is enqueued once, and the
job's outbox row carries a dedup id made from the event (a rerun of the job adds nothing). A later 导出 is a new
export.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from bot.core import queues
from bot.core.card import Reply
from bot.core.event import Event
from bot.core.router import command_text
from bot.domain.cards import notice
from bot.domain.case.secrecy import record_refused
from bot.domain.errors import NotFound, NotPermitted
from bot.domain.secrecy import may_export
from handlers.case_lookup import case_view, live_units
from handlers.registry import Context, router

__all__ = ["CONFIDENTIAL", "FORMAT", "NO_FILES", "NO_FILES_NO_BOARD", "WORD", "export_case", "no_files", "request_key"]

WORD = "导出"
FORMAT = "docx"  # the chat sends the Word file; Markdown and JSON are the command line's (yuqing case export)
USAGE = f"请这样导出案件档案：{WORD} YQ-2026-0001（生成 Word 文件，私信发送给您）"
OTHER_FORMAT = ("聊天中只导出 Word 文件（docx）：请发送“{word} {number}”。Markdown、JSON 格式请联系信息中心在服务器上导出"
                "（yuqing case export）。")
CONFIDENTIAL = "{number} 为涉密案件，不通过聊天导出；请联系信息中心在服务器上导出。"
NOT_PERMITTED = "您没有导出 {number} 的权限：案件档案由舆情工作台（{desk}或办理案件的县局）或案件的相关局领导导出。"
STARTED = "正在生成 {number} 的档案文件，稍后私信发送。"
# where no file can go 1:1: the board's download link (issue 26; bot.core.board_links, made by the callable the worker
# passes as ``extra["export_link"]`` when the board is on), last in the text so nothing sticks to it; else whom to ask
NO_FILES = "本平台无法私信发送文件，请登录舆情看板下载 {number} 的档案文件（链接 24 小时内有效）：{link}"
NO_FILES_NO_BOARD = "本平台无法私信发送 {number} 的档案文件，请联系舆情工作台或信息中心在服务器上导出（yuqing case export）。"


def request_key(event: Event) -> str:
    """A short key of the 导出 message (its platform and dedup key): the worker's outbox row is filed under it,
    so the same message never sends two files."""
    return hashlib.sha256(f"{event.platform}:{event.dedup_key}".encode()).hexdigest()[:32]


@router.command(WORD)
def export_case(event: Event, ctx: Context) -> list[Reply]:
    """Check the case and the person, then ask the worker to make the file and send it 1:1."""
    words = command_text(event).split()
    if len(words) < 2:
        return [Reply(notice(USAGE))]
    number = words[1].strip().upper()
    if len(words) > 2 and words[2].lower() != FORMAT:
        return [Reply(notice(OTHER_FORMAT.format(word=WORD, number=number)))]
    try:
        view = case_view(ctx, number)
    except NotFound:
        return [Reply(notice(f"没有找到案件 {words[1]}，请核对编号（如 YQ-2026-0001）。"))]
    case = view.case
    if case.confidential:  # never through the chat, whoever asks: the refusal is kept on the timeline
        record_refused(ctx.store, ctx.rules, case.id, ctx.actor(event), ctx.now, "export")
        raise NotPermitted("case.export_refused", CONFIDENTIAL.format(number=case.number))
    if not may_export(ctx.org, ctx.person_id, confidential=False, county=case.county, units=live_units(view)):
        raise NotPermitted("case.export_denied", NOT_PERMITTED.format(number=case.number, desk=ctx.org.desk_name()))
    if not ctx.can(event.platform).sends_files:
        return [Reply(notice(no_files(case.number, ctx.extra.get("export_link"))), case_id=case.id)]
    ctx.after_commit(queues.EXPORT_CASE, case.id, ctx.person.id, event.platform, FORMAT, request_key(event))
    return [Reply(notice(STARTED.format(number=case.number)), case_id=case.id)]


def no_files(number: str, export_link: Callable[[str], str] | None) -> str:
    """The answer where no file can go 1:1: the board's download link of case ``number`` made by ``export_link``
    (``bot.core.board_links.export_link`` with the address, key and time bound), or, without one, whom to ask."""
    if export_link is None:
        return NO_FILES_NO_BOARD.format(number=number)
    return NO_FILES.format(number=number, link=export_link(number))
