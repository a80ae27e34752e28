"""The deadline clock: each open duty's next step (reminder and/or escalation, from its frozen
schedule via ``bot.domain.clock.duties.next_alarm``) is one entry of the clock's schedule in Redis
(``bot.schedule.clock_schedule``) at the step's time rounded up to the whole second; each worker's clock
loop (``worker/clock_loop.py``, a process of its own, no fork per firing) fires what is due.

- The duty's ``firing_id`` (``<duty>-<step epoch>``) is its active firing (Grafana OnCall's guard):
  a firing whose id is no longer the duty's does nothing; one that arrives early re-schedules itself.
- A step is recorded in ``clock_firings`` (unique per duty and step) in the same transaction as its
  outbox rows and the hand-over of ``firing_id`` to the next step, so two workers never send it twice.
- Ending a duty clears ``firing_id`` (domain); :func:`cancel_ended` also deletes the scheduled jobs.
- The database is the truth: :func:`arm` re-derives every open duty's next firing from it and
  schedules what Redis lost (the reconciler, ``worker/reconciler.py``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from redis import Redis
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.clock_report import scheduled_firings
from bot.core.clock import utcnow
from bot.core.org import Organisation
from bot.domain.clock.deadlines import ceil_second
from bot.domain.clock.duties import Alarm
from bot.domain.drill.people import drill_people
from bot.domain.records import Duty
from bot.schedule import clock_schedule
from bot.store import clock as store
from bot.store.case_repo import _to_duty, lost_race
from bot.store.cases import DutyRow
from bot.store.clock import (
    JOB_PREFIX,
    exhausted,
    firing_id,
    job_id,
    next_step,
    step_time,
)
from bot.store.org_repo import read_organisation
from bot.store.timeline import case_entries
from worker.delivery import schedule as schedule_delivery
from worker.escalation import step_messages
from worker.presenting import add_rows
from worker.runtime import Runtime

log = logging.getLogger(__name__)
ATTEMPTS = 10


def enqueue(conn: Redis, duty_id: int, fid: str, suffix: str = "") -> None:
    """Schedule the firing ``fid`` of ``duty_id`` at its step time (rounded up to the whole second);
    the duty is part of ``fid``."""
    clock_schedule.add(conn, job_id(fid) + suffix, step_time(fid))


def parse_job(job: str) -> tuple[int, str]:
    """(duty id, firing id) of a scheduled firing's job id (``clock-fire-<duty>-<epoch>[-e<epoch>]``)."""
    duty, epoch = job[len(JOB_PREFIX):].split("-")[:2]
    return int(duty), f"{duty}-{epoch}"


