"""口径 (Art. 19(1)): a unit's response script, its versions, the two leaders' approval, and the onward report.

    the unit's head or liaison (or the desk for it) --submit--> version n+1; vn's open approvals superseded;
        a ``script_approval`` duty for each publicity leader and the unit's leader in charge (one if one person)
    an approver --同意--> settles his roles on that version (the first publicity leader settles that role; one
        person with both roles settles both; the main leader 代为审定 one role); both roles approved → approved
    an approver --退回修改 (reason)--> the version is returned; its open approvals close; a new version is needed
    the publicity leader --同意报送--> consent on an approved version; the desk --报送 to--> the onward report

Each command is one transaction (``store.run``) writing one timeline entry, and reads the script's state from the
timeline inside it (``state.response_state``), so concurrent decisions all count and a version is approved once.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Iterable

from bot.domain.clock import duties as plan
from bot.domain.context import Outcome, Rules, case_rules, load_case, need_reason, record
from bot.domain.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from bot.domain.kinds import DutyKind
from bot.domain.permissions import Action, Role, authorise
from bot.domain.records import Actor, Case, DutyState
from bot.domain.repository import CaseRepository, CaseStore
from bot.domain.response import approvers as who
from bot.domain.drill.people import case_people
from bot.domain.response.channels import onward_target
from bot.domain.response.checks import end_version_duties, need_text, state_allows, unit_assignment, version_duties
from bot.domain.response.state import ScriptVersion, response_state

__all__ = ["consent_onward", "decide_script", "report_onward", "submit_script"]

K = DutyKind.SCRIPT_APPROVAL


def _units(repo: CaseRepository, case: Case) -> list[str]:
    return [a.unit_id for a in repo.assignments(case.id)]


def _name(rules: Rules, person_id: str) -> str:
    person = rules.org.person(person_id)
    return person.name if person else person_id


def submit_script(store: CaseStore, rules: Rules, case_id: int, unit_id: str, actor: Actor, now: datetime,
                  text: str, attachments: Iterable = ()) -> Outcome:
    """A new version (v1, v2, …) of ``unit_id``'s script, kept whole (text, attachments: JSON-able items); the
    previous version's open approvals are superseded and each approver's ``script_approval`` duty starts
    (``payload``: unit, version, text, attachments, approvers {role: [ids]}, supersedes). Raises NotPermitted (not
    the unit's head or liaison, nor the desk), IllegalTransition (the case's state), NotFound (the unit is not on
    the case) or InvalidInput (no text, no approver in the org)."""
    body = need_text(text, "口径内容")
    files = list(attachments)
    try:
        json.dumps(files, ensure_ascii=False)
    except (TypeError, ValueError):
        raise InvalidInput("script.attachments", "附件信息无法保存，请重新上传。") from None

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise(rules.org, actor.person_id, Action.SCRIPT_SUBMIT, case.county, _units(repo, case), unit_id)
        state_allows(case, Action.SCRIPT_SUBMIT)
        a = unit_assignment(repo, rules.org, case, unit_id)
        asked = who.script_approvers(rules.org, unit_id, county=case.county, people=case_people(repo, case))
        previous = response_state(repo.timeline(case.id)).latest_script(unit_id)
        n = previous.version + 1 if previous else 1
        ended = [plan.end_duty(d, DutyState.SUPERSEDED, now, actor.person_id, f"已提交新版本 v{n}")
                 for d in (version_duties(repo, case, previous, K) if previous else [])]
        own = case_rules(rules, case)
        people = list(dict.fromkeys(p for ids in asked.values() for p in ids))
        started = [d for p in people
                   if (d := plan.start_owned_duty(own.policy, own.calendar, case, K, now, person=p, assignment=a))]
        payload = {"unit": unit_id, "version": n, "text": body, "attachments": files,
                   "approvers": {str(r): ids for r, ids in asked.items()},
                   "supersedes": previous.version if previous and previous.status == "pending" else None}
        return record(repo, rules, case, actor, role, str(Action.SCRIPT_SUBMIT), now, payload, started, ended, a)

    return store.run(work)


def _version(st, case: Case, rules: Rules, unit_id: str, version: int) -> ScriptVersion:
    """The latest version, which must be ``version``; raises NotFound or IllegalTransition (a newer one exists)."""
    name = who.unit_name(rules.org, unit_id)
    v, latest = st.script(unit_id, version), st.latest_script(unit_id)
    if v is None:
        raise NotFound("script.not_found", f"{case.number} 没有{name}的口径 v{version}。")
    if latest.version != version:
        raise IllegalTransition("script.superseded", f"{case.number} {name}的口径已有新版本 v{latest.version}，"
                                                     f"v{version} 不再审定，请审定 v{latest.version}。")
    return v


def _roles_to_settle(rules: Rules, v: ScriptVersion, person: str, on_behalf: Role | None,
                     label: str, county: str | None = None, people: tuple | None = None) -> tuple[list[Role], bool]:
    """(the roles this person's decision settles, whether in another's place); raises InvalidInput when he has
    nothing left to decide."""
    settled = v.settled()
    own = who.script_roles(rules.org, person, v.unit, county=county, people=people)
    fill = [r for r in own if r not in settled]
    if fill:
        return fill, False
    if v.decided_by(person) is not None and on_behalf is None:
        raise InvalidInput("script.decided", f"您已审定{label}，无需重复操作。")
    if own and not who.is_main_leader(rules.org, person, county=county, people=people):
        first = settled[own[0]]
        raise InvalidInput("script.settled", f"{label}已由{_name(rules, first.person)}审定，无需重复操作。")
    pending = [r for r in who.SCRIPT_ROLES if r not in settled]
    if on_behalf is not None:
        if on_behalf not in pending:
            raise InvalidInput("script.settled", f"{label}的{who.ROLE_LABELS.get(on_behalf, on_behalf)}意见已有，"
                                                 "无需代为审定。")
        return [on_behalf], True
    if len(pending) > 1:
        raise InvalidInput("script.on_behalf", f"{label}尚待分管宣传的局领导和分管局领导审定，请说明代为哪一方审定。")
    return pending, True


def decide_script(store: CaseStore, rules: Rules, case_id: int, unit_id: str, version: int, actor: Actor,
                  now: datetime, approve: bool, reason: str | None = None, on_behalf: Role | None = None) -> Outcome:
    """An approver's 同意 (``approve``) or 退回修改 (with ``reason``) on ``unit_id``'s script ``version`` (the latest
    only). The main leader without a role of his own decides in place of one (``on_behalf``: publicity_leader or
    leader_in_charge; needed only while both are pending). Action ``script.approve`` / ``script.return``; payload:
    unit, version, roles (settled by this decision), on_behalf, reason, approved (both roles now approved),
    returned, pending (roles still to decide). The decider's own duty ends done (late when past due); an approver
    whose roles are all settled by others has his closed (「已由<姓名>审定」); a return closes every open one.

    Raises NotPermitted (not an approver of this unit's script), IllegalTransition (the case's state; an older
    version: 「已有新版本 vN」; a returned version), NotFound (no such version) or InvalidInput (no reason for a
    return; already decided: 「…已审定，无需重复操作。」; approved already)."""
    action = Action.SCRIPT_APPROVE if approve else Action.SCRIPT_RETURN
    text = ((reason or "").strip() or None) if approve else need_reason(reason, "退回修改")

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        person = actor.person_id
        county, people = case.county, case_people(repo, case)  # a drill: only the leaders its scenario names
        if (not who.script_roles(rules.org, person, unit_id, county=county, people=people)
                and not who.is_main_leader(rules.org, person, county=county, people=people)):
            if county:
                raise NotPermitted("script.not_approver", f"该舆情由{who.unit_name(rules.org, county)}办理，"
                                                          "只有该县局的领导可以审定该口径。")
            raise NotPermitted("script.not_approver", f"只有分管宣传的局领导、{who.unit_name(rules.org, unit_id)}的"
                                                      f"分管局领导或主要领导可以审定该口径。")
        state_allows(case, action)
        v = _version(response_state(repo.timeline(case.id)), case, rules, unit_id, version)
        label = f"{case.number} {who.unit_name(rules.org, unit_id)}的口径 v{version}"
        if v.returned is not None:
            raise IllegalTransition("script.returned", f"{label}已由{_name(rules, v.returned.person)}退回修改，"
                                                       "请等待新版本。")
        if v.approved:
            raise InvalidInput("script.approved", f"{label}已审定通过，无需重复操作。")
        roles, behalf = _roles_to_settle(rules, v, person, on_behalf, label, county, people)
        settled = {*v.settled(), *roles}
        pending = [r for r in who.SCRIPT_ROLES if r not in settled]
        duties = version_duties(repo, case, v, K)
        name = _name(rules, person) + ("代为" if behalf else "")
        if approve:
            done = [d for d in duties if not [r for r in who.script_roles(rules.org, d.owner_person, unit_id,
                                                                          county=county, people=people)
                                              if r not in settled]]
            ended = end_version_duties(done, now, person, frozenset({person}), "同意", f"已由{name}审定")
        else:
            ended = end_version_duties(duties, now, person, frozenset({person}), "退回修改", f"已由{name}退回修改")
        payload = {"unit": unit_id, "version": version, "roles": [str(r) for r in roles], "on_behalf": behalf,
                   "reason": text, "approved": approve and not pending, "returned": not approve,
                   "pending": [str(r) for r in pending] if approve else []}
        role = Role.MAIN_LEADER if behalf else roles[0]
        return record(repo, rules, case, actor, role, str(action), now, payload, [], ended)

    return store.run(work)


def consent_onward(store: CaseStore, rules: Rules, case_id: int, unit_id: str, version: int, actor: Actor,
                   now: datetime) -> Outcome:
    """The publicity leader's 同意报送 on an approved script version (action ``script.onward_consent``; payload
    unit, version). Raises NotPermitted, IllegalTransition (the case's state; the version not approved), NotFound
    or InvalidInput (consented already)."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise(rules.org, actor.person_id, Action.SCRIPT_ONWARD_CONSENT, case.county, _units(repo, case))
        if actor.person_id not in who.publicity_approvers(rules.org, county=case.county, people=case_people(repo, case)):
            raise NotPermitted("permission.denied", "只有本案件的分管宣传领导可以同意报送口径。")
        state_allows(case, Action.SCRIPT_ONWARD_CONSENT)
        v = response_state(repo.timeline(case.id)).script(unit_id, version)
        label = f"{case.number} {who.unit_name(rules.org, unit_id)}的口径 v{version}"
        if v is None:
            raise NotFound("script.not_found", f"{case.number} 没有{who.unit_name(rules.org, unit_id)}的口径 v{version}。")
        if not v.approved:
            raise IllegalTransition("script.not_approved", f"{label}尚未审定通过，不能同意报送。")
        if v.consent is not None:
            raise InvalidInput("script.consented", f"{label}已由{_name(rules, v.consent.person)}同意报送，无需重复操作。")
        return record(repo, rules, case, actor, role, str(Action.SCRIPT_ONWARD_CONSENT), now,
                      {"unit": unit_id, "version": version})

    return store.run(work)


def report_onward(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, to: str,
                  unit_id: str | None = None, version: int | None = None, note: str | None = None) -> Outcome:
    """The desk records that an approved, consented script was reported to ``to`` (宣传部, 网信办, 市委市政府): the
    named version, else the latest one with consent (action ``script.onward_report``; payload to, unit, version,
    note). Raises NotPermitted, IllegalTransition (no consent yet: 「须先经分管宣传的局领导同意报送」) or
    InvalidInput (an unknown ``to``)."""
    target = onward_target(to)

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise(rules.org, actor.person_id, Action.SCRIPT_ONWARD_REPORT, case.county, _units(repo, case))
        state_allows(case, Action.SCRIPT_ONWARD_REPORT)
        st = response_state(repo.timeline(case.id))
        consented = [v for versions in st.scripts.values() for v in versions if v.consent is not None
                     and (unit_id is None or v.unit == unit_id) and (version is None or v.version == version)]
        if not consented:
            raise IllegalTransition("script.no_consent", f"{case.number} 没有经分管宣传的局领导同意报送的口径，"
                                                         "须先经其同意报送。")
        v = max(consented, key=lambda x: x.consent.seq)
        payload = {"to": target, "unit": v.unit, "version": v.version, "note": (note or "").strip() or None}
        return record(repo, rules, case, actor, role, str(Action.SCRIPT_ONWARD_REPORT), now, payload)

    return store.run(work)
