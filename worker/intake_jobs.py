"""Intake's jobs: the link preview of a new case, the desk's card of a case a monitoring system opened
through the API (and, at 敏感 and above, the leaders' bulletins — the same ones a case graded in chat sends,
``handlers/leaders.py``: 特别重大 puts the main leader's 签收 in his chat at once), and enqueueing the follow-up
jobs a handler asked for once its event committed.

A preview never blocks a case: it runs after the case exists, its failure is recorded on the timeline
(``case.preview``) like its success, and the case's title becomes the page's only when nobody gave one.
"""

from __future__ import annotations

import logging
from typing import Any

from rq import Queue
from rq.serializers import JSONSerializer

from bot.core.clock import utcnow
from bot.domain.cards.intake_card import intake_card
from bot.domain.grade import Grade
from bot.domain.intake.commands import record_preview
from bot.domain.intake.reading import suggested_units
from bot.fetch.address_policy import DEFAULT_POLICY, FetchPolicy, Resolver, system_resolver
from bot.fetch.preview import fetch_preview
from bot.store.case_repo import SessionCaseStore
from bot.store.case_views import case_row
from bot.store.intake import intake_of, save_preview
from bot.store.org_repo import read_organisation
from handlers.case_lookup import case_view_of
from handlers.county_report_up import opening_report_up
from handlers.leaders import bulletins
from handlers.registry import Context
from worker.addressing import Unreachable, group_messages, person_message, target_messages
from worker.delivery import schedule
from worker.presenting import add_rows
from worker.runtime import Runtime

log = logging.getLogger(__name__)


def preview_case_link(rt: Runtime, case_id: int, *, policy: FetchPolicy = DEFAULT_POLICY,
                      resolver: Resolver = system_resolver, **limits: Any) -> dict:
    """Fetch the case's link preview and store it; returns the outcome (never raises for a bad page)."""
    with rt.database.session() as session:
        row, intake = case_row(session, case_id), intake_of(session, case_id)
        link = row.link if row is not None else None
        if not link or intake is None or intake.preview_status not in ("pending", "failed"):
            return {"ok": False, "skipped": True}
    result = fetch_preview(link, policy=policy, resolver=resolver, **limits).to_dict()
    with rt.database.session() as session:
        now = utcnow()
        replaced = save_preview(session, case_id, now, ok=result["ok"], title=result.get("title"),
                                summary=result.get("summary"), error=None if result["ok"] else result.get("code"))
        org = read_organisation(session)
        record_preview(SessionCaseStore(session), rt.rules(org), case_id, now, {**result, "title_replaced": replaced})
    log.info("link preview case=%s ok=%s", case_id, result["ok"])
    return result


def announce_case(rt: Runtime, case_id: int) -> list[int]:
    """Put the desk's card of an API-opened case in the outbox for the desk's group (or its people 1:1)."""
    with rt.database.session() as session:
        org = read_organisation(session)
        case, intake = SessionCaseStore(session).run(lambda repo: (repo.get_case(case_id), repo.intake(case_id)))
        if case is None:
            return []
        suggested = suggested_units(org, case.county, f"{case.title} {(intake.summary or '') if intake else ''}")
        card = intake_card(case, utcnow(), (), suggested, "由监测系统接口推送",
                           hand_down=not case.county and bool(org.counties()))
        dedup = f"api-case:{case_id}"
        try:
            messages = group_messages(org, case.owner_unit, card, dedup, case_id)
        except Unreachable:
            unit = org.units[case.owner_unit]
            messages = []
            for pid in unit.people:
                try:
                    messages.append(person_message(org, pid, card, f"{dedup}:{pid}", case_id))
                except Unreachable as exc:
                    log.warning("API case %s: desk person not reachable: %s", case_id, exc)
        if case.grade >= Grade.SENSITIVE:
            messages += _bulletins(session, org, case_id)
        if case.county and case.grade >= Grade.MAJOR:
            messages += _report_up(session, org, case_id)
        ids = add_rows(session, messages, utcnow(), org)
    for row_id in filter(None, ids):
        schedule(rt, row_id)
    return [i for i in ids if i]


def _bulletins(session, org, case_id: int) -> list:
    """The leaders' bulletins of an API case graded 敏感 or above, as the chat's grading sends them."""
    ctx = Context(org, None, utcnow(), store=SessionCaseStore(session))
    messages = []
    for reply in bulletins(ctx, case_view_of(ctx, case_id)):
        try:
            messages += target_messages(org, reply.to, reply.card, f"api-case:{case_id}:bulletin:{reply.to.id}",
                                        case_id)
        except Unreachable as exc:
            log.warning("API case %s: leader not reachable: %s", case_id, exc)
    return messages


def _report_up(session, org, case_id: int) -> list:
    """The report up to the city desk of a county's API case opened at 重大 or above (issue 22), as a grading in
    the chat sends it."""
    ctx = Context(org, None, utcnow(), store=SessionCaseStore(session))
    messages = []
    for reply in opening_report_up(ctx, case_id):
        try:
            messages += target_messages(org, reply.to, reply.card,
                                        f"api-case:{case_id}:report_up:{reply.to.id}:{reply.to.platform}", case_id)
        except Unreachable as exc:
            log.warning("API case %s: report up not deliverable: %s", case_id, exc)
    return messages


def enqueue_follow_ups(rt: Runtime, jobs: list[dict]) -> None:
    """Enqueue the jobs a handler asked for (``ctx.extra["jobs"]``) after its event committed."""
    for job in jobs:
        queue = Queue(job["queue"], connection=rt.redis, serializer=JSONSerializer)
        queue.enqueue(job["job"], *job["args"], result_ttl=3600, failure_ttl=7 * 86400)
