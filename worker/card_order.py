"""The newest drawing of a card wins: an update of a card is not sent once a later update of the same card is
being sent or was sent (issue 20: two leaders pressing 同意 at the same moment — the first one's handler drew
the other's copy as still awaited, and that update could reach the platform after the other's own settled card,
leaving a live card on an approved version).

Update rows name their card two ways: an update of an earlier copy (``{"copy_of": <outbox id>}``, the copy's
``card_ref`` once it was sent) and the in-place update after a click (``{"card_ref": {"card_id": <the click's
card>, …}}``). Both come down to the platform's card id (DingTalk's outTrackId, WeCom's task_id); rows are
compared by it. Rows are written in the order their handlers committed, so a higher id is a newer drawing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import outbox

LOOK_AHEAD = 200  # later update rows of the platform looked at: a newer drawing of the same card is close by


def card_key(session: Session, platform: str, method: str, address: dict | None) -> str | None:
    """The card an update row changes (None for other rows, or a copy not sent yet)."""
    if method != "update":
        return None
    address = address or {}
    if address.get("copy_of") is not None:
        original = session.get(outbox.OutboxRow, int(address["copy_of"]))
        ref = (original.card_ref or {}) if original is not None else {}
    else:
        ref = address.get("card_ref") or {}
    card_id = ref.get("card_id")
    return f"{platform}:{card_id}" if card_id else None


def newer_drawing(session: Session, row: outbox.OutboxRow) -> int | None:
    """The id of a later update of ``row``'s card that is being sent or was sent, if any."""
    key = card_key(session, row.platform, row.method, row.address)
    if key is None:
        return None
    later = session.execute(
        select(outbox.OutboxRow.id, outbox.OutboxRow.address)
        .where(outbox.OutboxRow.id > row.id, outbox.OutboxRow.platform == row.platform,
               outbox.OutboxRow.method == "update", outbox.OutboxRow.state.in_((outbox.SENDING, outbox.SENT)))
        .order_by(outbox.OutboxRow.id).limit(LOOK_AHEAD))
    return next((i for i, address in later if card_key(session, row.platform, "update", address) == key), None)
