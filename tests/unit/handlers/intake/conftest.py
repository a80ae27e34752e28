"""Intake handlers as pure functions over a real (SQLite) store: the sample org loaded, an event and a
context in, replies out — through the dialog engine, with the dialog state passed in and returned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.core.card import Card, Reply
from bot.core.conversation import DialogState
from bot.core.errors import HandlerError
from bot.core.event import Event
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.org.file import parse_org_file
from bot.store.case_repo import SessionCaseStore
from bot.store.org_repo import apply_organisation, read_organisation
from handlers.engine import process
from handlers.registry import Context, dialogs, load_router
from tests.support.capabilities import BOTH

ROOT = Path(__file__).resolve().parents[4]
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai


@dataclass
class Desk:
    """Acts as people of the sample org against one database; keeps each person's dialog state."""

    database: object
    now: datetime = NOW
    states: dict = field(default_factory=dict)
    jobs: list = field(default_factory=list)

    def send(self, person_id: str, text: str = "", *, kind: str = "text", platform: str = "dingtalk",
             chat_type: str = "single", url: str = "", title: str = "", action: str = "",
             params: dict | None = None) -> list[Reply]:
        with self.database.session() as session:
            org = read_organisation(session)
            person = org.person(person_id)
            event = Event(platform=platform, kind=kind, user_id=person.user_id(platform) or person_id,
                          chat_id="chat", chat_type=chat_type, dedup_key=f"k{len(self.jobs)}{text}{action}",
                          received_at=self.now.isoformat(), text=text, url=url, title=title, action=action,
                          params=params or {})
            ctx = Context(org=org, person=person, now=self.now, store=SessionCaseStore(session),
                          rules=Rules(org, default_policy(), WorkCalendar()),
                          extra={"answer_where": "", "jobs": []}, capabilities=BOTH)
            try:
                outcome = process(event, ctx, self.states.get(person_id), self.now, dialogs, load_router())
            except HandlerError as exc:
                return [Reply(Card("notice", {"text": exc.message}))]
            if not outcome.keep:
                self.states[person_id] = outcome.state
            self.jobs += ctx.extra["jobs"]
            return outcome.replies


def text_of(reply: Reply) -> str:
    """What a person reads of a reply: a notice's text or a card's title, facts, body and status."""
    data = reply.card.data
    parts = [data.get("text", ""), data.get("title", ""), data.get("body", ""), data.get("status", "")]
    parts += [f"{f['label']}：{f['value']}" for f in data.get("facts", [])]
    return "\n".join(p for p in parts if p)


@pytest.fixture
def desk(database) -> Desk:
    """The sample org in a fresh database (SQLite and PostgreSQL)."""
    with database.session() as session:
        apply_organisation(session, parse_org_file(ROOT / "examples" / "org.yaml"), NOW)
    return Desk(database)


def state_of(desk: Desk, person_id: str) -> DialogState | None:
    return desk.states.get(person_id)
