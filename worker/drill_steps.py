"""A drill's scripted steps (issue 23), performed as they fall due: at each reconcile (``worker.reconciler``),
every open drill case (not archived) whose ``drill.scenario`` names steps due (``opened_at + after /
drill_scale``, ``bot.domain.drill.steps.due_steps``) and not performed yet (no ``drill.step`` entry of that index)
has each performed in one transaction of its own: the grade raised by the case's opener from the platform
``drill`` (``set_grade``), the ``drill.step`` entry, and the replies a grading in the chat sends
(``handlers.leaders.after_grade``: the unit cards brought to the new grade, the bulletins — to the scenario's
people only —, a county's report up) as outbox rows with dedup ids ``drill-step:<case>:<index>:…``. A step whose
grade is not above the case's is recorded as done with no change and sends nothing.

Once: the step's entry is written in the same transaction as its grading and rows, and the domain refuses an
index already recorded (the case row locked first), so a second sweep or a second worker that read the same
timeline adds nothing (its transaction rolls back whole: a lost race, or ``drill.step_done``)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.core.org import Organisation
from bot.domain.case.lifecycle import CaseState
from bot.domain.context import Rules
from bot.domain.drill.steps import due_steps, perform_step
from bot.domain.errors import DomainError
from bot.store import outbox
from bot.store.case_repo import LostRace, SessionCaseStore, to_case
from bot.store.cases import CaseRow
from bot.store.org_repo import read_organisation
from bot.store.timeline import case_entries
from handlers.leaders import after_grade
from handlers.registry import Context
from worker.addressing import Unreachable, target_messages
from worker.delivery import schedule as schedule_delivery
from worker.outbox_copies import OutboxCopies
from worker.presenting import add_rows
from worker.runtime import Runtime

__all__ = ["due", "sweep"]

log = logging.getLogger(__name__)


def due(rt: Runtime, now: datetime) -> list[tuple[int, int]]:
    """(case id, step index) of every scripted step due at ``now`` and not performed, of open drills."""
    found: list[tuple[int, int]] = []
    with rt.database.session() as session:
        rows = session.scalars(select(CaseRow).where(CaseRow.drill.is_(True),
                                                     CaseRow.state != str(CaseState.ARCHIVED)).order_by(CaseRow.id))
        for row in rows:
            case = to_case(row)
            found += [(case.id, s.index) for s in due_steps(case, case_entries(session, case.id), now)]
    return found


def sweep(rt: Runtime, now: datetime) -> int:
    """Perform the due scripted steps of the open drills; returns how many were performed (rows are scheduled)."""
    steps = due(rt, now)
    if not steps:
        return 0
    with rt.database.session() as session:
        org = read_organisation(session)
    rules = rt.rules(org)
    performed, queued = 0, []
    for case_id, index in steps:
        try:
            queued += _perform(rt, org, rules, case_id, index, now)
            performed += 1
        except DomainError as exc:  # performed meanwhile by another worker, or gone: nothing changed
            log.info("drill step case=%s index=%s not performed: %s", case_id, index, exc.key)
        except (LostRace, SQLAlchemyError) as exc:  # rolled back whole: the next sweep tries again
            log.warning("drill step case=%s index=%s not performed now: %s", case_id, index, type(exc).__name__)
    for row_id in queued:
        schedule_delivery(rt, row_id)
    if performed:
        _arm(rt)
    return performed


def _arm(rt: Runtime) -> None:
    """The clocks a raised grade started, armed now (as after an event) rather than at the next reconcile."""
    from worker.clock import arm_new  # as worker.events does

    try:
        arm_new(rt)
    except Exception:  # the reconciler arms them at its next run
        log.exception("drill steps: new duties not armed now (the reconciler will)")


def _perform(rt: Runtime, org: Organisation, rules: Rules, case_id: int, index: int, now: datetime) -> list[int]:
    """One step, its entry and its rows in one transaction; the ids of the rows added."""
    with rt.database.session() as session:
        store = SessionCaseStore(session)
        grading, _ = perform_step(store, rules, case_id, index, now)
        if grading is None:
            return []
        ctx = Context(org=org, person=None, now=now, store=store, rules=rules, capabilities=rt.capabilities,
                      card_copies=OutboxCopies(session))
        messages = _messages(org, after_grade(grading, ctx), f"drill-step:{case_id}:{index}", case_id)
        return [i for i in add_rows(session, messages, now, org) if i]


def _messages(org: Organisation, replies: list, prefix: str, case_id: int) -> list[outbox.Message]:
    """The outbox rows of a grading's replies (a card changed in place, or a message to its target)."""
    out: list[outbox.Message] = []
    for i, reply in enumerate(replies):
        if reply.to is None:  # an answer to the one who acted: the script has no chat
            continue
        dedup = f"{prefix}:{i}:{reply.to.kind}:{reply.to.id}"
        if reply.to.kind == "card":
            out.append(outbox.Message(dedup, reply.to.platform, "update", {"copy_of": int(reply.to.id)},
                                      reply.card.to_dict(), reply.case_id or case_id))
            continue
        try:
            out += target_messages(org, reply.to, reply.card, dedup, reply.case_id or case_id)
        except Unreachable as exc:
            log.warning("drill step %s: %s not reachable: %s", prefix, reply.to.id, exc)
    return out
