"""Files a job sends 1:1 to the person who asked in the chat — a case's archive (``导出 YQ-…``, issue 24,
``worker/export_jobs.py``) and the statistics (``统计``, issue 25, ``worker/stats_jobs.py``) — never into a group.

The shared steps, each used inside the job's one transaction:

* :func:`sent_already` — the job's first outbox row exists (its dedup id is made from the chat message), so a rerun
  of the job writes nothing;
* :func:`check_reachable` — the person can get a message 1:1 on that platform (raises ``Unreachable`` before
  anything is rendered or stored);
* :func:`stored_file` — the rendered ``bot.archive.Document`` stored as a blob (``bot.store.blobs``): its ``file``
  card;
* :func:`put_one_to_one` — the cards in the outbox, 1:1, in their order (the first row under the dedup id itself,
  the next ones under ``<dedup>:2``, ``<dedup>:3`` …), through the rendering rule (``worker.presenting.add_rows``).

The outbox keeps one recipient's rows in their order, so a notice put before the file arrives before it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.archive import Document
from bot.core.card import Card
from bot.core.media import media_card
from bot.core.org import Organisation
from bot.domain.cards import notice
from bot.store import blobs, outbox
from worker.addressing import person_message
from worker.presenting import add_rows

__all__ = ["check_reachable", "put_one_to_one", "sent_already", "stored_file"]


def sent_already(session: Session, dedup: str) -> bool:
    """Whether the job's first row (dedup id ``dedup``) is in the outbox already."""
    return session.scalar(select(outbox.OutboxRow.id).where(outbox.OutboxRow.dedup_id == dedup)) is not None


def check_reachable(org: Organisation, person_id: str, platform: str, dedup: str) -> None:
    """Raises ``worker.addressing.Unreachable`` unless ``person_id`` is active and on ``platform``."""
    person_message(org, person_id, notice(""), dedup, None, platform)


def stored_file(session: Session, document: Document, now: datetime, caption: str = "") -> Card:
    """Store ``document``'s bytes; the ``file`` card that names them."""
    media = blobs.put(session, "file", document.name, document.mime, document.content, now, caption=caption)
    return media_card(media)


def put_one_to_one(session: Session, org: Organisation, person_id: str, platform: str, cards: Sequence[Card],
                   dedup: str, now: datetime, case_id: int | None = None) -> list[int]:
    """``cards`` in the outbox 1:1 to ``person_id`` on ``platform``, in order; the new rows' ids."""
    messages = [person_message(org, person_id, card, dedup if n == 1 else f"{dedup}:{n}", case_id, platform)
                for n, card in enumerate(cards, start=1)]
    return add_rows(session, messages, now, org)
