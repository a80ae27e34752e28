"""Handle one inbound event: who is acting, the dialog engine under the key's lock, and the replies
written to the outbox in the transaction that records the event as handled (the second dedup guard)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from bot.core.card import Card, Reply
from bot.core.clock import utcnow
from bot.core.errors import HandlerError
from bot.core.event import Event
from bot.core.org import Organisation
from bot.store import inbound, outbox
from bot.store.org_repo import read_organisation
from handlers.engine import Outcome, answer_where, dialog_chat, process
from handlers.registry import Context, dialogs, load
from worker.addressing import Unreachable, target_messages
from worker.delivery import schedule
from worker.dialogs import DialogStore
from worker.runtime import Runtime

log = logging.getLogger(__name__)


def one_to_one_available(rt: Runtime, platform: str) -> bool:
    """Whether a dialog begun in a group can continue 1:1 on ``platform`` (design.md, Dialogs)."""
    return platform == "dingtalk" or rt.settings.has("wecom_app")


def reply_messages(org: Organisation, event: Event, reply: Reply, index: int,
                   wechat_plugin: bool = False) -> list[outbox.Message]:
    """The outbox rows of a handler's reply: to a Target of the org, or in place (answer or card update)."""
    dedup = f"ev:{event.platform}:{inbound.event_key(event.dedup_key)[:40]}:{index}"
    if reply.to is not None:
        try:
            return target_messages(org, reply.to, reply.card, dedup)
        except Unreachable as exc:
            log.error("reply not deliverable key=%s target=%s: %s", event.dedup_key, reply.to, exc)
            return []
    return [reply_message(event, reply, dedup, wechat_plugin)]


def reply_message(event: Event, reply: Reply, dedup: str, wechat_plugin: bool = False) -> outbox.Message:
    """The outbox row of an answer to ``event`` where it came from (or an update of the clicked card)."""
    plain = {k: v for k, v in event.to_dict().items() if k != "raw"}
    address: dict = {"event": plain, "wechat_plugin": wechat_plugin}
    if reply.update and event.card_id:
        address["card_ref"] = {"card_id": event.card_id, **event.reply}
        return outbox.Message(dedup, event.platform, "update", address, reply.card.to_dict())
    return outbox.Message(dedup, event.platform, "reply", address, reply.card.to_dict())


def _run_engine(event: Event, ctx: Context, store: DialogStore, chat: str) -> Outcome:
    stored = store.load(event.platform, chat, event.user_id)
    try:
        return process(event, ctx, stored, ctx.now, dialogs, load())
    except HandlerError as exc:
        log.info("refused platform=%s user=%s key=%s reason=%s", event.platform, event.user_id, event.dedup_key, exc.key)
        return Outcome([Reply(Card("notice", {"text": exc.message}))], keep=True)


def handle(rt: Runtime, event: Event) -> list[Reply]:
    """Route ``event`` through dialogs and commands and queue the replies; a stranger gets no reply,
    an event already handled (a retry that outlived the Redis guard) changes nothing."""
    with rt.database.session() as session:
        org = read_organisation(session)
        if inbound.handled(session, event.platform, event.dedup_key):
            log.info("event already handled platform=%s key=%s", event.platform, event.dedup_key)
            return []
    person = org.by_platform_id(event.platform, event.user_id)
    if person is None:
        log.warning("event from unknown person ignored platform=%s user=%s key=%s",
                    event.platform, event.user_id, event.dedup_key)
        return []
    one_to_one = one_to_one_available(rt, event.platform)
    chat = dialog_chat(event, one_to_one)
    store = DialogStore(rt.redis)
    ctx = Context(org=org, person=person, now=utcnow(), extra={"answer_where": answer_where(event, one_to_one)})
    with store.locked(event.platform, chat, event.user_id):
        outcome = _run_engine(event, ctx, store, chat)
        try:
            with rt.database.session() as session:
                inbound.mark_handled(session, event.platform, event.dedup_key, ctx.now)
                messages = [m for i, r in enumerate(outcome.replies)
                            for m in reply_messages(org, event, r, i, person.wechat_plugin)]
                ids = [outbox.add(session, m, ctx.now) for m in messages]
        except IntegrityError:
            log.info("event handled concurrently platform=%s key=%s", event.platform, event.dedup_key)
            return []
        if not outcome.keep:
            store.save(event.platform, chat, event.user_id, outcome.state, ctx.now)
    for row_id in filter(None, ids):
        schedule(rt, row_id)
    return outcome.replies
