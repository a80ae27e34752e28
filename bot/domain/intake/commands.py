"""Commands of intake beyond opening a case: the same story seen again (a sighting), and the link
preview's outcome. Same contract as :mod:`bot.domain.case.commands`: ids in, one transaction, one timeline entry.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.case.commands import authorise_on
from bot.domain.context import Outcome, Rules, iso, load_case, record
from bot.domain.permissions import Action
from bot.domain.records import Actor, Sighting
from bot.domain.repository import CaseRepository, CaseStore

PREVIEW_ACTION = "case.preview"
SYSTEM = Actor("system", "system")


def add_sighting(store: CaseStore, rules: Rules, case_id: int, actor: Actor, now: datetime, *,
                 link: str | None, source: str, seen_at: datetime | None = None) -> Outcome:
    """Record that the story was seen again (link, source, when): the sighting is kept (its link then counts
    as the same story) and the case's timeline says so.

    Raises NotFound, NotPermitted (not a desk) or IllegalTransition (archived case).
    """
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        role = authorise_on(repo, rules, actor, Action.SIGHTING, case)
        payload = {"link": link, "source": source, "seen_at": iso(seen_at or now)}
        repo.add_sighting(case.id, Sighting(link, source, seen_at or now, actor.person_id, actor.platform))
        return record(repo, rules, case, actor, role, str(Action.SIGHTING), now, payload)

    return store.run(work)


def record_preview(store: CaseStore, rules: Rules, case_id: int, now: datetime, outcome: dict) -> Outcome:
    """Record the link preview's outcome (title and summary, or why there is none) by the system.

    Raises NotFound.
    """
    def work(repo: CaseRepository) -> Outcome:
        case = load_case(repo, case_id)
        keep = ("ok", "title", "summary", "final_url", "code", "message", "title_replaced")
        payload = {k: outcome[k] for k in keep if k in outcome}
        return record(repo, rules, case, SYSTEM, "system", PREVIEW_ACTION, now, payload)

    return store.run(work)
