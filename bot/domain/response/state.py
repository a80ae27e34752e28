"""A case's response (回应, Art. 19) read back from its timeline: no table of its own, the entries are the record.

:func:`response_state` folds the entries of the response acts into a :class:`ResponseState`: per unit the script
versions (v1, v2, … each kept whole) with their decisions per approver role, onward consent and reports; per unit
the plan versions with their decisions in order; the publications and the refused attempts. The commands
(``scripts``, ``plans``, ``publications``) read it inside their transaction, so a decision re-run after a lost
race sees the one that won.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.case.timeline import TimelineEntry

__all__ = ["SCRIPT_SUBMIT", "SCRIPT_APPROVE", "SCRIPT_RETURN", "ONWARD_CONSENT", "ONWARD_REPORT", "PLAN_SUBMIT",
           "PLAN_APPROVE", "PLAN_RETURN", "PUBLISHED", "REFUSED", "Decision", "OnwardReport", "PlanVersion",
           "Publication", "ResponseState", "ScriptVersion", "Version", "handling_opinion", "response_state"]

SCRIPT_SUBMIT, SCRIPT_APPROVE, SCRIPT_RETURN = "script.submit", "script.approve", "script.return"
ONWARD_CONSENT, ONWARD_REPORT = "script.onward_consent", "script.onward_report"
PLAN_SUBMIT, PLAN_APPROVE, PLAN_RETURN = "plan.submit", "plan.approve", "plan.return"
PUBLISHED, REFUSED = "publication.publish", "publication.refused"
PENDING, APPROVED, RETURNED = "pending", "approved", "returned"


@dataclass(frozen=True)
class Decision:
    """One approver's decision on a version: who, when, approve or return (with the reason), the approver roles
    (or plan steps) it settled, and whether the main leader took it in another's place (代为审定)."""

    person: str
    at: datetime
    approve: bool
    roles: tuple[str, ...]
    reason: str | None = None
    on_behalf: bool = False
    seq: int = 0


@dataclass
class Version:
    """What scripts and plans share: the unit, the number, who submitted it and when, its decisions, the approval
    duties started for it, and whether (when) it was approved or returned."""

    unit: str
    version: int
    by: str
    at: datetime
    seq: int
    decisions: list[Decision] = field(default_factory=list)
    duty_ids: list[int] = field(default_factory=list)
    approved_at: datetime | None = None
    returned: Decision | None = None

    @property
    def approved(self) -> bool:
        """Whether every approver role approved this version."""
        return self.approved_at is not None

    @property
    def status(self) -> str:
        """``pending``, ``approved`` or ``returned``."""
        return APPROVED if self.approved else RETURNED if self.returned else PENDING

    def settled(self) -> dict[str, Decision]:
        """Role (or step) → the decision that settled it, for this version."""
        return {role: d for d in self.decisions for role in d.roles}

    def decided_by(self, person: str) -> Decision | None:
        """This person's decision on the version, if any."""
        return next((d for d in self.decisions if d.person == person), None)


@dataclass
class ScriptVersion(Version):
    """A script (口径) version: its text and attachments, and the publicity leader's consent to report it onward."""

    text: str = ""
    attachments: list = field(default_factory=list)
    consent: Decision | None = None


@dataclass
class PlanVersion(Version):
    """A response plan (回应方案) version: the way of responding, what is done, and when (as typed)."""

    way: str = ""
    content: str = ""
    when: str = ""


@dataclass(frozen=True)
class OnwardReport:
    """The desk's record that a script was reported to 宣传部, 网信办 or 市委市政府."""

    to: str
    by: str
    at: datetime
    unit: str | None
    version: int | None
    note: str | None
    seq: int


@dataclass(frozen=True)
class Publication:
    """A publication (or a refused attempt: ``reasons``): channel, when it went out, link, the script versions and
    the plan it rests on, who recorded it, and the duties it ended."""

    channel: str
    when: datetime | None
    link: str | None
    scripts: tuple[tuple[str, int], ...]
    plan: tuple[str, int] | None
    by: str
    at: datetime
    seq: int
    reasons: tuple[str, ...] = ()
    ended: tuple[int, ...] = ()


