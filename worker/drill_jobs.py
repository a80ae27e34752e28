"""The cards of a drill the command line opened (``yuqing drill start``, issue 23): the CLI opens the case, warns its
units and records the scenario through the domain, then enqueues :func:`announce_drill`, which puts in the outbox
what the chat's 演练 sends (``handlers/drill_start.py``): the desk's card of the case to the city desk's group (its
people 1:1 when it has none), each unit's warning to its group and liaisons, and the bulletins of the leaders the
scenario names (from 敏感 up; 特别重大: the main leader's 签收 at once). Every card is marked 【演练】 by the rendering
rule (``bot.core.presentation``).

Once: a drill whose cards are in the outbox already (any copy of the case) is not announced again, and every row
carries a dedup id of its own (``drill:<case>:…``).
"""

from __future__ import annotations

import logging

from bot.core.card import Reply, Target
from bot.core.clock import utcnow
from bot.store import outbox
from bot.store.case_repo import SessionCaseStore
from bot.store.org_repo import read_organisation
from handlers.case_lookup import current_intake_card
from handlers.drill_start import drill_replies, outcomes_of
from handlers.registry import Context
from worker.addressing import Unreachable, person_message, target_messages
from worker.delivery import schedule
from worker.outbox_copies import OutboxCopies
from worker.presenting import add_rows
from worker.runtime import Runtime

__all__ = ["announce_drill"]

log = logging.getLogger(__name__)
STATUS = "演练案件（由命令行开始）"
ANNOUNCED = ("intake_card", "case_card", "bulletin")  # a copy of any of these: the drill was announced


def announce_drill(rt: Runtime, case_id: int) -> list[int]:
    """Put the drill's cards in the outbox and schedule their delivery; the new rows' ids ([] when the case is
    not a drill, is unknown, or was announced already)."""
    with rt.database.session() as session:
        org = read_organisation(session)
        now = utcnow()
        ctx = Context(org, None, now, store=SessionCaseStore(session), rules=rt.rules(org),
                      capabilities=getattr(rt, "capabilities", {}) or {}, card_copies=OutboxCopies(session))
        found = outcomes_of(ctx, case_id)
        if found is None or not found[0].case.drill:
            log.warning("drill announce: case %s is not a drill opened here", case_id)
            return []
        if any(ctx.card_copies.of_case(case_id, kind=kind) for kind in ANNOUNCED):
            log.info("drill announce: case %s announced already", case_id)
            return []
        opened, assigned = found
        desk = Reply(current_intake_card(ctx, case_id, STATUS), to=Target("group", opened.case.owner_unit),
                     case_id=case_id)
        messages = []
        for index, reply in enumerate([desk, *drill_replies(ctx, opened, assigned)]):
            messages += _messages(org, reply, f"drill:{case_id}:{index}")
        ids = add_rows(session, messages, now, org)
    for row_id in filter(None, ids):
        schedule(rt, row_id)
    return [i for i in ids if i]


def _messages(org, reply: Reply, dedup: str) -> list[outbox.Message]:
    """The outbox rows of one reply; the desk's card falls back to the desk's people 1:1 when the desk has no
    group; anything unreachable is logged and left out."""
    to = reply.to
    if to is None:
        return []
    if to.kind == "card":  # a copy brought up to date in place (none on a fresh drill; kept for a rerun's sake)
        return [outbox.Message(dedup, to.platform, "update", {"copy_of": int(to.id)}, reply.card.to_dict(),
                               reply.case_id)]
    try:
        return target_messages(org, to, reply.card, dedup, reply.case_id)
    except Unreachable as exc:
        if to.kind != "group" or reply.card.kind != "intake_card":
            log.warning("drill case %s: not deliverable to %s: %s", reply.case_id, to, exc)
            return []
    unit = org.units.get(to.id)
    out = []
    for pid in unit.people if unit is not None else ():
        try:
            out.append(person_message(org, pid, reply.card, f"{dedup}:{pid}", reply.case_id))
        except Unreachable as exc:
            log.warning("drill case %s: desk person not reachable: %s", reply.case_id, exc)
    return out
