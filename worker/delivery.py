"""Deliver outbox rows: claim with a lease, send through the platform's messenger, record the result,
retry with back-off what may succeed later, and end as ``failed`` (visible to the desk) what cannot.
A row waits (``held``, no attempt used) behind an earlier unsent one to the same recipient and for its
rate-limit token (``worker/pacing.py``); a DingTalk 1:1 row takes along due rows with the same card
to other people in one call (``worker/batching.py``).

An event's rows are sent by the event's own work horse after its commit (``worker.events.deliver_now``);
other rows by RQ jobs on ``yq-delivery``: a job for one row (a retry, a row woken behind an earlier one,
a held row's token) and a job for many rows (``deliver_rows``: a clock batch's, the sweep's, what a
fan-out handed on), which sends them in turn in one work horse — no fork per row. Both hand what is
left to new jobs after ``JOB_BUDGET`` or as soon as an event waits, so a fan-out never holds up events."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import datetime, timedelta

from rq import Queue, Retry
from rq.serializers import JSONSerializer
from sqlalchemy import null, select, update

from bot.core import queues
from bot.core.card import Card
from bot.core.clock import utcnow
from bot.core.errors import AlreadySent, PlatformError
from bot.core.event import Event
from bot.core.media import is_media
from bot.platforms.base import Messenger, SentMessage
from bot.store import outbox
from worker import batching, card_order, follow_ups, leader_told, media_sends, pacing
from worker.runtime import Runtime

log = logging.getLogger(__name__)
QUEUE_FALLBACK = timedelta(seconds=30)  # a message held behind another is found by the sweep at the latest then
LEASE = timedelta(minutes=2)  # DELIVERY_LEASE (seconds) overrides it: how long a crashed send holds its row
MAX_ATTEMPTS = 10
ROWS_PER_JOB = 50  # rows of a fan-out per delivery job: one fork for them all
JOB_BUDGET = 2.0  # seconds a job sends rows in turn before it hands the rest on (at once when an event waits)


def lease(rt: Runtime) -> timedelta:
    """How long a claimed row is ours before a crashed send's row may be claimed again."""
    value = rt.settings.get("DELIVERY_LEASE")
    return timedelta(seconds=float(value)) if value else LEASE


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 2, 4, 8 … seconds, at most 10 minutes."""
    return timedelta(seconds=min(2 ** attempts, 600))


def schedule(rt: Runtime, row_id: int, at: datetime | None = None, attempt: int = 0) -> None:
    """Enqueue the delivery of a row now (or at ``at``); the job id makes a second enqueue harmless."""
    queue = Queue(queues.DELIVERY, connection=rt.redis, serializer=JSONSerializer)
    job_id = f"out-{row_id}-{attempt}"
    if at is None:
        queue.enqueue(queues.DELIVER, row_id, job_id=job_id, result_ttl=600)
    else:
        queue.enqueue_at(at, queues.DELIVER, row_id, job_id=job_id, result_ttl=600)


def schedule_rows(rt: Runtime, row_ids: list[int]) -> None:
    """Enqueue the delivery of many rows now: one job per ``ROWS_PER_JOB`` of them, in their order.
    A job whose work horse is killed is run again (RQ ``Retry``); the lease keeps a row it had claimed
    from being sent twice, and the sweep is the net as for any lost job."""
    if len(row_ids) == 1:
        schedule(rt, row_ids[0], attempt=int(utcnow().timestamp() * 1000))
        return
    queue = Queue(queues.DELIVERY, connection=rt.redis, serializer=JSONSerializer)
    stamp = int(utcnow().timestamp() * 1000)
    for start in range(0, len(row_ids), ROWS_PER_JOB):
        chunk = list(row_ids[start:start + ROWS_PER_JOB])
        queue.enqueue(queues.DELIVER_ROWS, chunk, job_id=f"outs-{chunk[0]}-{chunk[-1]}-{stamp}", result_ttl=600,
                      retry=Retry(max=2))


def unsent(rt: Runtime, row_ids: list[int]) -> list[int]:
    """Those of ``row_ids`` still pending or being sent, in their order: rows a batch already carried
    (a DingTalk unit's liaisons with its group card) need no job."""
    if not row_ids:
        return []
    with rt.database.session() as session:
        left = set(session.scalars(select(outbox.OutboxRow.id).where(
            outbox.OutboxRow.id.in_(row_ids), outbox.OutboxRow.state.in_((outbox.PENDING, outbox.SENDING)))))
    return [i for i in row_ids if i in left]


def deliver_rows(rt: Runtime, row_ids: list[int], budget: float = JOB_BUDGET, at_least: int = 1) -> dict[str, int]:
    """Deliver ``row_ids`` in turn in this process (each with :func:`deliver`: lease, order, pacing,
    back-off, batching as for one row). After the first ``at_least`` rows it yields — hands the rest,
    without rows a batch already carried, to jobs of many rows — once ``budget`` seconds have passed or
    an event waits on ``yq-events``, so a big fan-out never holds up what people type. Returns how
    many rows ended in each state (``queued``: handed on)."""
    started = time.monotonic()
    todo = unsent(rt, row_ids)
    events = Queue(queues.EVENTS, connection=rt.redis, serializer=JSONSerializer).key
    states: Counter[str] = Counter()
    for done, row_id in enumerate(todo):
        if done >= at_least and (time.monotonic() - started > budget or rt.redis.llen(events)):
            rest = unsent(rt, todo[done:])
            if rest:
                schedule_rows(rt, rest)
                states["queued"] += len(rest)
            break
        states[deliver_safely(rt, row_id)] += 1
    return dict(states)


def deliver_safely(rt: Runtime, row_id: int) -> str:
    """:func:`deliver`, for a caller that goes on with other rows: a send that raises (not a
    PlatformError) is logged and its row left to a job scheduled for when its lease lapses."""
    try:
        return deliver(rt, row_id)
    except Exception:
        log.exception("delivery of outbox=%s failed; a delivery job takes it after the lease", row_id)
        later = utcnow() + lease(rt)
        schedule(rt, row_id, later, attempt=int(later.timestamp() * 1000))
        return "error"


def _send(messenger: Messenger, row: outbox.OutboxRow, card: Card | None = None) -> SentMessage:
    card = card or Card.from_dict(row.card)
    address = row.address
    # text-only readers (WeCom's WeChat plugin) get plain text: a keyword passed only where the platform has them
    text_only = address.get("wechat_plugin") and messenger.capabilities.text_only_readers
    plain = {"wechat_plugin": True} if text_only else {}
    if row.method == "person":
        return messenger.send_to_person(address["user_id"], card, dedup_id=row.dedup_id, **plain)
    if row.method == "group":
        return messenger.send_to_group(address["group"], card, dedup_id=row.dedup_id)
    event = Event.from_dict(address["event"]) if address.get("event") else None
    if row.method == "reply" and event is not None:
        return messenger.reply(event, card, **plain)
    if row.method == "update":
        return messenger.update_card(address["card_ref"], card, event=event, **plain)
    raise PlatformError(f"outbox row {row.id}: unknown method {row.method!r}")


def _original(session, row: outbox.OutboxRow) -> outbox.OutboxRow | PlatformError | None:
    """For an update of an earlier copy (``copy_of``): that row, or the error to record while it is unsent."""
    copy_of = (row.address or {}).get("copy_of") if row.method == "update" else None
    if copy_of is None:
        return None
    original = session.get(outbox.OutboxRow, int(copy_of))
    if original is None or original.state == outbox.FAILED:
        return PlatformError(f"outbox row {copy_of} to update was never delivered", retryable=False)
    if original.state != outbox.SENT:
        return PlatformError(f"outbox row {copy_of} to update is not sent yet", retryable=True)
    session.expunge(original)
    return original


def _copy_address(original: outbox.OutboxRow | PlatformError) -> dict:
    """The update address of an earlier copy: its card_ref (with its reader), or raises PlatformError."""
    if isinstance(original, PlatformError):
        raise original
    ref = dict(original.card_ref or {})
    if original.method == "person":
        ref.setdefault("user_id", original.address.get("user_id"))
    if not ref:
        raise PlatformError(f"outbox row {original.id} has no card to update", retryable=False)
    return {"card_ref": ref, "wechat_plugin": bool(original.address.get("wechat_plugin"))}


def deliver(rt: Runtime, row_id: int, now: datetime | None = None) -> str:
    """Try to send one row; returns its state afterwards (or ``skipped`` when it was not ours to send)."""
    now = now or utcnow()
    with rt.database.session() as session:
        row = outbox.claim(session, row_id, now, lease(rt))
        if row is None:
            early = session.get(outbox.OutboxRow, row_id)
            if early is not None and early.state == outbox.PENDING and early.next_attempt_at > now:
                # RQ's scheduler may start a job a little before its time: run it again when the row is due
                schedule(rt, row_id, early.next_attempt_at, attempt=int(early.next_attempt_at.timestamp() * 1000))
            return "skipped"
        platform, attempts = row.platform, row.attempts
        wait = pacing.hold(rt.redis, session, row, now, rt.capabilities_of(platform))
        behind = wait is not None and pacing.earlier_unsent(session, row, now) is not None
        if wait is not None:  # an earlier message to the same recipient first, or over its rate limit
            row.state, row.lease_until, row.attempts = outbox.PENDING, None, attempts - 1
            # behind an earlier one: no job of its own — that one wakes it when done (the sweep is the net)
            row.next_attempt_at = now + (QUEUE_FALLBACK if behind else wait)
            session.flush()
        original = _original(session, row)
        newer = card_order.newer_drawing(session, row) if wait is None else None
        if newer is not None:  # a later drawing of this card is out already: this one would undo it
            row.state, row.lease_until, row.sent_at = outbox.SENT, None, utcnow()
            row.last_error = f"not sent: outbox row {newer} updated this card later"
            log.info("outbox=%s skipped: row %s updated the same card later", row.id, newer)
            return "superseded"
        mates = [] if wait is not None or original is not None or is_media(row.card) else \
            batching.companions(session, row, now, lease(rt), rt.messengers.get(platform))
        for each in (row, *mates):
            session.expunge(each)
    if wait is not None:
        if not behind:
            schedule(rt, row_id, now + wait, attempt=int(now.timestamp() * 1000))
        return "held"
    if mates:
        return _send_batch(rt, [row, *mates], now)
    messenger = rt.messengers.get(platform)
    try:
        if original is not None:
            row.address = _copy_address(original)
        if messenger is None:
            raise PlatformError(f"platform {platform} is not configured", retryable=False)
    except PlatformError as exc:
        return _record_failure(rt, row_id, attempts, exc, now)
    return _send_alone(rt, messenger, row, now)


def _mark_sent(rt: Runtime, rows: list[outbox.OutboxRow], sent: SentMessage, now: datetime,
               rest: tuple[Card, ...] = ()) -> None:
    """Record ``rows`` as sent (one statement), add what must follow their card (``rest``: the full text of
    a card the platform shows cut, buttons that did not fit — ``worker/follow_ups.py``) and wake each
    recipient's next message, in one transaction."""
    ref = dict(sent.card_ref) or None
    with rt.database.session() as session:
        session.execute(update(outbox.OutboxRow).where(outbox.OutboxRow.id.in_([r.id for r in rows]))
                        .values(state=outbox.SENT, sent_at=utcnow(), lease_until=None,
                                message_id=sent.message_id or None, card_ref=ref if ref else null()))
        added = follow_ups.add(session, rows, sent, rest, now)
        woken = _wake(session, rows, now)
    told = leader_told.main_leader_bulletins(rows)  # the unit cards learn it now: 已通知主要领导 (issue 19)
    _schedule_woken(rt, woken + added + (leader_told.tell_unit_cards(rt, told) if told else []), now)


def wake_next(rt: Runtime, row_ids: list[int], now: datetime) -> None:
    """After rows are done (sent or failed for good), schedule the next waiting message of each recipient."""
    with rt.database.session() as session:
        rows = [r for r in (session.get(outbox.OutboxRow, i) for i in row_ids) if r is not None]
        woken = _wake(session, rows, now)
    _schedule_woken(rt, woken, now)


def _wake(session, rows: list[outbox.OutboxRow], now: datetime) -> list[int]:
    woken: list[int] = []
    for row in rows:
        following = pacing.next_unsent(session, row, now)
        if following is not None and following.next_attempt_at > now:
            following.next_attempt_at = now
            woken.append(following.id)
    return woken


def _schedule_woken(rt: Runtime, woken: list[int], now: datetime) -> None:
    for row_id in woken:
        schedule(rt, row_id, attempt=int(now.timestamp() * 1000))


def _send_batch(rt: Runtime, rows: list[outbox.OutboxRow], now: datetime) -> str:
    """One call for several people (or chats) with the same card (``worker/batching.py``)."""
    messenger = rt.messengers[rows[0].platform]
    rest = follow_ups.fitted(messenger, rows[0]).rest  # the same card for all: what must follow it in each chat
    try:
        sent = batching.send(messenger, rows)
    except AlreadySent as exc:
        if rows[0].attempts <= 1:
            return [_send_alone(rt, messenger, r, now) for r in rows][0]
        # a retry of a batch whose first answer was lost: that attempt delivered it to all of them
        log.info("batch of outbox=%s: %s; the earlier attempt delivered it", ",".join(str(r.id) for r in rows), exc)
        _mark_sent(rt, rows, SentMessage(rows[0].platform, exc.message_id, exc.card_ref), now, rest)
        return outbox.SENT
    except PlatformError as exc:
        if exc.retryable:
            return [_record_failure(rt, r.id, r.attempts, exc, now) for r in rows][0]
        # the whole call refused (one unknown user id can do it): each row alone, so a bad recipient fails alone
        log.warning("batch of outbox=%s refused (%s); each sent alone", ",".join(str(r.id) for r in rows), exc)
        return [_send_alone(rt, messenger, r, now) for r in rows][0]
    invalid = {u for s in sent for u in s.card_ref.get("invalid", ())}
    throttled = {u for s in sent for u in s.card_ref.get("throttled", ())}
    for r in rows:  # people the platform refused inside a larger batch: retried (flow control) or failed
        who = batching.who(messenger, r)
        if who in invalid or who in throttled:
            _record_failure(rt, r.id, r.attempts, PlatformError(f"{r.platform} refused {who} in a batch",
                                                                retryable=who in throttled), now)
    done = [r for r in rows if batching.who(messenger, r) not in invalid | throttled]
    ref = {k: v for k, v in sent[0].card_ref.items() if k not in ("invalid", "throttled")}  # a card's id
    if done:
        _mark_sent(rt, done, SentMessage(sent[0].platform, sent[0].message_id, ref), now, rest)
    log.info("delivered outbox=%s in one batch platform=%s", ",".join(str(r.id) for r in done), rows[0].platform)
    return outbox.SENT if rows[0] in done else outbox.PENDING


def _send_alone(rt: Runtime, messenger, row: outbox.OutboxRow, now: datetime) -> str:
    """Send one claimed row by itself (and what must follow its card: ``follow_ups``); returns its state afterwards."""
    fit = None if is_media(row.card) else follow_ups.fitted(messenger, row)
    try:
        sent = media_sends.send(rt, messenger, row) if fit is None else _send(messenger, row, fit.card)
    except AlreadySent as exc:
        if row.attempts <= 1:  # a first attempt: another message holds the id — a failure the desk sees
            return _record_failure(rt, row.id, row.attempts, exc, now)
        # a retry after an attempt whose outcome was unknown: that attempt delivered it
        log.info("outbox=%s attempt %s: %s; the earlier attempt delivered it", row.id, row.attempts, exc)
        sent = SentMessage(row.platform, exc.message_id, exc.card_ref)
    except PlatformError as exc:
        return _record_failure(rt, row.id, row.attempts, exc, now)
    _mark_sent(rt, [row], sent, now, fit.rest if fit is not None else ())
    log.info("delivered outbox=%s platform=%s attempts=%s", row.id, row.platform, row.attempts)
    return outbox.SENT


def _record_failure(rt: Runtime, row_id: int, attempts: int, exc: PlatformError, now: datetime) -> str:
    final = not exc.retryable or attempts >= MAX_ATTEMPTS
    with rt.database.session() as session:
        stored = session.get(outbox.OutboxRow, row_id)
        stored.last_error = f"{exc.code or ''} {exc}".strip()[:2000]
        stored.lease_until = None
        if final:
            stored.state = outbox.FAILED
        else:
            stored.state = outbox.PENDING
            stored.next_attempt_at = now + backoff(attempts)
            retry_at = stored.next_attempt_at
    if final:
        log.error("outbox=%s failed for good after %s attempts: %s", row_id, attempts, exc)
        wake_next(rt, [row_id], now)
        return outbox.FAILED
    log.warning("outbox=%s attempt %s failed (%s); retry at %s", row_id, attempts, exc, retry_at.isoformat())
    schedule(rt, row_id, retry_at, attempt=attempts)
    return outbox.PENDING


def sweep(rt: Runtime, now: datetime | None = None) -> int:
    """Enqueue every due row (after a crash or a lost Redis); returns how many."""
    now = now or utcnow()
    with rt.database.session() as session:
        ids = outbox.due(session, now)
    if ids:
        schedule_rows(rt, ids)
    return len(ids)
