"""The case board and a case's timeline, read (never written) from the store.

Works before the case tables exist: a missing module or table gives an empty board with a note,
not an error page. Labels are the ones users read in chat; an unknown value is shown as is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import OperationalError, ProgrammingError

try:  # the case tables arrive with the domain's store; the console must work without them
    from bot.store.cases import CaseRow, DutyRow
    from bot.store.timeline import TimelineRow
except ImportError:  # pragma: no cover - only before the store has cases
    CaseRow = DutyRow = TimelineRow = None

log = logging.getLogger(__name__)

__all__ = ["Board", "CaseLine", "read_board", "read_timeline"]

TZ = ZoneInfo("Asia/Shanghai")
GRADES = {1: "一般", 2: "敏感", 3: "重大", 4: "特别重大"}
STATES = {"opened": "已立案", "handling": "处置中", "responding": "回应中", "tracking": "跟踪中",
          "subsided": "已平息", "evaluated": "已评估", "archived": "已归档"}
# the chat's duty names (bot.domain.kinds.DUTY_LABELS, which the console may not import; a test holds them equal)
DUTIES = {"acknowledge": "签收预警", "main_leader_acknowledge": "主要领导签收", "initial_report": "初报",
          "follow_up": "续报", "handling_opinion": "处置意见", "assessment_meeting": "研判会议",
          "leading_group_meeting": "领导小组会议", "authoritative_release": "发布权威信息",
          "public_response": "公开回应", "feedback": "反馈处置情况", "evaluation": "评估总结",
          "transfer_feedback": "转办反馈", "report_up_city": "上报市委市政府", "report_up_province": "上报省局",
          "supervision_answer": "回复督办", "script_approval": "口径审定", "plan_approval": "方案审批"}
UNAVAILABLE = (OperationalError, ProgrammingError)


@dataclass
class CaseLine:
    """One open case on the board, with its next deadline (None when no duty is open)."""

    number: str
    title: str
    grade: str
    state: str
    drill: bool
    owner: str
    next_duty: str = ""
    next_due: datetime | None = None
    next_unit: str = ""

    @property
    def due_ms(self) -> int | None:
        """The next deadline as epoch milliseconds, for the page's live countdown."""
        return int(self.next_due.timestamp() * 1000) if self.next_due else None

    @property
    def due_text(self) -> str:
        """The next deadline in Asia/Shanghai time."""
        return self.next_due.astimezone(TZ).strftime("%m-%d %H:%M:%S") if self.next_due else ""


@dataclass
class Board:
    """Open cases, newest first; ``note`` says why the board may be empty."""

    cases: list[CaseLine] = field(default_factory=list)
    note: str = ""


def read_board(database, names: dict[str, str]) -> Board:
    """The open cases with their next deadlines; ``names`` maps unit and person ids to names."""
    if CaseRow is None:
        return Board(note="案件功能尚未安装")
    try:
        with database.session() as session:
            rows = (session.query(CaseRow).filter(CaseRow.state != "archived")
                    .order_by(CaseRow.opened_at.desc()).limit(100).all())
            due = _next_duties(session, [r.id for r in rows])
            cases = [_line(r, due.get(r.id), names) for r in rows]
    except UNAVAILABLE as err:
        log.info("console: the case tables are not readable yet: %s", type(err).__name__)
        return Board(note="案件表尚未建立（数据库未迁移）")
    return Board(cases=cases, note="" if cases else "暂无未结案件")


def _next_duties(session, case_ids: list[int]) -> dict[int, object]:
    if not case_ids:
        return {}
    first: dict[int, object] = {}
    for duty in (session.query(DutyRow).filter(DutyRow.case_id.in_(case_ids), DutyRow.state == "open")
                 .order_by(DutyRow.due_at)):
        first.setdefault(duty.case_id, duty)
    return first


def _line(row, duty, names: dict[str, str]) -> CaseLine:
    return CaseLine(number=row.number, title=row.title, grade=GRADES.get(row.grade, str(row.grade)),
                    state=STATES.get(row.state, row.state), drill=bool(row.drill),
                    owner=names.get(row.owner_unit, row.owner_unit or ""),
                    next_duty=DUTIES.get(duty.kind, duty.kind) if duty else "",
                    next_due=duty.due_at if duty else None,
                    next_unit=names.get(duty.owner_unit, duty.owner_unit or "") if duty else "")


def read_timeline(database, number: str, names: dict[str, str]) -> list[dict] | None:
    """The entries of case ``number`` in order (None when there is no such case or no table)."""
    if CaseRow is None or not number:
        return None
    try:
        with database.session() as session:
            case = session.query(CaseRow).filter(CaseRow.number == number).first()
            if case is None:
                return None
            rows = session.query(TimelineRow).filter(TimelineRow.case_id == case.id).order_by(TimelineRow.seq).all()
            return [{"seq": r.seq, "at": r.at.astimezone(TZ).strftime("%m-%d %H:%M:%S"),
                     "actor": names.get(r.actor, r.actor), "role": r.role, "platform": r.platform,
                     "action": r.action, "payload": _summary(r.payload, names)} for r in rows]
    except UNAVAILABLE as err:
        log.info("console: the timeline is not readable yet: %s", type(err).__name__)
        return None


def _summary(payload, names: dict[str, str]) -> str:
    """A short line of the payload's plain values, ids by name (the console shows, it does not interpret)."""
    if not isinstance(payload, dict):
        return str(payload or "")
    parts = [f"{k}: {names.get(v, v) if isinstance(v, str) else v}" for k, v in payload.items()
             if v not in (None, "", [], {}) and not isinstance(v, (list, dict))]
    text = "；".join(parts)
    return text if len(text) <= 160 else text[:157] + "…"