@dataclass
class ResponseState:
    """Everything the response acts recorded on one case (module docstring)."""

    scripts: dict[str, list[ScriptVersion]] = field(default_factory=dict)
    plans: dict[str, list[PlanVersion]] = field(default_factory=dict)
    onward_reports: list[OnwardReport] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    refused: list[Publication] = field(default_factory=list)

    def script(self, unit: str, version: int) -> ScriptVersion | None:
        """The unit's script version ``version``, or None."""
        return next((v for v in self.scripts.get(unit, []) if v.version == version), None)

    def latest_script(self, unit: str) -> ScriptVersion | None:
        """The unit's newest script version, or None."""
        return (self.scripts.get(unit) or [None])[-1]

    def plan(self, unit: str, version: int) -> PlanVersion | None:
        """The unit's plan version ``version``, or None."""
        return next((v for v in self.plans.get(unit, []) if v.version == version), None)

    def latest_plan(self, unit: str) -> PlanVersion | None:
        """The unit's newest plan version, or None."""
        return (self.plans.get(unit) or [None])[-1]

    def version_of_duty(self, duty_id: int) -> ScriptVersion | PlanVersion | None:
        """The script or plan version an approval duty was started for (a 同意 button's ``d``, 我的待办), or None."""
        every = [v for group in (self.scripts, self.plans) for versions in group.values() for v in versions]
        return next((v for v in every if duty_id in v.duty_ids), None)


def _decision(e: TimelineEntry, key: str = "roles") -> Decision:
    p = e.payload
    return Decision(e.actor, e.at, e.action in (SCRIPT_APPROVE, PLAN_APPROVE), tuple(p.get(key) or ()),
                    p.get("reason"), bool(p.get("on_behalf")), e.seq)


def _started(e: TimelineEntry) -> list[int]:
    return [s["id"] for s in e.payload.get("started", []) if s.get("id") is not None]


def _pair(value) -> tuple[str, int] | None:
    return (str(value[0]), int(value[1])) if value else None


def _publication(e: TimelineEntry) -> Publication:
    p = e.payload
    when = datetime.fromisoformat(p["when"]) if p.get("when") else None
    return Publication(p.get("channel", ""), when, p.get("link"), tuple(_pair(s) for s in p.get("scripts", [])),
                       _pair(p.get("plan")), e.actor, e.at, e.seq, tuple(p.get("reasons", [])),
                       tuple(x["id"] for x in p.get("ended", [])))


def _decide(v: Version | None, e: TimelineEntry) -> None:
    if v is None:
        return
    d = _decision(e)
    v.decisions.append(d)
    v.duty_ids.extend(_started(e))
    if e.payload.get("approved"):
        v.approved_at = e.at
    if e.payload.get("returned"):
        v.returned = d


def response_state(entries: list[TimelineEntry]) -> ResponseState:
    """Fold one case's timeline (in seq order) into its :class:`ResponseState`."""
    st = ResponseState()
    for e in entries:
        p, a = e.payload, e.action
        unit, number = p.get("unit"), p.get("version")
        if a == SCRIPT_SUBMIT:
            st.scripts.setdefault(unit, []).append(ScriptVersion(
                unit, number, e.actor, e.at, e.seq, duty_ids=_started(e), text=p.get("text", ""),
                attachments=list(p.get("attachments", []))))
        elif a in (SCRIPT_APPROVE, SCRIPT_RETURN):
            _decide(st.script(unit, number), e)
        elif a == ONWARD_CONSENT and (v := st.script(unit, number)) is not None:
            v.consent = _decision(e)
        elif a == ONWARD_REPORT:
            st.onward_reports.append(OnwardReport(p.get("to", ""), e.actor, e.at, unit, number, p.get("note"), e.seq))
        elif a == PLAN_SUBMIT:
            st.plans.setdefault(unit, []).append(PlanVersion(
                unit, number, e.actor, e.at, e.seq, duty_ids=_started(e), way=p.get("way", ""),
                content=p.get("content", ""), when=p.get("when", "")))
        elif a in (PLAN_APPROVE, PLAN_RETURN):
            _decide(st.plan(unit, number), e)
        elif a == PUBLISHED:
            st.publications.append(_publication(e))
        elif a == REFUSED:
            st.refused.append(_publication(e))
    return st


def handling_opinion(entries: list[TimelineEntry]) -> dict | None:
    """The 敏感 handling opinion's three decisions as recorded (the latest ``duty.fulfil`` of ``handling_opinion``:
    ``{"respond": {"yes": …, "note": …}, "commentary": …, "publish": …}``), or None when none was recorded."""
    found = [e for e in entries if e.action == "duty.fulfil" and e.payload.get("kind") == "handling_opinion"]
    return (found[-1].payload.get("details") or {}) if found else None
