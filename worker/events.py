"""Handle one inbound event: who is acting, the dialog engine under the key's lock, and delivery."""

from __future__ import annotations

import logging

from bot.core.card import Card, Reply
from bot.core.clock import utcnow
from bot.core.errors import HandlerError
from bot.core.event import Event
from bot.store.org_repo import read_organisation
from handlers.engine import Outcome, answer_where, dialog_chat, process
from handlers.registry import Context, dialogs, load
from worker.dialogs import DialogStore
from worker.runtime import Runtime

log = logging.getLogger(__name__)


def one_to_one_available(rt: Runtime, platform: str) -> bool:
    """Whether a dialog begun in a group can continue 1:1 on ``platform`` (design.md, Dialogs)."""
    return platform == "dingtalk" or rt.settings.has("wecom_app")


def handle(rt: Runtime, event: Event) -> list[Reply]:
    """Route ``event`` through dialogs and commands and deliver the replies; a stranger gets no reply."""
    with rt.database.session() as session:
        org = read_organisation(session)
    person = org.by_platform_id(event.platform, event.user_id)
    if person is None:
        log.warning("event from unknown person ignored platform=%s user=%s key=%s",
                    event.platform, event.user_id, event.dedup_key)
        return []
    one_to_one = one_to_one_available(rt, event.platform)
    chat = dialog_chat(event, one_to_one)
    store = DialogStore(rt.redis)
    now = utcnow()
    ctx = Context(org=org, person=person, now=now, extra={"answer_where": answer_where(event, one_to_one)})
    with store.locked(event.platform, chat, event.user_id):
        stored = store.load(event.platform, chat, event.user_id)
        try:
            outcome = process(event, ctx, stored, now, dialogs, load())
        except HandlerError as exc:
            log.info("refused platform=%s user=%s key=%s reason=%s", event.platform, event.user_id,
                     event.dedup_key, exc.key)
            outcome = Outcome([Reply(Card("notice", {"text": exc.message}))], keep=True)
        if not outcome.keep:
            store.save(event.platform, chat, event.user_id, outcome.state, now)
        deliver(rt, event, outcome.replies)
    return outcome.replies


def deliver(rt: Runtime, event: Event, replies: list[Reply]) -> None:
    """Send each reply on the event's platform (the outbox takes this over with the clock issue)."""
    messenger = rt.messengers.get(event.platform)
    if messenger is None:
        log.error("no messenger for platform=%s; %d replies dropped", event.platform, len(replies))
        return
    for reply in replies:
        if reply.update and event.card_id:
            messenger.update_card({"card_id": event.card_id, **event.reply}, reply.card, event=event)
        else:
            messenger.reply(event, reply.card)
