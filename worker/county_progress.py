"""The city desk follows a county's case (issue 22, 关注): every later step of the case reaches its group.

For each active follow (``bot.store.follows.active_follows``), the steps of the case's timeline
(``bot.domain.cards.progress_lines``) after the follow began that its unit has not been shown yet:

- **in place** where the platform changes a group card (capability ``updates_group_card``: DingTalk): every copy
  of the case's ``county_case`` card in the unit's group on that platform is re-drawn at once with the latest
  lines (``county_card``: the case as it stands, at most five lines, latest first); the follow's ``seen_seq``
  then marks the newest entry shown;
- **as one notice** in the unit's group on every other platform (WeCom; or one with no copy to change):
  ``YQ-… 县局进展（3条）：`` and every line not noticed yet, at most once per ``policy.progress_every`` (the
  case's policy, ``context.case_rules``: scaled with its drill scale); ``noticed_seq`` and ``noticed_at`` then
  mark it. A step whose batch is not due yet waits for a later sweep: nothing is lost. A confidential case's
  group sees only its number (``bot.core.presentation``), and a unit may have no group: then the lines go to the
  unit's head and liaisons 1:1 instead, batched the same way.

Once: each follow's marks move by compare-and-set in the transaction that adds its rows, so a retry or a second
worker that read the same marks adds nothing, and every row has the outbox's unique dedup id
(``cp:<case>:<unit>:<newest seq>:…``). Runs at each reconcile (``worker.reconciler``) and right after an event
that wrote to a followed case (``worker.events``: :func:`watch` collects the cases an event's transaction wrote
entries for; :func:`after_event` sweeps those)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.core.card import Card
from bot.core.card_copies import CardCopy, in_group
from bot.core.clock import ensure_utc, utcnow
from bot.core.org import Organisation
from bot.domain.cards import notice
from bot.domain.cards.county_card import PROGRESS_LINES, county_card, grading_entry
from bot.domain.cards.progress_lines import progress_line
from bot.domain.case.timeline import TimelineEntry
from bot.domain.context import Rules, case_rules
from bot.domain.records import Case, Follow
from bot.store import outbox
from bot.store.case_repo import to_case
from bot.store.case_views import case_row
from bot.store.follows import active_follows, move_marks
from bot.store.org_repo import read_organisation
from bot.store.timeline import TimelineRow, case_entries
from handlers.card_copies import first_of_its_instance, updatable
from worker.addressing import Unreachable, group_addresses, group_messages, person_message
from worker.delivery import schedule as schedule_delivery
from worker.outbox_copies import OutboxCopies
from worker.presenting import add_rows
from worker.runtime import Runtime

__all__ = ["KIND", "after_event", "due", "sweep", "watch"]

log = logging.getLogger(__name__)
KIND = "county_case"


def sweep(rt: Runtime, now: datetime, case_ids: list[int] | set[int] | None = None) -> int:
    """Bring the followed county cases' new steps (of ``case_ids`` only, when given) to their desks' groups;
    returns how many outbox rows were queued."""
    with rt.database.session() as session:
        follows = active_follows(session, sorted(case_ids) if case_ids is not None else None)
        newest = _newest(session, {f.case_id for f in follows}) if follows else {}
    waiting = [f for f in follows if newest.get(f.case_id, 0) > min(f.seen_seq, f.noticed_seq)]
    if not waiting:
        return 0
    with rt.database.session() as session:
        org = read_organisation(session)
    rules = rt.rules(org)
    queued: list[int] = []
    for follow in waiting:
        try:
            queued += _follow(rt, org, rules, follow, now)
        except (SQLAlchemyError, Unreachable) as exc:  # the next sweep tries again: the marks did not move
            log.error("county progress case=%s unit=%s not shown: %s", follow.case_id, follow.unit_id, exc)
    for row_id in queued:
        schedule_delivery(rt, row_id)
    return len(queued)


def watch(session: Session, touched: set[int]) -> set[int]:
    """Add to ``touched`` the id of every case ``session`` writes a timeline entry for, as it flushes; returns it."""
    def written(_session, instance) -> None:
        if isinstance(instance, TimelineRow):
            touched.add(instance.case_id)

    event.listen(session, "pending_to_persistent", written)
    return touched


def after_event(rt: Runtime, case_ids: set[int]) -> int:
    """Right after an event's commit: sweep the cases it wrote to, when they are followed (one query on the
    follows when they are not). A failure is logged: the next reconcile sweeps them."""
    if not case_ids:
        return 0
    try:
        return sweep(rt, utcnow(), case_ids)
    except Exception:  # the event is handled and committed; its progress is the reconciler's to show
        log.exception("county progress after the event not shown (the reconciler will): cases=%s", sorted(case_ids))
        return 0


def due(follow: Follow, every: timedelta, now: datetime) -> bool:
    """Whether the follow's next batched notice may go at ``now``: none went yet, or ``every`` has passed."""
    return follow.noticed_at is None or ensure_utc(now) - ensure_utc(follow.noticed_at) >= every


def _newest(session: Session, case_ids: set[int]) -> dict[int, int]:
    """Each case's last timeline seq."""
    rows = session.execute(select(TimelineRow.case_id, func.max(TimelineRow.seq))
                           .where(TimelineRow.case_id.in_(sorted(case_ids))).group_by(TimelineRow.case_id))
    return {case_id: seq for case_id, seq in rows}


def _every(rules: Rules, case: Case) -> timedelta:
    """The case's ``progress_every`` as it runs (its county's policy at its own scale)."""
    return timedelta(hours=case_rules(rules, case).policy.progress_interval().hours)


