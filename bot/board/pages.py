"""The board's blueprint (docs/board.md): the guard that sends anonymous requests to sign-in, the error pages,
and the page routes — the case list, a case, its export (and the chat's download link: ``bot.board.download``), a
unit, the statistics (``bot.board.stats``).

Reads go through ``bot.store`` read-only queries; the board's one kind of write is a timeline entry through the
domain (``bot.domain.case.secrecy``): ``record_export`` before a download, ``record_refused`` for a refused view
or export of a confidential case — as the chat and the command line record them.
"""

from __future__ import annotations

import logging
from datetime import date
from io import BytesIO
from urllib.parse import urlencode

from flask import Blueprint, g, redirect, request, send_file
from werkzeug.exceptions import BadRequest, Forbidden, MethodNotAllowed, NotFound

from bot.archive import FORMATS, render
from bot.archive import labels as L
from bot.board import download, signin, stats
from bot.board.access import case_access, export_allowed, unit_page_allowed
from bot.board.session import check_csrf, sign_out, signed_in
from bot.board.state import Board
from bot.board.views import case_line, case_sections, duty_label, duty_lines, grade_css, unit_name
from bot.domain.case.lifecycle import CASE_LABELS, CaseState
from bot.domain.case.secrecy import record_export, record_refused
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.secrecy import Sight
from bot.domain.words import deadline, time_left
from bot.store.board_views import CaseFilter, board_cases, case_facts, unit_open_duties
from bot.store.case_repo import SqlCaseStore
from bot.store.dossier import read_dossier

__all__ = ["build_blueprint"]

log = logging.getLogger(__name__)
PLATFORM = "board"  # the timeline's platform of what the board records
PAGE_SIZE = 30
PUBLIC = {"board.login", "board.login_token", "board.logout", "board.static"}
NO_EXPORT = "您没有导出 {number} 的权限：案件档案由舆情工作台（或办理案件的县局）或案件的相关局领导导出。"


