"""The unit-side world with the outbox's memory of the cards sent (``ctx.card_copies``), for the response
dialogs: a card a reply sends 1:1 becomes a copy that later replies may update in place."""

from __future__ import annotations

from dataclasses import replace

from bot.core.card import Reply
from bot.core.card_copies import CardCopy
from bot.core.event import Event
from handlers.engine import process
from handlers.registry import dialogs, load_router
from tests.unit.handlers.unit_side import World


class Copies:
    """What the worker's outbox answers: every card sent to a person, filed under its case."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rows: list[tuple[int, CardCopy]] = []

    def keep(self, replies: list[Reply]) -> None:
        for r in replies:
            if r.to is None or r.to.kind != "person" or r.case_id is None:
                continue
            person = self.world.org.person(r.to.id)
            platform = r.to.platform or person.platform
            row = CardCopy(len(self.rows) + 1, platform, "person", {"user_id": person.user_id(platform)},
                           r.card.to_dict(), {"card_id": f"c{len(self.rows) + 1}"}, True)
            self.rows.append((r.case_id, row))

    def of_case(self, case_id: int, kind: str = "case_card", assignment_id: int | None = None) -> list[CardCopy]:
        return [row for cid, row in self.rows if cid == case_id and row.card.get("kind") == kind]


class ResponseWorld(World):
    """:class:`World` whose handlers see the cards sent before (``copies``)."""

    def __init__(self, database) -> None:
        super().__init__(database)
        self.copies = Copies(self)

    def ctx(self, person_id: str):
        return replace(super().ctx(person_id), card_copies=self.copies)

    def act(self, person_id: str, text: str = "", action: str = "", params: dict | None = None, **kw) -> list[Reply]:
        replies = super().act(person_id, text, action, params, **kw)
        self.copies.keep(replies)
        return replies

    def send(self, person_id: str, event: Event) -> list[Reply]:
        """Run an event built by the test (a picture, a file) through the engine."""
        out = process(event, self.ctx(person_id), self.dialog.get(person_id), self.now, dialogs, load_router())
        if not out.keep:
            self.dialog[person_id] = out.state
        return out.replies

    def timeline(self, case_id: int) -> list:
        return self.store.run(lambda repo: repo.timeline(case_id))


def to(replies: list[Reply], kind: str) -> list[tuple[str, str, str]]:
    """Whom the ``kind`` cards among ``replies`` went to: (target kind, id, platform)."""
    return [(r.to.kind, r.to.id, r.to.platform) for r in replies if r.card.kind == kind and r.to is not None]


def said(replies: list[Reply]) -> list[str]:
    """What the person acting reads: the replies answering him (no target), as text."""
    return [r.card.data.get("text") or r.card.data.get("title") for r in replies if r.to is None]
