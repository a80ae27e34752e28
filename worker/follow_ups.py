"""Follow-ups of a card too big for its platform: what a messenger's ``fit`` says must follow a card (its
full text where the card shows it cut, the buttons that did not fit — ``bot/platforms/fitting.py``) becomes
outbox rows to the same chat, added through ``worker.presenting.add_rows`` in the transaction that records
the card as sent, so they go out after it (``worker/pacing.py`` keeps each recipient's order).

Where a follow-up goes: a ``person`` or ``group`` card's own chat; an answer (``reply``) where the event came
from; an update of an earlier copy (``copy_of``) that copy's chat; an update of a clicked card that card's
chat (its send found by the card id), else an answer to the click. Its dedup id is a hash of the card (its
platform ``card_id``, else the row's dedup id), the recipient when one card instance went to several chats,
and the follow-up itself — so a retry, or an update that shows the same text, never sends it twice.
Follow-up rows carry no ``case_id``: their card was already shown to its audience (``add_rows`` on the
card's own row), and they are no copies of a case card to keep in step."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.card import Card
from bot.core.errors import ConfigError
from bot.platforms.base import SentMessage
from bot.platforms.fitting import Fitted
from bot.store import outbox
from worker import pacing
from worker.presenting import add_rows

__all__ = ["fitted", "add"]

log = logging.getLogger(__name__)
PREFIX = "fit:"  # the dedup ids of follow-ups


def fitted(messenger: Any, row: outbox.OutboxRow) -> Fitted:
    """What ``messenger`` says of ``row``'s card (``fit``, where the platform has one): the card to send and
    what must follow it; the card alone for a messenger without ``fit``, a follow-up itself (its pieces are
    made to fit), a text-only reader (WeCom's WeChat plugin: plain text, split, never cut) or a card it
    cannot render."""
    card = Card.from_dict(row.card)
    fit = getattr(messenger, "fit", None)
    if fit is None or row.dedup_id.startswith(PREFIX):  # a follow-up is never followed: no chain of them
        return Fitted(card)
    if (row.address or {}).get("wechat_plugin") and messenger.capabilities.text_only_readers:
        return Fitted(card)  # a text-only reader gets the whole text, split: nothing is cut
    try:
        return fit(card, method=row.method)
    except ConfigError as exc:  # the send renders it again and records the failure
        log.warning("outbox=%s: cannot fit its card (%s)", row.id, exc)
        return Fitted(card)


def _destination(session: Session, row: outbox.OutboxRow) -> tuple[str, dict] | None:
    """The method and address of the chat ``row``'s card is in (None when it cannot be told)."""
    address = row.address or {}
    if row.method in ("person", "group", "reply"):
        return row.method, dict(address)
    copy_of = address.get("copy_of")
    if copy_of is not None:
        original = session.get(outbox.OutboxRow, int(copy_of))
        return _destination(session, original) if original is not None else None
    clicked = _clicked(session, address)
    if clicked is not None:
        return clicked.method, dict(clicked.address or {})
    if address.get("event"):
        return "reply", {"event": address["event"]}
    return None


def _clicked(session: Session, address: dict) -> outbox.OutboxRow | None:
    """The send of the clicked card an update (``card_ref`` + ``event``) changes, where the platform's message
    id is its card id (DingTalk's ``outTrackId``): the group's copy for a click in a group, else the
    clicker's own; None when not found (the follow-up then answers the click)."""
    card_id = (address.get("card_ref") or {}).get("card_id")
    event = address.get("event") or {}
    if not card_id:
        return None
    sends = session.scalars(select(outbox.OutboxRow).where(
        outbox.OutboxRow.message_id == str(card_id), outbox.OutboxRow.method.in_(("person", "group")))).all()
    in_group = event.get("chat_type") == "group"
    for row in sends:
        if (row.method == "group") == in_group and (in_group or row.address.get("user_id") == event.get("user_id")):
            return row
    return None


def _dedup_id(key: str, card: Card) -> str:
    digest = hashlib.sha256(f"{key}\n{json.dumps(card.to_dict(), sort_keys=True, ensure_ascii=False)}".encode())
    return f"{PREFIX}{digest.hexdigest()[:60]}"


def add(session: Session, rows: list[outbox.OutboxRow], sent: SentMessage, rest: tuple[Card, ...],
        now: datetime) -> list[int]:
    """Add the follow-ups ``rest`` of each of ``rows`` (just sent as ``sent``) in the caller's transaction;
    the ids of the rows added (none for follow-ups already there), in order."""
    if not rest:
        return []
    messages = []
    for row in rows:
        stored = session.get(outbox.OutboxRow, row.id) or row  # the stored address (with ``copy_of``)
        where = _destination(session, stored)
        if where is None:
            log.warning("outbox=%s: no chat to send its card's follow-ups to", row.id)
            continue
        method, address = where
        key = str((sent.card_ref or {}).get("card_id") or stored.dedup_id)
        if len(rows) > 1:  # one card instance in several chats: a follow-up in each
            key += "|" + pacing.recipient(stored)
        for n, card in enumerate(rest):
            messages.append(outbox.Message(_dedup_id(f"{key}|{n}", card), row.platform, method, address,
                                           card.to_dict()))
    return [i for i in add_rows(session, messages, now) if i is not None]