def build_blueprint(settings, database, clock=None) -> Blueprint:
    """The board's blueprint under ``/board``; ``clock`` (``.now()``) for tests, else the system clock."""
    board = Board(settings, database) if clock is None else Board(settings, database, clock)
    bp = Blueprint("board", __name__, url_prefix="/board", template_folder="templates",
                   static_folder="static", static_url_path="/static")

    @bp.before_request
    def guard():
        if request.endpoint in PUBLIC:
            return None
        session = signed_in(request, board.secret, board.now())
        if session is None:
            stale = request.cookies.get("yq_board") is not None
            target = request.full_path.rstrip("?") if request.method == "GET" else "/board"
            response = redirect("/board/login?" + urlencode({"next": target, **({"m": "expired"} if stale else {})}))
            if stale:
                sign_out(response)
            return response
        person = board.organisation().person(session.person_id)
        if person is None or not person.active:
            log.warning("board: signed-in %s is no active person any more; signed out", session.person_id)
            response = redirect("/board/login?m=unknown")
            sign_out(response)
            return response
        g.board_person, g.board_session = person, session
        return None

    @bp.errorhandler(BadRequest)
    def bad_request(error):
        return board.render("board_message.html", 400, heading="请求无效",
                            message="表单已失效或来源不明（安全校验未通过），请返回页面刷新后重试。")

    @bp.errorhandler(NotFound)
    def not_found(error):
        return board.render("board_message.html", 404, heading="未找到", message=error.description
                            if isinstance(error.description, str) and not error.description.startswith("The ")
                            else "没有这个页面。")

    @bp.errorhandler(MethodNotAllowed)
    def not_allowed(error):
        return board.render("board_message.html", 405, heading="请求无效", message="请从页面上的按钮操作。")

    @bp.errorhandler(Forbidden)
    def forbidden(error):
        return board.render("board_message.html", 403, heading="无权查看", message=error.description)

    signin.register(bp, board)
    stats.register(bp, board)

    def rules(org) -> Rules:
        return Rules(org, default_policy(), WorkCalendar())

    def access_of(org, person, case):
        return case_access(org, person.id, number=case.number, confidential=case.confidential, county=case.county,
                           units=case.units, live_units=case.live_units)

    def visible(org, person, cases, text: str = ""):
        """(case, full) for each case the person may see; a text search matches only the number of a case
        he may not see in full (its title is not his to search)."""
        out = []
        for case in cases:
            seen = access_of(org, person, case)
            if seen.listed and (seen.full or not text or case.matches_number(text)):
                out.append((case, seen.full))
        return out

    @bp.get("", strict_slashes=False)
    def index():
        org, person, now = board.organisation(), board.person(), board.now()
        wanted, bad = _filters(request.args)
        with database.session() as session:
            cases = visible(org, person, board_cases(session, wanted), wanted.text)
        page = max(1, _int(request.args.get("page")) or 1)
        pages = max(1, -(-len(cases) // PAGE_SIZE))
        page = min(page, pages)
        shown = cases[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        args = {k: v for k, v in request.args.items() if k != "page" and v}
        return board.render("board_list.html", lines=[case_line(c, org, full, now) for c, full in shown],
                            total=len(cases), page=page, pages=pages, args=args, bad=bad, wanted=wanted,
                            page_url=lambda n: "/board?" + urlencode({**args, "page": n}),
                            units=[(u.id, u.name) for u in org.units.values() if u.active],
                            grades=[(g_.value, g_.label) for g_ in Grade],
                            states=[(s.value, CASE_LABELS[s]) for s in CaseState])

    def load_case(number: str):
        """The case's facts, after the access check: 404 when unknown, 403 (recorded when confidential) when
        the person may not see it at all."""
        org, person = board.organisation(), board.person()
        with database.session() as session:
            case = case_facts(session, number)
        if case is None:
            raise NotFound(f"没有找到案件 {number.strip().upper()}，请核对编号（如 YQ-2026-0001）。")
        seen = access_of(org, person, case)
        if seen.sight == Sight.NONE:
            if seen.record:
                record_refused(SqlCaseStore(database), rules(org), case.id, Actor(person.id, PLATFORM),
                               board.now(), "view")
                log.info("board: %s refused %s (confidential), recorded", person.id, case.number)
            raise Forbidden(seen.reason)
        return org, person, case, seen

    @bp.get("/cases/<number>")
    def case_page(number: str):
        org, person, case, seen = load_case(number)
        now = board.now()
        header = dict(number=case.number, grade=L.grade(case.grade), color=grade_css(case.grade),
                      state=L.case_state(case.state), confidential=case.confidential, drill=case.drill)
        if not seen.full:
            return board.render("board_case.html", title=f"{case.number} · 舆情工作台", case=header, full=False)
        with database.session() as session:
            dossier = read_dossier(session, case.number, now=now)
        units = [unit_name(org, u) for u in case.live_units]
        return board.render("board_case.html", title=f"{case.number} · 舆情工作台", full=True,
                            case={**header, "title": case.title, "owner": unit_name(org, case.owner_unit),
                                  "units": "、".join(units)},
                            duties=duty_lines(dossier, now), sections=case_sections(dossier),
                            formats=list(FORMATS) if export_allowed(org, person.id, confidential=case.confidential,
                                                                    county=case.county,
                                                                    live_units=case.live_units) else [])

    def exportable(number: str):
        """``load_case``, then who may export it: 403 (recorded when confidential) for anyone else."""
        org, person, case, seen = load_case(number)
        if not seen.full or not export_allowed(org, person.id, confidential=case.confidential, county=case.county,
                                               live_units=case.live_units):
            if case.confidential:
                record_refused(SqlCaseStore(database), rules(org), case.id, Actor(person.id, PLATFORM), board.now(),
                               "export")
            raise Forbidden(NO_EXPORT.format(number=case.number))
        return org, person, case

    download.register(bp, board, exportable)

    @bp.post("/cases/<number>/export.<fmt>")
    def export(number: str, fmt: str):
        check_csrf(request, board.secret)
        if fmt not in FORMATS:
            raise NotFound("没有这种导出格式（docx、md 或 json）。")
        org, person, case = exportable(number)
        now = board.now()
        record_export(SqlCaseStore(database), rules(org), case.id, person.id, PLATFORM, fmt, now)
        with database.session() as session:  # read after the entry: the file holds its own export
            document = render(read_dossier(session, case.number, now=now), fmt)
        log.info("board: %s exported %s as %s", person.id, case.number, fmt)
        return board.finish(send_file(BytesIO(document.content), mimetype=document.mime, as_attachment=True,
                                      download_name=document.name, max_age=0))

    @bp.get("/units/<unit_id>")
    def unit_page(unit_id: str):
        org, person, now = board.organisation(), board.person(), board.now()
        unit = org.units.get(unit_id)
        if unit is None:
            raise NotFound("没有这个单位。")
        if not unit_page_allowed(org, person.id, unit_id):
            raise Forbidden(f"{unit.name}的页面仅向该单位负责人和联络员、舆情工作台及局领导开放。")
        with database.session() as session:
            cases = visible(org, person, board_cases(session, CaseFilter(unit=unit_id)))
            duties = unit_open_duties(session, unit_id)
        full = {c.id: (c, f) for c, f in cases}
        duty_rows = [dict(number=d.number, label=duty_label(d.kind), due=deadline(d.due_at, now),
                          left=time_left(d.due_at, now), overdue=d.due_at < now)
                     for d in duties if d.case_id in full]
        return board.render("board_unit.html", title=f"{unit.name} · 舆情工作台", unit=unit,
                            lines=[case_line(c, org, f, now) for c, f in cases], duties=duty_rows)

    return bp


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _day(value: str | None, bad: list[str], label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        bad.append(f"{label}“{value}”不是日期（应为 2026-12-01 这样的格式），已忽略。")
        return None


def _filters(args) -> tuple[CaseFilter, list[str]]:
    """The list's filters from the query string; what could not be read is named in ``bad`` and ignored."""
    bad: list[str] = []
    grade = _int(args.get("grade"))
    if grade is not None and grade not in {g_.value for g_ in Grade}:
        bad.append("等级无效，已忽略。")
        grade = None
    state = args.get("state", "")
    if state and state not in {s.value for s in CaseState}:
        bad.append("状态无效，已忽略。")
        state = ""
    return CaseFilter(unit=args.get("unit", "").strip(), grade=grade, state=state,
                      date_from=_day(args.get("from"), bad, "起始日期"), date_to=_day(args.get("to"), bad, "截止日期"),
                      text=args.get("q", "").strip()[:100]), bad

