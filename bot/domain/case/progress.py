"""The acts that move a case after handling starts (Art. 19): 跟踪, the units' answer on a follow-up script,
平息, 重新跟踪, 归档 and 更正 — the case's states driven by acts (``docs/case-flow.md``).

    desk 跟踪 YQ-… 内容      handling/responding → tracking; each working unit is asked about a follow-up script
    unit 跟踪 YQ-… 内容      the unit's own tracking note (no state change)
    unit 需要续发口径 / 无需续发   tracking → responding / recorded; one answer per unit per ask
    desk 平息 YQ-… 理由      → subsided (tracking; handling for 一般/敏感 that needed no response): 续报 stops,
                             statutory and report duties close as missed, meetings and decisions not yet due as
                             not needed, transfer feedback and 督办 answers stay open; 重大+ evaluations start
    desk 重新跟踪           subsided → tracking (offered on a sighting); open evaluations pause (closed)
    desk 归档 YQ-…           subsided (一般/敏感) or evaluated (重大+) → archived; every open duty closes
    desk 更正 YQ-… 内容      a correction on the timeline, in any state (the only act on an archived case)

Each command takes ids, an actor, ``now`` and a CaseStore, runs in one transaction, writes one timeline entry and
raises a DomainError with a Chinese message when refused. The evaluation's acceptance (``通过``,
``bot.domain.case.evaluation``) moves a subsided 重大+ case to evaluated; :func:`on_release` is the hook of 发布
(``bot.domain.response.publications``).
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.case.lifecycle import (
    ARCHIVED_READ_ONLY, CASE_LABELS, CASE_STATES_FOR_ACTION, CaseState, next_case_state,
)
from bot.domain.case.timeline import TimelineEntry
from bot.domain.clock import duties as plan
from bot.domain.context import Outcome, Rules, case_rules, load_case, need_reason, record
from bot.domain.errors import IllegalTransition, InvalidInput, NotPermitted
from bot.domain.grade import EVALUATED_GRADES
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.domain.permissions import ACTION_LABELS, DESKS, Action, Role, authorise
from bot.domain.records import Actor, Case, Duty, DutyState
from bot.domain.repository import CaseRepository, CaseStore

K = DutyKind
TRACK_ASK = "case.track"
SCRIPT = "case.script"


def track(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, note: str) -> Outcome:
    """A tracking note (Art. 19(3)). From the desk it moves a handling or responding case to tracking and asks
    each working unit whether a follow-up script is needed (payload ``asked``: their unit ids); from a unit's
    head or liaison it is the unit's own note (payload ``unit``). Raises NotPermitted, IllegalTransition or
    InvalidInput (no content)."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = _authorise(repo, rules, actor, Action.TRACK, case)
        text = need_reason(note, "跟踪")
        if role in DESKS:
            old = case.state
            if old != CaseState.TRACKING:
                case.state = next_case_state(old, CaseState.TRACKING, case.grade)
                repo.save_case(case)
            asked = [a.unit_id for a in repo.assignments(case.id) if a.state in plan.WORKING_ASSIGNMENTS]
            payload = {"note": text, "from": str(old), "to": str(case.state), "asked": asked}
            return record(repo, rules, case, actor, role, TRACK_ASK, now, payload)
        unit = _my_unit(repo, rules, actor, case)
        return record(repo, rules, case, actor, role, TRACK_ASK, now, {"note": text, "unit": unit})

    return store.run(work)


