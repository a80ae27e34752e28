"""The unit cards learn that the main leader was told (issue 19, item 8): when the outbox row of a 特别重大
bulletin carrying the main leader's 签收 is marked sent, every live unit's card of the case is brought to
「已通知主要领导」 (in place where the platform can, else a one-line follow-up), in the transaction that added
nothing before: the line never shows while the bulletin only waits in the outbox."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.core.clock import utcnow
from bot.store import outbox
from bot.store.case_repo import SessionCaseStore
from bot.store.org_repo import read_organisation
from handlers.leaders import units_told
from handlers.registry import Context
from worker.addressing import Unreachable, target_messages
from worker.outbox_copies import OutboxCopies
from worker.presenting import add_rows
from worker.runtime import Runtime

__all__ = ["main_leader_bulletins", "tell_unit_cards"]
log = logging.getLogger(__name__)


def main_leader_bulletins(rows: list[outbox.OutboxRow]) -> set[int]:
    """The cases of ``rows`` that are a bulletin carrying the main leader's 签收 (``leader.ack``)."""
    return {r.case_id for r in rows if r.case_id and r.method == "person" and (r.card or {}).get("kind") == "bulletin"
            and any(b.get("action") == "leader.ack" for b in (r.card or {}).get("buttons") or ())}


def tell_unit_cards(rt: Runtime, case_ids: set[int]) -> list[int]:
    """Bring the unit cards of ``case_ids`` to 已通知主要领导; returns the rows added (for the caller to schedule).
    A failure is logged and costs the line only (the cards stay as they were; the next change of the case
    draws it): the bulletin itself is sent already."""
    added: list[int] = []
    for case_id in sorted(case_ids):
        try:
            added += _tell(rt, case_id)
        except (SQLAlchemyError, Unreachable) as exc:
            log.error("unit cards not told of the main leader's bulletin case=%s: %s", case_id, type(exc).__name__)
    return added


def _tell(rt: Runtime, case_id: int) -> list[int]:
    now = utcnow()
    with rt.database.session() as session:
        org = read_organisation(session)
        ctx = Context(org=org, person=None, now=now, store=SessionCaseStore(session), rules=rt.rules(org),
                      capabilities=rt.capabilities, card_copies=OutboxCopies(session))
        messages = []
        for i, reply in enumerate(units_told(ctx, case_id)):
            dedup = f"leader-told:{case_id}:{i}"
            if reply.to is not None and reply.to.kind == "card":
                messages.append(outbox.Message(dedup, reply.to.platform, "update", {"copy_of": int(reply.to.id)},
                                               reply.card.to_dict(), case_id))
            elif reply.to is not None:
                messages += target_messages(org, reply.to, reply.card, dedup, case_id)
        return [i for i in add_rows(session, messages, now, org) if i]