def fire(rt: Runtime, duty_id: int, fid: str, now: datetime | None = None, org: Organisation | None = None,
         deliveries: list[int] | None = None) -> str:
    """Run one firing: ``stale`` | ``early`` | ``duplicate`` | ``sent`` | ``skipped``. Raises what the
    database raises after repeated lost races. A batch of firings passes ``org`` (read once) and
    ``deliveries``: the outbox rows are added to that list, for the batch to queue after its last
    firing, instead of being queued here (a crash in between leaves them to the sweep)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _fire_once(rt, duty_id, fid, now or utcnow(), org, deliveries)
        except OperationalError as exc:
            if not lost_race(exc) or attempt == ATTEMPTS:
                raise
            log.info("clock: firing %s lost a race (attempt %s)", fid, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _fire_once(rt: Runtime, duty_id: int, fid: str, now: datetime, org: Organisation | None,
               deliveries: list[int] | None) -> str:
    step_at = step_time(fid)
    with rt.database.session() as session:
        duty = store.duty_for_update(session, duty_id)
        if duty is None or not duty.open or duty.firing_id != fid:
            log.info("clock: stale firing %s (duty %s is %s)", fid, duty_id, duty.state if duty else "gone")
            return "stale"
        if now < step_at:
            early = True
        else:
            early = False
            result = _record(session, duty, step_at, now, fid, org)
    if early:
        enqueue(rt.redis, duty_id, fid, suffix=f"-e{int(now.timestamp())}")
        return "early"
    outcome, ids, next_fid = result
    if deliveries is not None:
        deliveries.extend(ids)
    else:
        for row_id in ids:
            schedule_delivery(rt, row_id)
    if next_fid:
        enqueue(rt.redis, duty_id, next_fid)
    log.info("clock: duty=%s step=%s %s (%s messages), late by %.1fs", duty_id, fid, outcome, len(ids),
             (now - step_at).total_seconds())
    return outcome


def _record(session, duty: Duty, step_at: datetime, now: datetime, fid: str, org: Organisation | None):
    alarm = next_step(duty, step_at - timedelta(microseconds=1))
    if alarm is None or ceil_second(alarm.at) != step_at:
        alarm = Alarm(step_at, False, ())
    later = next_step(duty, alarm.at)
    # after an outage: a reminder overtaken by a later step already due is recorded, not sent
    skip = alarm.remind and not alarm.notify and later is not None and later.at <= now
    case = store.cached_case_row(session, duty.case_id)
    info = {"number": case.number, "title": case.title, "owner_unit": case.owner_unit, "county": case.county,
            "people": drill_people(case_entries(session, case.id)) if case.drill else None}  # a drill: its named
    org = org or read_organisation(session)
    messages, reached = ([], []) if skip else step_messages(org, info, duty, alarm)
    try:
        with session.begin_nested():
            store.record_step(session, duty, step_at, now, store.SKIPPED if skip else store.SENT,
                              alarm.remind, alarm.notify, reached)
    except IntegrityError:
        return "duplicate", [], None
    ids = [i for i in add_rows(session, messages, now, org) if i]  # through the rendering rule
    next_fid = firing_id(duty.id, later.at) if later else exhausted(duty.id)
    store.set_firing(session, duty.id, next_fid, expected=fid, check=True)
    return store.SKIPPED if skip else store.SENT, ids, next_fid if later else None


def plan(rt: Runtime) -> dict[int, str]:
    """Bring every open duty's ``firing_id`` in line with its next unfired step; returns duty → firing id."""
    out: dict[int, str] = {}
    with rt.database.session() as session:
        rows = store.open_duty_rows(session)
        lasts = store.last_steps(session)
        for row in rows:
            alarm = next_step(_to_duty(row), lasts.get(row.id))
            fid = firing_id(row.id, alarm.at) if alarm else exhausted(row.id)
            if row.firing_id != fid and not store.set_firing(session, row.id, fid, expected=row.firing_id, check=True):
                continue  # a firing moved it on meanwhile; it scheduled its own successor
            if alarm:
                out[row.id] = fid
    return out


def arm(rt: Runtime) -> tuple[int, int]:
    """Schedule every open duty's next firing that Redis does not hold (scheduled, or being run by a
    loop); drop scheduled firings no duty wants any more. Returns (scheduled now, cancelled).

    Redis is read before the database: a firing that runs meanwhile schedules its successor itself,
    and that successor, unknown to the first read, is never taken for one no duty wants."""
    held = scheduled_firings(rt.redis)
    running = clock_schedule.claimed(rt.redis)
    wanted = plan(rt)
    added = 0
    for duty_id, fid in wanted.items():
        jid = job_id(fid)
        if jid in held or jid in running:
            continue
        enqueue(rt.redis, duty_id, fid)
        added += 1
    keep = {job_id(f) for f in wanted.values()}
    stale = [j for j in held if j not in keep and not any(j.startswith(k + "-e") for k in keep)]
    _delete(rt.redis, stale)
    return added, len(stale)


def _delete(conn: Redis, job_ids: list[str]) -> None:
    clock_schedule.remove(conn, job_ids)


def cancel_ended(rt: Runtime, since: datetime) -> int:
    """Delete the scheduled firings of duties ended since ``since`` (their guard makes them harmless
    anyway); returns how many jobs went."""
    from sqlalchemy import select

    with rt.database.session() as session:
        ended = set(session.scalars(select(DutyRow.id).where(DutyRow.state != "open", DutyRow.ended_at >= since)))
    if not ended:
        return 0
    gone = [j for j in scheduled_firings(rt.redis) if int(j[len(JOB_PREFIX):].split("-")[0]) in ended]
    _delete(rt.redis, gone)
    return len(gone)


def arm_new(rt: Runtime) -> int:
    """Right after an event: schedule duties that have no firing yet and cancel ended ones."""
    from sqlalchemy import select

    with rt.database.session() as session:
        fresh = list(session.scalars(select(DutyRow.id).where(DutyRow.state == "open", DutyRow.firing_id.is_(None))))
    cancel_ended(rt, utcnow() - timedelta(minutes=5))
    if not fresh:
        return 0
    return arm(rt)[0]
