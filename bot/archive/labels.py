"""How a dossier's values read in the archive documents: times in Asia/Shanghai, people and units by name,
roles, platforms and timeline actions in Chinese — and the dossier's rows back as the domain's records
(``TimelineEntry``, ``Duty``, an ``Organisation`` of the people and units it names) so the documents reuse the
domain's own readers (response state, duty verdicts, progress lines).
"""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import SHANGHAI, ensure_utc
from bot.core.org import Organisation, Person, Unit
from bot.domain.case.lifecycle import ASSIGNMENT_LABELS, CASE_LABELS, AssignmentState, CaseState
from bot.domain.case.timeline import TimelineEntry
from bot.domain.cards.progress_lines import STEPS
from bot.domain.grade import Grade
from bot.domain.intake.links import Source
from bot.domain.kinds import DutyKind
from bot.domain.permissions import ACTION_LABELS, Action
from bot.domain.records import Duty, DutyState
from bot.domain.response.approvers import ROLE_LABELS

__all__ = ["Names", "action_label", "assignment_state", "case_state", "duty_of", "entries_of", "grade",
           "local", "platform", "role", "source", "yes_no"]

ROLES = {  # the leaders' labels are the approvers' own (bot.domain.response.approvers)
    "desk": "舆情工作台", "county_desk": "县局舆情工作台", "city_desk": "市局舆情工作台", "desk_head": "工作台负责人",
    "liaison": "联络员", "unit_head": "单位负责人", **{str(r): label for r, label in ROLE_LABELS.items()},
    "admin": "管理员", "owner": "待办责任人", "system": "系统", "cli": "服务器命令行",
}
PLATFORMS = {"wecom": "企业微信", "dingtalk": "钉钉", "cli": "命令行", "drill": "演练", "api": "接口",
             "system": "系统", "console": "演示控制台", "board": "看板"}
# timeline actions the progress lines do not tell (they are not steps there) and Action does not name
EXTRA_ACTIONS = {
    "case.view_refused": "查看被拒绝（涉密）", "case.export_refused": "导出被拒绝（涉密）",
    "case.exported": "导出档案", "case.revealed": "显示涉密内容", "case.confidential_exposed": "涉密内容曾外露",
    "publication.refused": "登记发布被拒绝", "drill.scenario": "演练开始", "drill.step": "演练脚本步骤",
    "case.preview": "链接预览", "case.unfollow": "取消关注", "intake.confidential": "标记涉密",
}


def local(value: str | datetime | None) -> str:
    """An ISO time (or datetime) as ``2026-12-08 09:30`` in Asia/Shanghai; ``—`` when there is none."""
    if not value:
        return "—"
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return ensure_utc(at).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def yes_no(value: object) -> str:
    """是 or 否."""
    return "是" if value else "否"


def grade(value: object) -> str:
    """A grade number as its label (一般舆情 …); ``—`` when none."""
    if value is None or value == "":
        return "—"
    try:
        return Grade(int(value)).label
    except (TypeError, ValueError):
        return str(value)


def case_state(value: object) -> str:
    """A case state as its label (处置中 …)."""
    try:
        return CASE_LABELS[CaseState(str(value))]
    except ValueError:
        return str(value)


def assignment_state(value: object) -> str:
    """An assignment state as its label (已签收 …)."""
    try:
        return ASSIGNMENT_LABELS[AssignmentState(str(value))]
    except ValueError:
        return str(value)


def source(value: object) -> str:
    """A source as its label (微博 …); 未注明 when empty."""
    try:
        return Source(str(value)).label
    except ValueError:
        return str(value or "") or "未注明"


def role(value: object) -> str:
    """A timeline role in Chinese (its code when unknown)."""
    return ROLES.get(str(value or ""), str(value or "—"))


def platform(value: object) -> str:
    """A platform in Chinese (its code when unknown)."""
    return PLATFORMS.get(str(value or ""), str(value or "—"))