def _lines(entries: list[TimelineEntry], after: int, org: Organisation, now: datetime,
           since: datetime | None = None) -> list[tuple[int, str]]:
    """(seq, line) of the steps after seq ``after`` (taken after ``since``, when given), oldest first."""
    return [(e.seq, line) for e in entries if e.seq > after and (since is None or ensure_utc(e.at) > ensure_utc(since))
            and (line := progress_line(e, org, now))]


def _follow(rt: Runtime, org: Organisation, rules: Rules, follow: Follow, now: datetime) -> list[int]:
    """One follow's rows, added with its marks moved, in one transaction; [] when another sweep moved them."""
    with rt.database.session() as session:
        row = case_row(session, follow.case_id)
        if row is None:
            return []
        case = to_case(row)
        entries = case_entries(session, case.id)
        newest = entries[-1].seq if entries else 0
        # a confidential case's group copy shows its number only; a unit without a group has none: 1:1 then
        copies, platforms = ([], []) if case.confidential else _places(rt, session, org, case, follow)
        personal = not copies and not platforms
        messages: list[outbox.Message] = []
        seen, noticed, noticed_at = follow.seen_seq, follow.noticed_seq, follow.noticed_at
        if follow.seen_seq < newest:  # steps before the follow began are the card's own news
            if copies and _lines(entries, follow.seen_seq, org, now, follow.since):
                messages += _updates(org, case, entries, follow, copies, newest, now)
            seen = newest
        if follow.noticed_seq < newest:
            fresh = _lines(entries, follow.noticed_seq, org, now, follow.since)
            if not fresh or not (platforms or personal):
                noticed = newest  # nothing to tell there (every group's copy changes in place)
            elif due(follow, _every(rules, case), now):
                messages += (_one_to_one(org, case, follow, fresh, newest) if personal
                             else _notices(org, case, follow, fresh, platforms, newest))
                noticed, noticed_at = newest, now
            # else: not due yet; these lines wait for a later sweep
        if (seen, noticed, noticed_at) == (follow.seen_seq, follow.noticed_seq, follow.noticed_at):
            return []
        if not move_marks(session, follow, seen, noticed, noticed_at):
            return []
        return [i for i in add_rows(session, messages, now, org) if i]


def _places(rt: Runtime, session: Session, org: Organisation, case: Case,
            follow: Follow) -> tuple[list[CardCopy], list[str]]:
    """(the copies of the case's card in the unit's group to re-draw in place, the platforms of its groups that
    get a notice instead: those that cannot change a group card, or hold no copy to change)."""
    try:
        groups = group_addresses(org, follow.unit_id)
    except Unreachable:
        return [], []
    copies: list[CardCopy] = []
    instances: set[tuple[str, str]] = set()
    for copy in OutboxCopies(session).in_groups(case.id):
        can = rt.capabilities_of(copy.platform)
        card = copy.card or {}
        if (card.get("kind") == KIND and str((card.get("data") or {}).get("unit") or "") == follow.unit_id
                and copy.platform in groups and in_group(copy.method, copy.address) and can.updates_group_card
                and updatable(copy, can) and first_of_its_instance(copy, can, instances)):
            copies.append(copy)
    in_place = {c.platform for c in copies}
    return copies, [p for p in groups if p not in in_place]


def _updates(org: Organisation, case: Case, entries: list[TimelineEntry], follow: Follow, copies: list[CardCopy],
             newest: int, now: datetime) -> list[outbox.Message]:
    """Each copy re-drawn as the case stands, with the case's latest lines (最新进展)."""
    latest = [line for _, line in reversed(_lines(entries, 0, org, now))][:PROGRESS_LINES]
    graded = grading_entry(entries)
    out = []
    for copy in copies:
        data = (copy.card or {}).get("data") or {}
        card = county_card(org, case, graded, now, mode=str(data.get("mode") or "follow"), progress=latest,
                           unit=follow.unit_id, buttons=True, status=str(data.get("status") or ""))
        out.append(outbox.Message(f"cp:{case.id}:{follow.unit_id}:{newest}:copy{copy.id}", copy.platform, "update",
                                  {"copy_of": copy.id}, card.to_dict(), case.id))
    return out


def _text(case: Case, fresh: list[tuple[int, str]]) -> Card:
    return notice(f"{case.number} 县局进展（{len(fresh)}条）：\n" + "\n".join(line for _, line in fresh))


def _notices(org: Organisation, case: Case, follow: Follow, fresh: list[tuple[int, str]], platforms: list[str],
             newest: int) -> list[outbox.Message]:
    """One notice of the ``fresh`` lines to the unit's group on each of ``platforms``."""
    card, out = _text(case, fresh), []
    for platform in platforms:
        try:
            out += group_messages(org, follow.unit_id, card, f"cp:{case.id}:{follow.unit_id}:{newest}", case.id,
                                  platform=platform)
        except Unreachable as exc:
            log.warning("county progress %s: no group of %s on %s: %s", case.number, follow.unit_id, platform, exc)
    return out


def _one_to_one(org: Organisation, case: Case, follow: Follow, fresh: list[tuple[int, str]],
                newest: int) -> list[outbox.Message]:
    """The notice of the ``fresh`` lines to the unit's head and liaisons, each 1:1 (a confidential case; a unit
    without a group chat)."""
    card, out = _text(case, fresh), []
    unit = org.units.get(follow.unit_id)
    for pid in dict.fromkeys((unit.head, *unit.liaisons) if unit is not None else ()):
        try:
            out.append(person_message(org, pid, card, f"cp:{case.id}:{follow.unit_id}:{newest}:p:{pid}", case.id))
        except Unreachable as exc:
            log.warning("county progress %s: %s not reachable: %s", case.number, pid, exc)
    return out
