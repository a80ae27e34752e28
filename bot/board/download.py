"""``GET /board/cases/<number>/download?t=…``: where the chat's download link of a case's archive file lands (导出
YQ-… on a platform that cannot send files, issue 24; the link is ``bot.core.board_links``'). Signed in like every
board page (the guard keeps the token in ``next``); then the link is checked — forged, altered or another case's →
400 「下载链接无效」, older than 24 hours → 410 with the case page's address — and then who may export, as the
export route asks (a confidential case refused and recorded). What it shows is the case and one CSRF-protected
button posting to ``/board/cases/<number>/export.docx``: this GET writes nothing, the POST records the export."""

from __future__ import annotations

import logging

from flask import request

from bot.core.board_links import EXPIRED, read_export_link

__all__ = ["register"]

log = logging.getLogger(__name__)
INVALID = "下载链接无效"
INVALID_TEXT = "此链接不完整、已被改动或不属于该案件，无法下载。请在聊天中重新发送“导出 案件编号”获取新链接，或在案件页面导出。"
EXPIRED_HEADING = "下载链接已过期"
EXPIRED_TEXT = "下载链接已过期（24 小时内有效），请在案件页面导出，或在聊天中重新发送“导出 {number}”。"


def register(bp, board, exportable) -> None:
    """Add the download link's page to the board's blueprint; ``exportable(number)`` is the export route's own
    check (the case and who may export it: raises NotFound / Forbidden) and gives ``(org, person, case)``."""

    @bp.get("/cases/<number>/download")
    def download_page(number: str):
        reason = read_export_link(board.secret, number, request.args.get("t", ""), board.now())
        if reason == EXPIRED:
            log.info("board: %s opened an expired download link of %s", board.person().id, number)
            return board.render("board_message.html", 410, heading=EXPIRED_HEADING,
                                message=EXPIRED_TEXT.format(number=number.strip().upper()),
                                link=f"/board/cases/{number.strip().upper()}", link_text="打开案件页面")
        if reason is not None:
            log.warning("board: %s opened a download link of %s refused (%s)", board.person().id, number, reason)
            return board.render("board_message.html", 400, heading=INVALID, message=INVALID_TEXT)
        case = exportable(number)[2]
        return board.render("board_download.html", title=f"下载 {case.number} · 舆情工作台",
                            case=dict(number=case.number, title=case.title, confidential=case.confidential))
