"""The one synchronous write of the web layer: a monitoring system's item becomes a case in one
transaction (``open_case``, which records how it came in), idempotent per (desk unit, ``external_id``).

Two requests with the same external id racing each other: the loser hits the unique key, its whole
transaction is run again, and it answers with the winner's number.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError

from bot.core.errors import HandlerError
from bot.domain.case.commands import open_case
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.intake.links import source_of
from bot.domain.records import Actor, Intake
from bot.store.case_repo import LostRace, SqlCaseRepository, lost_race
from bot.store.db import Database

log = logging.getLogger(__name__)
ATTEMPTS = 10


class NoDeskActor(HandlerError):
    """The token's unit cannot open cases (not a desk, inactive, or nobody in it)."""


class WholeTransactionStore:
    """CaseStore for the API: the command's work runs directly in the caller's transaction, without a
    savepoint (on SQLite a released savepoint outside an explicit BEGIN commits at once, so a later
    failure would leave the case behind); a lost race fails the whole transaction, which is retried."""

    def __init__(self, session) -> None:
        self.session = session

    def run(self, work):
        """Run ``work`` on this transaction's repository; raises what ``work`` raises."""
        return work(SqlCaseRepository(self.session))


@dataclass(frozen=True)
class ApiIntake:
    """What the API answered: the case number, whether it was opened now, and its id and link."""

    number: str
    created: bool
    case_id: int
    link: str | None


def desk_actor(rules: Rules, unit_id: str) -> Actor:
    """The person an API intake is recorded under: the desk unit's head (else its first person), platform api.

    Raises NoDeskActor when the unit is not a desk (city or county) or has nobody active.
    """
    unit = rules.org.units.get(unit_id)
    if unit is None or not unit.active or not (unit.desk or unit.kind == "county"):
        raise NoDeskActor("api.not_desk", f"API token maps to {unit_id!r}, which is not an active desk unit")
    for person_id in unit.people:
        person = rules.org.person(person_id)
        if person is not None and person.active:
            return Actor(person_id, "api")
    raise NoDeskActor("api.no_person", f"desk unit {unit_id!r} has no active person")


def open_api_case(database: Database, rules: Rules, unit_id: str, item: dict[str, Any], now: datetime) -> ApiIntake:
    """Open the case for ``item`` (validated) or return the one opened before under its external id; never a
    drill (issue 23).

    Raises NoDeskActor, or a DomainError (e.g. a transfer deadline in the past) for a refused item.
    """
    actor = desk_actor(rules, unit_id)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with database.session() as session:
                return _once(session, rules, actor, unit_id, item, now)
        except (LostRace, IntegrityError, OperationalError) as exc:
            if attempt == ATTEMPTS or isinstance(exc, OperationalError) and not lost_race(exc):
                raise
            log.info("API intake lost a race (attempt %s): %s", attempt, type(exc).__name__)
    raise AssertionError("unreachable")  # pragma: no cover


def _once(session, rules: Rules, actor: Actor, unit_id: str, item: dict[str, Any], now: datetime) -> ApiIntake:
    store = WholeTransactionStore(session)
    seen = store.run(lambda repo: repo.case_by_external_id(unit_id, item["external_id"]))
    if seen is not None:
        return ApiIntake(seen.number, False, seen.id, seen.link)
    link = item.get("link")
    intake = Intake("api", transfer_source=item.get("transfer_source"), api_unit=unit_id,
                    external_id=item["external_id"], summary=item.get("summary"))
    outcome = open_case(store, rules, actor, now, title=item["title"], grade=Grade(item.get("grade", Grade.GENERAL)),
                        source=item.get("source") or (str(source_of(link)) if link else "other"), link=link,
                        first_seen_at=item.get("first_seen_at"), transfer_ref=item.get("transfer_ref"),
                        transfer_deadline=item.get("transfer_deadline"), confidential=bool(item.get("confidential")),
                        intake=intake)
    return ApiIntake(outcome.case.number, True, outcome.case.id, link)
