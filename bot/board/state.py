"""What every board page shares: the settings, database and clock the blueprint was built with, the organisation
(read again at most every few seconds), the operators' tokens, the signed-in person, and the page renderer that
puts the person, the CSRF token and the navigation on every page."""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass, field

from flask import g, make_response, render_template, request

from bot.board.session import csrf_token, keep_csrf_cookie
from bot.core.clock import SystemClock
from bot.core.org import Organisation, Person
from bot.store.org_repo import read_organisation

__all__ = ["Board", "safe_next"]

log = logging.getLogger(__name__)
ORG_TTL = 5.0


def safe_next(raw: str | None) -> str:
    """``next`` when it is a path on the board, else ``/board`` (never another site: no open redirect)."""
    raw = raw or ""
    if raw.startswith("/board") and not any(c in raw for c in ("\\", "\n", "\r")) and not raw.startswith("//"):
        return raw
    return "/board"


@dataclass
class Board:
    """The board's shared state, one per blueprint."""

    settings: object
    database: object
    clock: object = field(default_factory=SystemClock)
    _org: tuple[float, Organisation] | None = None

    def __post_init__(self) -> None:
        self.secret = self.settings.get("BOARD_SECRET_KEY")
        if not self.secret:
            raise ValueError("the board needs BOARD_SECRET_KEY")
        self.tokens: dict[str, str] = dict(self.settings.board_tokens)  # BOARD_TOKENS, parsed by bot.config

    def now(self):
        return self.clock.now()

    def organisation(self) -> Organisation:
        """The organisation as stored, read again at most every ORG_TTL seconds."""
        if self._org is None or time.monotonic() - self._org[0] >= ORG_TTL:
            with self.database.session() as session:
                self._org = (time.monotonic(), read_organisation(session))
        return self._org[1]

    def token_person(self, given: str) -> str | None:
        """The person id of an operator's token, compared in constant time against every token."""
        found = None
        for token, person in self.tokens.items():
            if hmac.compare_digest(token.encode(), given.encode()):
                found = person
        return found

    @staticmethod
    def person() -> Person | None:
        """The signed-in person of this request (set by the blueprint's guard)."""
        return g.get("board_person")

    def render(self, template: str, status: int = 200, **context):
        """A board page: the template with the person, the CSRF token and the navigation; never cached."""
        from bot.board.access import person_units
        from bot.board.stats import may_see_stats

        person, org = self.person(), self.organisation()
        context.setdefault("title", "舆情工作台")
        context.update(person=person, csrf=csrf_token(request, self.secret),
                       my_units=person_units(org, person.id) if person else [],
                       may_stats=bool(person) and may_see_stats(org, person.id))
        response = make_response(render_template(template, **context), status)
        return self.finish(response)

    def finish(self, response):
        """Headers every board answer carries, and the pre-sign-in CSRF cookie when a form needed one."""
        keep_csrf_cookie(request, response, request.is_secure)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response