class Names:
    """People and units of one dossier, by id: ``name`` when known, else the id itself."""

    def __init__(self, dossier: dict) -> None:
        self.people: dict = dossier.get("people") or {}
        self.units: dict = dossier.get("units") or {}
        self.org = Organisation(
            (dossier.get("bureau") or {}).get("name", ""), (dossier.get("bureau") or {}).get("short", ""),
            {pid: Person(pid, p.get("name") or pid, active=bool(p.get("active", True)))
             for pid, p in self.people.items()},
            {uid: Unit(uid, u.get("name") or uid, u.get("kind") or "", u.get("head") or "", (),
                       desk=bool(u.get("desk")), active=bool(u.get("active", True)))
             for uid, u in self.units.items()})

    def person(self, pid: object) -> str:
        """A person's name; the system, the server's command line, or the id for anyone else."""
        key = str(pid or "")
        if not key:
            return "—"
        if key in self.people:
            return self.people[key].get("name") or key
        if key == "system":
            return "系统"
        return f"服务器命令行（{key[4:]}）" if key.startswith("cli:") else key

    def person_with_id(self, pid: object) -> str:
        """``谢干事 (p-xie)`` for a known person; as :meth:`person` otherwise."""
        key = str(pid or "")
        return f"{self.people[key].get('name') or key} ({key})" if key in self.people else self.person(key)

    def unit(self, uid: object) -> str:
        """A unit's name (its id when unknown); ``—`` when none."""
        key = str(uid or "")
        return (self.units.get(key) or {}).get("name") or key or "—"


def action_label(entry: TimelineEntry, names: Names) -> str:
    """What a timeline entry did, in Chinese: the progress line's words when it is a step, else the action's label."""
    step = STEPS.get(entry.action)
    try:
        text = step(entry.payload or {}, names.org) if step is not None else None
    except (KeyError, TypeError, ValueError):
        text = None
    if text:
        return text
    if entry.action == str(Action.SUPERVISE):
        return f"督办{names.unit((entry.payload or {}).get('unit'))}"
    if entry.action == "case.exported":
        return f"导出档案（{(entry.payload or {}).get('format') or '文件'}）"
    if entry.action == "case.open":
        return f"立案（{grade((entry.payload or {}).get('grade'))}）"
    if entry.action in EXTRA_ACTIONS:
        return EXTRA_ACTIONS[entry.action]
    try:
        return ACTION_LABELS[Action(entry.action)]
    except ValueError:
        return entry.action


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def entries_of(dossier: dict) -> list[TimelineEntry]:
    """The dossier's timeline as the domain's entries (seq order, times exact to the microsecond)."""
    case_id = int((dossier.get("case") or {}).get("id") or 0)
    return [TimelineEntry(case_id, int(e["seq"]), e.get("actor") or "", e.get("role") or "", e.get("platform") or "",
                          e["action"], e.get("payload") or {}, datetime.fromisoformat(e["at"]), e.get("prev") or "",
                          e.get("hash") or "")
            for e in sorted(dossier.get("timeline") or [], key=lambda e: int(e["seq"]))]


def duty_of(row: dict) -> Duty:
    """One dossier duty row as the domain's ``Duty`` (enough for its verdict and owner)."""
    try:
        kind = DutyKind(row["kind"])
    except ValueError:
        kind = row["kind"]
    return Duty(int(row.get("case_id") or 0), kind, Grade(int(row.get("grade") or 1)),
                datetime.fromisoformat(row["started_at"]), datetime.fromisoformat(row["due_at"]),
                row.get("policy") or {}, owner_unit=row.get("owner_unit"), assignment_id=row.get("assignment_id"),
                owner_person=row.get("owner_person"), state=DutyState(row.get("state") or "open"),
                ended_at=_time(row.get("ended_at")), ended_by=row.get("ended_by"), reason=row.get("reason"),
                late=bool(row.get("late")), id=row.get("id"))