def answer_script(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, *, needed: bool,
                  unit_id: str | None = None, ask: int | None = None) -> Outcome:
    """A unit's answer to the desk's latest ask (or to ``ask``, the ask's timeline seq) whether a follow-up script
    is needed: needed moves a tracking case to responding. One answer per unit and ask; a second is refused
    (InvalidInput ``script.answered``, naming the first). Raises NotPermitted, IllegalTransition or InvalidInput."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        unit = unit_id or _my_unit(repo, rules, actor, case)
        role = _authorise(repo, rules, actor, Action.SCRIPT, case, for_unit=unit)
        entries = repo.timeline(case.id)
        asks = [e for e in entries if e.action == TRACK_ASK and unit in e.payload.get("asked", ())]
        the_ask = next((e for e in asks if e.seq == ask), None) if ask is not None else (asks[-1] if asks else None)
        if the_ask is None:
            raise InvalidInput("script.no_ask", f"舆情工作台尚未询问 {case.number} 是否需要续发口径，无需答复。")
        if asks and the_ask.seq != asks[-1].seq:
            raise InvalidInput("script.stale", f"{case.number} 已有新的跟踪询问，请按最新一条答复。")
        done = next((e for e in entries if e.action == SCRIPT and e.payload.get("unit") == unit
                     and e.payload.get("ask") == the_ask.seq), None)
        if done is not None:
            said = "需要续发口径" if done.payload.get("needed") else "无需续发"
            raise InvalidInput("script.answered", f"本单位已答复 {case.number}：{said}，无需重复操作。")
        old = case.state
        if needed and old == CaseState.TRACKING:
            case.state = next_case_state(old, CaseState.RESPONDING, case.grade)
            repo.save_case(case)
        payload = {"unit": unit, "needed": needed, "ask": the_ask.seq, "from": str(old), "to": str(case.state)}
        return record(repo, rules, case, actor, role, SCRIPT, now, payload)

    return store.run(work)


def subside(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, reason: str) -> Outcome:
    """平息 with a reason (module docstring for what it does to open duties). Raises NotPermitted,
    IllegalTransition (重大+ from handling; a case that needed a response) or InvalidInput (no reason)."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = _authorise(repo, rules, actor, Action.SUBSIDE, case)
        text = need_reason(reason, "平息")
        old = case.state
        duties = repo.duties(case.id)
        if old == CaseState.HANDLING and needed_response(repo.timeline(case.id), duties):
            raise IllegalTransition("case.needs_response",
                                    f"{case.number} 需要公开回应，须先跟踪（发送“跟踪 {case.number} 内容”），才能平息。")
        case.state = next_case_state(old, CaseState.SUBSIDED, case.grade)
        own = case_rules(rules, case)
        started, ended = plan.on_subsided(own.policy, own.calendar, case, repo.assignments(case.id), duties, now,
                                          actor.person_id)
        repo.save_case(case)
        payload = {"reason": text, "from": str(old), "to": str(case.state),
                   "missed": [d.id for d in ended if d.late], "evaluations": [d.owner_unit for d in started]}
        return record(repo, rules, case, actor, role, str(Action.SUBSIDE), now, payload, started, ended)

    return store.run(work)


def retrack(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime) -> Outcome:
    """重新跟踪: a subsided case back to tracking (the story came up again); open evaluations close (they start
    again at the next 平息). Raises NotPermitted or IllegalTransition."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = _authorise(repo, rules, actor, Action.RETRACK, case)
        old, case.state = case.state, next_case_state(case.state, CaseState.TRACKING, case.grade)
        ended = plan.on_retracked(repo.duties(case.id), now, actor.person_id)
        repo.save_case(case)
        return record(repo, rules, case, actor, role, str(Action.RETRACK), now,
                      {"from": str(old), "to": str(case.state)}, [], ended)

    return store.run(work)


def archive(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime,
            unit_names: dict[str, str] | None = None) -> Outcome:
    """归档: a subsided 一般/敏感 case, or an evaluated 重大+ case, becomes read-only; every open duty closes.
    Refused kindly, naming what is missing (``unit_names``: unit id → name for the words): not yet subsided, an
    evaluation not submitted or not accepted, a transfer's feedback not yet sent. Raises NotPermitted or
    IllegalTransition."""
    names = unit_names or {}

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = _authorise(repo, rules, actor, Action.ARCHIVE, case)
        duties = repo.duties(case.id)
        missing = _missing_for_archive(case, duties, names)
        if missing:
            raise IllegalTransition("case.archive_missing",
                                    f"{case.number} 暂不能归档，尚缺：{'；'.join(missing)}。")
        old, case.state = case.state, next_case_state(case.state, CaseState.ARCHIVED, case.grade)
        ended = [plan.end_duty(d, DutyState.CLOSED, now, actor.person_id, "案件归档") for d in duties if d.open]
        repo.save_case(case)
        return record(repo, rules, case, actor, role, str(Action.ARCHIVE), now,
                      {"from": str(old), "to": str(case.state)}, [], ended)

    return store.run(work)


def correct(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, text: str) -> Outcome:
    """更正: a correction appended to the timeline (who: the actor; why: ``text``), in any state — the one change an
    archived case still takes. Raises NotPermitted or InvalidInput (no content)."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = _authorise(repo, rules, actor, Action.CORRECT, case)
        body = need_reason(text, "更正")
        payload = {"text": body, "state": str(case.state)}
        return record(repo, rules, case, actor, role, str(Action.CORRECT), now, payload)

    return store.run(work)


