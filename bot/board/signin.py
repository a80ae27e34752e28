"""The board's own sign-in routes: the chooser page ``/board/login`` (企业微信登录 / 钉钉登录, whose routes are
``bot.board.oauth``'s, and the operators' token form when ``BOARD_TOKENS`` is set), ``POST /board/login/token``
and ``POST /board/logout``. Both POSTs carry the CSRF token."""

from __future__ import annotations

import logging
from urllib.parse import quote

from flask import redirect, request

from bot.board.session import check_csrf, sign_in, sign_out, signed_in
from bot.board.state import Board, safe_next

__all__ = ["register"]

log = logging.getLogger(__name__)
BAD_TOKEN = "令牌无效"
NOT_IN_ORG = "您不在本系统的人员名单中，请联系舆情工作台。"
MESSAGES = {"expired": "登录已过期，请重新登录。", "signed_out": "您已退出登录。", "unknown": NOT_IN_ORG}


def register(bp, board: Board) -> None:
    """Add the sign-in routes to the board's blueprint."""

    def login_page(status: int = 200, error: str = "", next_path: str | None = None):
        target = safe_next(next_path if next_path is not None else request.args.get("next"))
        return board.render("board_login.html", status, title="登录 · 舆情工作台", error=error,
                            message=MESSAGES.get(request.args.get("m", ""), ""), next=target,
                            next_q=quote(target, safe="/"), tokens=bool(board.tokens))

    @bp.get("/login")
    def login():
        if signed_in(request, board.secret, board.now()) is not None and not request.args.get("m"):
            return redirect(safe_next(request.args.get("next")))
        return login_page()

    @bp.post("/login/token")
    def login_token():
        check_csrf(request, board.secret)
        target = safe_next(request.form.get("next"))
        person_id = board.token_person(request.form.get("token", "").strip()) if board.tokens else None
        person = board.organisation().person(person_id) if person_id else None
        if person is None or not person.active:
            log.warning("board token sign-in refused (%s)", "no such token" if person_id is None else "person unknown")
            return login_page(401, BAD_TOKEN if person_id is None else NOT_IN_ORG, target)
        response = redirect(target)
        sign_in(response, board.secret, person.id, "token", board.now(), request.is_secure)
        log.info("board sign-in: %s via token", person.id)
        return board.finish(response)

    @bp.post("/logout")
    def logout():
        check_csrf(request, board.secret)
        response = redirect("/board/login?m=signed_out")
        sign_out(response)
        return board.finish(response)
