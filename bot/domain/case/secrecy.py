"""涉密 on the case (issue 21): marking and lifting it, and the timeline entries that say who saw what.

    desk       涉密 YQ-… 理由        mark_confidential     timeline case.confidential
    desk head  解除涉密 YQ-… 理由    clear_confidential    timeline case.unconfidential
    (worker)   group messages that carried content before the marking   record_exposed    case.confidential_exposed
    anyone     a refused view or export                                  record_refused    case.view_refused /
                                                                                           case.export_refused
    CLI        ``yuqing case show|list --reveal``                        record_reveal     case.revealed
    CLI, chat  ``yuqing case export`` / 导出 (issue 24)                  record_export     case.exported

Marking and lifting are allowed in any state, an archived case's too: who may see a case is not its content.
Who may see a confidential case is decided by ``bot.domain.secrecy``. Each command runs in one transaction and
writes one timeline entry; refusals raise a DomainError with a Chinese message.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.context import Outcome, Rules, load_case, need_reason, record
from bot.domain.errors import InvalidInput
from bot.domain.permissions import Action, Role, authorise, case_roles
from bot.domain.records import Actor, Case
from bot.domain.repository import CaseRepository, CaseStore

EXPOSED = "case.confidential_exposed"
REFUSED = {"view": "case.view_refused", "export": "case.export_refused"}
REVEALED = "case.revealed"
EXPORTED = "case.exported"
CLI_ROLE = "cli"
ACTOR_LENGTH = 64  # timeline.actor


def mark_confidential(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime,
                      reason: str) -> Outcome:
    """标记涉密 by the desk (city or the case's county), with a reason. Raises NotPermitted, InvalidInput (no
    reason: ``reason.missing``; already confidential: ``confidential.already``) or NotFound."""
    return _set(store, rules, case_id, actor, now, reason, True)


def clear_confidential(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime,
                       reason: str) -> Outcome:
    """解除涉密 by the desk head (the head of the unit running the case), with a reason. Raises NotPermitted,
    InvalidInput (no reason; not confidential: ``confidential.not``) or NotFound."""
    return _set(store, rules, case_id, actor, now, reason, False)


def _set(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, reason: str,
         confidential: bool) -> Outcome:
    """Mark (``confidential``) or lift the mark: the one transaction and timeline entry of each."""
    action, label = ((Action.MARK_CONFIDENTIAL, "标记涉密") if confidential
                     else (Action.CLEAR_CONFIDENTIAL, "解除涉密"))

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise(rules.org, actor.person_id, action, case.county, _units(repo, case))
        text = need_reason(reason, label)
        if case.confidential == confidential:
            raise InvalidInput(*(("confidential.already", f"{case.number} 已是涉密案件。") if confidential
                                 else ("confidential.not", f"{case.number} 不是涉密案件。")))
        case.confidential = confidential
        repo.save_case(case)
        return record(repo, rules, case, actor, role, str(action), now, {"reason": text})

    return store.run(work)


def record_exposed(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime,
                   messages: list[dict]) -> Outcome:
    """The group messages that carried the case's content before it was marked and cannot be changed (WeCom
    group-robot messages): each ``{"outbox", "platform", "group", "kind", "sent_at"}``. Raises NotFound."""
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        items = [{k: m.get(k) for k in ("outbox", "platform", "group", "kind", "sent_at")} for m in messages]
        return record(repo, rules, case, actor, _role(repo, rules, actor, case), EXPOSED, now, {"messages": items})

    return store.run(work)


def record_refused(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, what: str) -> Outcome:
    """A refused ``view`` or ``export`` of a confidential case, on its timeline (no permission needed: it records
    a refusal). Raises ValueError for another ``what``, NotFound."""
    action = REFUSED.get(what)
    if action is None:
        raise ValueError(f"record_refused: what must be one of {sorted(REFUSED)}, not {what!r}")

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        return record(repo, rules, case, actor, _role(repo, rules, actor, case), action, now, {})

    return store.run(work)


def record_reveal(store: CaseStore, rules: Rules, case_id: int, os_user: str, now: datetime) -> Outcome:
    """The command line printed a confidential case in full (``--reveal``): actor ``cli:<os_user>`` (cut to the
    timeline's 64 characters), platform ``cli``. Raises NotFound."""
    actor = Actor(f"cli:{os_user}"[:ACTOR_LENGTH], "cli")

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        return record(repo, rules, case, actor, CLI_ROLE, REVEALED, now, {})

    return store.run(work)


def record_export(store: CaseStore, rules: Rules, case_id: int, actor_id: str, platform: str, fmt: str,
                  now: datetime) -> Outcome:
    """The case was exported as ``fmt`` (docx, md, json), recorded before the file is made so the file holds its own
    entry (payload ``{"format": fmt}``; no permission needed: the caller decided). ``actor_id`` is a person id or
    ``cli:<OS user>`` (cut to the timeline's 64 characters); the role is ``cli`` on platform ``cli``, else the
    person's first role on the case. Raises NotFound."""
    actor = Actor(actor_id[:ACTOR_LENGTH], platform)

    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = CLI_ROLE if platform == "cli" else _role(repo, rules, actor, case)
        return record(repo, rules, case, actor, role, EXPORTED, now, {"format": fmt})

    return store.run(work)


def _units(repo: CaseRepository, case: Case) -> list[str]:
    return [a.unit_id for a in repo.assignments(case.id)]


def _role(repo: CaseRepository, rules: Rules, actor: Actor, case: Case) -> str:
    """The role recorded for an entry that needs no permission: ``system`` for the bot itself, else the first
    role the actor holds on the case (Role order), else ``none``."""
    if actor.person_id == "system":
        return "system"
    held = case_roles(rules.org, actor.person_id, case.county, _units(repo, case))
    return str(next((r for r in Role if r in held), "none"))
