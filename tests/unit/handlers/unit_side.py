"""A small world for the unit's-side handler tests: the sample org in a migrated SQLite database,
the domain commands through SqlCaseStore, events as a person would send them, and the engine."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.core.card import Reply
from bot.core.conversation import DialogState
from bot.core.event import Event
from bot.domain.case.commands import open_case
from bot.domain.context import load_rules
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.unit import commands as unit_commands
from bot.org.file import parse_org_file
from bot.store.case_repo import SqlCaseStore
from bot.store.org_repo import apply_organisation, read_organisation
from handlers import warning
from handlers.engine import process
from handlers.registry import Context, dialogs, load_router
from tests.integration.stack import SAMPLE_ORG
from tests.support.capabilities import BOTH

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Shanghai


class World:
    """The sample organisation with a case store; ``act`` runs an event like the worker does."""

    def __init__(self, database) -> None:
        with database.session() as session:
            apply_organisation(session, parse_org_file(SAMPLE_ORG), NOW - timedelta(days=1))
            self.org = read_organisation(session)
        self.store = SqlCaseStore(database)
        self.rules = load_rules(self.org, None, None)
        self.now = NOW
        self.dialog: dict[str, DialogState | None] = {}

    def ctx(self, person_id: str) -> Context:
        return Context(org=self.org, person=self.org.person(person_id), now=self.now, store=self.store,
                       rules=self.rules, extra={"answer_where": ""}, capabilities=BOTH)

    def open(self, grade: Grade = Grade.GENERAL, confidential: bool = False, title: str = "某超市销售过期食品"):
        return open_case(self.store, self.rules, Actor("p-li", "dingtalk"), self.now, title=title, grade=grade,
                         source="微博", link="https://weibo.com/1/abc", confidential=confidential)

    def assign(self, case_id: int, unit_id: str) -> tuple:
        outcome = unit_commands.assign_unit(self.store, self.rules, case_id, Actor("p-li", "dingtalk"), self.now, unit_id)
        return outcome, warning.after_assign(outcome, self.ctx("p-li"))

    def event(self, person_id: str, text: str = "", action: str = "", params: dict | None = None,
              chat_type: str = "single", card_id: str = "") -> Event:
        person = self.org.person(person_id)
        platform = person.platform
        return Event(platform=platform, kind="click" if action else "text", user_id=person.user_id(platform),
                     chat_id="cid1" if chat_type == "group" else person.user_id(platform), chat_type=chat_type,
                     dedup_key=f"{person_id}{text}{action}{self.now}", received_at=self.now.isoformat(), text=text,
                     action=action, params=params or {}, card_id=card_id)

    def act(self, person_id: str, text: str = "", action: str = "", params: dict | None = None, **kw) -> list[Reply]:
        """Run an event through the engine as the worker would (refusals become a notice)."""
        from bot.core.card import Card
        from bot.core.errors import HandlerError

        try:
            out = process(self.event(person_id, text, action, params, **kw), self.ctx(person_id),
                          self.dialog.get(person_id), self.now, dialogs, load_router())
        except HandlerError as exc:
            return [Reply(Card("notice", {"text": exc.message}))]
        if not out.keep:
            self.dialog[person_id] = out.state
        return out.replies


def texts(replies: list[Reply]) -> list[str]:
    return [r.card.data.get("text") or r.card.data.get("title") for r in replies]
