"""Handle one inbound event in one database transaction: who is acting, the dialog engine under the
key's lock, the handler's domain commands, the replies as outbox rows, and the event marked handled
(the second dedup guard) — all committed together, or retried together when a command lost a race.
A reply's card is shown to its audience by the one rendering rule as it becomes a row
(``worker.presenting.add_rows``: the 【演练】 mark, what a group may see)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial

from sqlalchemy.exc import IntegrityError

from bot.core.board_links import export_link
from bot.core.card import Card, Reply
from bot.core.clock import utcnow
from bot.core.errors import HandlerError
from bot.core.event import Event
from bot.core.org import Organisation
from bot.store import accepted, inbound, outbox
from bot.store.case_repo import LostRace, SessionCaseStore
from bot.store.org_repo import read_organisation
from handlers.engine import EngineDecision, answer_where, dialog_chat, process
from handlers.registry import Context, dialogs, load_router
from worker import county_progress
from worker.addressing import Unreachable, target_messages
from worker.delivery import deliver_rows
from worker.dialogs import DialogStore
from worker.intake_jobs import enqueue_follow_ups
from worker.outbox_copies import OutboxCopies
from worker.presenting import add_rows
from worker.runtime import Runtime

log = logging.getLogger(__name__)
ATTEMPTS = 5
INLINE_ROWS = 5  # an event's first rows are sent by its own job even when other events wait


def one_to_one_available(rt: Runtime, platform: str) -> bool:
    """Whether a dialog begun in a group can continue 1:1 on ``platform`` (design.md, Dialogs): a
    capability its messenger declares (WeCom: only with the self-built app)."""
    return rt.capabilities_of(platform).dialogs_one_to_one


def export_link_of(rt: Runtime, now: datetime) -> Callable[[str], str] | None:
    """The handlers' maker of a case's board download link (``extra["export_link"]``: number → link, valid 24 h
    from ``now``), or None when the board is off (no ``BOARD_SECRET_KEY``)."""
    secret = rt.settings.get("BOARD_SECRET_KEY")
    if not secret:
        return None
    return partial(export_link, rt.settings.get("PUBLIC_BASE_URL"), secret, now=now)


def reply_messages(org: Organisation, event: Event, reply: Reply, index: int,
                   wechat_plugin: bool = False) -> list[outbox.Message]:
    """The outbox rows of a handler's reply: to a Target of the org, or in place (answer or card update)."""
    dedup = f"ev:{event.platform}:{inbound.event_key(event.dedup_key)[:40]}:{index}"
    if reply.to is not None and reply.to.kind == "card":
        return [outbox.Message(dedup, reply.to.platform, "update", {"copy_of": int(reply.to.id)},
                               reply.card.to_dict(), reply.case_id)]
    if reply.to is not None:
        try:
            return target_messages(org, reply.to, reply.card, dedup, reply.case_id)
        except Unreachable as exc:
            log.error("reply not deliverable key=%s target=%s: %s", event.dedup_key, reply.to, exc)
            return []
    message = reply_message(event, reply, dedup, wechat_plugin)
    return [replace(message, case_id=reply.case_id)] if reply.case_id else [message]


def reply_message(event: Event, reply: Reply, dedup: str, wechat_plugin: bool = False) -> outbox.Message:
    """The outbox row of an answer to ``event`` where it came from (or an update of the clicked card)."""
    plain = {k: v for k, v in event.to_dict().items() if k != "raw"}
    address: dict = {"event": plain, "wechat_plugin": wechat_plugin}
    if reply.update and event.card_id:
        address["card_ref"] = {"card_id": event.card_id, **event.reply}
        return outbox.Message(dedup, event.platform, "update", address, reply.card.to_dict())
    return outbox.Message(dedup, event.platform, "reply", address, reply.card.to_dict())


def _run_engine(event: Event, ctx: Context, stored) -> EngineDecision:
    try:
        return process(event, ctx, stored, ctx.now, dialogs, load_router())
    except HandlerError as exc:
        log.info("refused platform=%s user=%s key=%s reason=%s", event.platform, event.user_id, event.dedup_key, exc.key)
        return EngineDecision([Reply(Card("notice", {"text": exc.message}))], keep=True)