def on_release(case: Case) -> bool:
    """发布's hook (``bot.domain.response.publications.publish``), inside its transaction: a handling case moves to responding (saved by the
    caller). Returns whether it moved."""
    if case.state != CaseState.HANDLING:
        return False
    case.state = CaseState.RESPONDING
    return True


def needed_response(entries: list[TimelineEntry], duties: list[Duty]) -> bool:
    """Whether a case needed a public response, so it cannot subside straight from handling: a statutory duty
    (发布权威信息, 公开回应) is running or was done, or the 敏感 handling opinion decided to respond publicly
    (its ``duty.fulfil`` entry: ``details.respond.yes``)."""
    if any(d.kind in (K.AUTHORITATIVE_RELEASE, K.PUBLIC_RESPONSE) and d.state in (DutyState.OPEN, DutyState.DONE)
           for d in duties):
        return True
    return any(e.action == "duty.fulfil" and e.payload.get("kind") == str(K.HANDLING_OPINION)
               and ((e.payload.get("details") or {}).get("respond") or {}).get("yes") is True for e in entries)


def _missing_for_archive(case: Case, duties: list[Duty], names: dict[str, str]) -> list[str]:
    """What stands between a subsided case and its archive, in words."""
    missing = []
    if case.grade in EVALUATED_GRADES and case.state == CaseState.SUBSIDED:
        evaluations = [d for d in duties if d.kind == K.EVALUATION and d.state in (DutyState.OPEN, DutyState.DONE)]
        for d in evaluations:
            name = names.get(d.owner_unit or "", d.owner_unit or "")
            missing.append(f"{name}的评估总结" + ("未提交" if d.open else "待通过（通过 编号 单位）"))
        if not evaluations:
            missing.append("评估总结")
    if any(d.open and d.kind == K.TRANSFER_FEEDBACK for d in duties):
        missing.append(f"{DUTY_LABELS[K.TRANSFER_FEEDBACK]}（发送“转办反馈 {case.number}”登记）")
    return missing


def _authorise(repo: CaseRepository, rules: Rules, actor: Actor, action: Action, case: Case,
               for_unit: str | None = None) -> Role:
    """The actor's role for ``action`` on ``case`` — who may, first (NotPermitted), then whether the case's state
    allows it (IllegalTransition, naming the act and what to do instead)."""
    units = [a.unit_id for a in repo.assignments(case.id)]
    role = authorise(rules.org, actor.person_id, action, case.county, units, for_unit)
    if case.state in CASE_STATES_FOR_ACTION[str(action)]:
        return role
    already = {(Action.RETRACK, CaseState.TRACKING): "已在跟踪中", (Action.ARCHIVE, CaseState.ARCHIVED): "已归档"}
    if (action, case.state) in already:
        raise InvalidInput("case.already", f"{case.number} {already[action, case.state]}，无需重复操作。")
    if case.state == CaseState.ARCHIVED:
        raise IllegalTransition("case.archived", ARCHIVED_READ_ONLY)
    now = f"{case.number} 当前为“{CASE_LABELS[case.state]}”"
    if action == Action.ARCHIVE:
        raise IllegalTransition("case.not_subsided", f"{now}，须先平息（发送“平息 {case.number} 理由”）才能归档。")
    if action == Action.SCRIPT:
        raise IllegalTransition("case.not_tracking", f"{now}，无需答复是否需要续发口径。")
    raise IllegalTransition("case.closed_for_action", f"{now}，不能{ACTION_LABELS[action]}。")


def _my_unit(repo: CaseRepository, rules: Rules, actor: Actor, case: Case) -> str:
    """The case's unit for which ``actor`` is head or liaison (the first assigned); raises InvalidInput."""
    for a in repo.assignments(case.id):
        unit = rules.org.units.get(a.unit_id)
        if a.state in plan.LIVE_ASSIGNMENTS and unit and (unit.head == actor.person_id
                                                          or actor.person_id in unit.liaisons):
            return a.unit_id
    raise NotPermitted("permission.denied", f"只有 {case.number} 承办单位的负责人或联络员可以这样做。")
