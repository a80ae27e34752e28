"""Handle one inbound event: who is acting, which handler, and deliver what it replies."""

from __future__ import annotations

import logging

from bot.core.card import Card, Reply
from bot.core.clock import utcnow
from bot.core.errors import HandlerError
from bot.core.event import Event
from bot.store.org_repo import read_organisation
from handlers.registry import Context, load
from worker.runtime import Runtime

log = logging.getLogger(__name__)


def handle(rt: Runtime, event: Event) -> list[Reply]:
    """Route ``event`` to its handler and deliver the replies; a stranger gets no reply."""
    with rt.database.session() as session:
        org = read_organisation(session)
    person = org.by_platform_id(event.platform, event.user_id)
    if person is None:
        log.warning("event from unknown person ignored platform=%s user=%s key=%s",
                    event.platform, event.user_id, event.dedup_key)
        return []
    ctx = Context(org=org, person=person, now=utcnow())
    try:
        replies = load().dispatch(event, ctx)
    except HandlerError as exc:
        log.info("refused platform=%s user=%s key=%s reason=%s", event.platform, event.user_id, event.dedup_key, exc.key)
        replies = [Reply(Card("notice", {"text": exc.message}))]
    deliver(rt, event, replies)
    return replies


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