def _attempt(rt: Runtime, event: Event, chat: str, one_to_one: bool, store: DialogStore,
             touched: set[int] | None = None) -> tuple[EngineDecision, list[int], list] | None:
    """One try of the event's transaction; None when it was already handled (or a stranger's). ``touched``
    collects the cases it wrote timeline entries for (``county_progress.watch``)."""
    with rt.database.session() as session:
        county_progress.watch(session, touched if touched is not None else set())
        accepted.forget(session, event.platform, event.dedup_key)  # handled or ignored: kept no longer
        if inbound.handled(session, event.platform, event.dedup_key):
            log.info("event already handled platform=%s key=%s", event.platform, event.dedup_key)
            return None
        org = read_organisation(session)
        person = org.by_platform_id(event.platform, event.user_id)
        if person is None:
            log.warning("event from unknown person platform=%s user=%s key=%s",
                        event.platform, event.user_id, event.dedup_key)
            return _stranger(session, org, event)
        now = utcnow()
        ctx = Context(org=org, person=person, now=now, store=SessionCaseStore(session), rules=rt.rules(org),
                      capabilities=rt.capabilities, card_copies=OutboxCopies(session),
                      extra={"answer_where": answer_where(event, one_to_one), "event_chat": chat, "jobs": [],
                             "export_link": export_link_of(rt, now)})
        outcome = _run_engine(event, ctx, store.load(event.platform, chat, event.user_id))
        inbound.mark_handled(session, event.platform, event.dedup_key, ctx.now)
        messages = [m for i, r in enumerate(outcome.replies) for m in reply_messages(org, event, r, i, person.wechat_plugin)]
        ids = add_rows(session, messages, ctx.now, org)  # each card of a case through the rendering rule
    if not outcome.keep:
        store.save(event.platform, chat, event.user_id, outcome.state, ctx.now)
    return outcome, [i for i in ids if i], ctx.extra["jobs"]


NOT_REGISTERED = "您尚未登记，请联系管理员。"


def _stranger(session, org: Organisation, event: Event) -> tuple[EngineDecision, list[int], list] | None:
    """A person not in the org file: one answer to what was addressed to the bot (1:1, an @-mention, a click),
    nothing for other group chatter (review ux-2026-12-07, finding 21)."""
    if event.chat_type == "group" and event.kind not in ("mention", "click"):
        return None
    now = utcnow()
    decision = EngineDecision([Reply(Card("notice", {"text": NOT_REGISTERED}))], keep=True)
    inbound.mark_handled(session, event.platform, event.dedup_key, now)
    ids = add_rows(session, reply_messages(org, event, decision.replies[0], 0), now)
    return decision, [i for i in ids if i], []


def handle(rt: Runtime, event: Event) -> list[Reply]:
    """Route ``event`` through dialogs and commands and queue the replies; a stranger is told to register,
    an event already handled (a retry that outlived the Redis guard) changes nothing."""
    one_to_one = one_to_one_available(rt, event.platform)
    chat = dialog_chat(event, one_to_one)
    store = DialogStore(rt.redis)
    touched: set[int] = set()  # the cases the event wrote to (a lost race's too: sweeping them finds nothing)
    with store.locked(event.platform, chat, event.user_id):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                done = _attempt(rt, event, chat, one_to_one, store, touched)
                break
            except LostRace:
                log.info("event lost a race, again (attempt %s) key=%s", attempt, event.dedup_key)
            except IntegrityError:
                log.info("event handled concurrently platform=%s key=%s", event.platform, event.dedup_key)
                return []
        else:
            raise RuntimeError(f"event {event.dedup_key} lost {ATTEMPTS} races in a row")
    if done is None:
        return []
    outcome, ids, jobs = done
    deliver_now(rt, ids)
    enqueue_follow_ups(rt, jobs)
    arm_clock(rt)
    county_progress.after_event(rt, touched)  # a followed county case's step: its city desk's copy at once
    return outcome.replies


def deliver_now(rt: Runtime, ids: list[int]) -> None:
    """Send the event's rows in this work horse right after its commit: no job and no fork per row
    (bench/flow.py, bench/fanout.py). ``delivery.deliver_rows`` is the delivery jobs' own code: the
    outbox lease keeps a racing job (the sweep's, a wake-up) from sending a row twice, per-recipient
    order and pacing hold a row back with its own job or wake-up, a failed send is retried by a job.
    The first ``INLINE_ROWS`` always go; the rest of a fan-out goes on here until the job's time budget
    is spent or an event waits, then to jobs of many rows (without the rows a batch already carried).
    The rows are committed, so a crash here loses nothing: the sweep sends them, as it does a lost
    delivery job's."""
    deliver_rows(rt, ids, at_least=INLINE_ROWS)


def arm_clock(rt: Runtime) -> None:
    """Schedule the firings of duties the event started and drop those of duties it ended; a failure
    here is left to the reconciler (the duties are in the database already)."""
    from redis import RedisError
    from sqlalchemy.exc import SQLAlchemyError

    from worker.clock import arm_new

    try:
        arm_new(rt)
    except (RedisError, SQLAlchemyError) as exc:
        log.warning("clock not armed after the event (the reconciler will): %s", exc)
