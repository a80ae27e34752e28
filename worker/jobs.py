"""Job entry points, enqueued by dotted name (``bot.core.queues``). Thin: each calls into its module."""

from __future__ import annotations

import logging

from bot.core.event import Event

log = logging.getLogger(__name__)


def noop(tag: str = "") -> str:
    """Do nothing; used by health checks and benchmarks to measure a job's round trip."""
    return tag


def handle_event(event: dict) -> int:
    """Handle one normalised inbound event; returns how many replies it produced."""
    from worker.events import handle
    from worker.runtime import runtime

    return len(handle(runtime(), Event.from_dict(event)))


def expire_dialog(platform: str, chat: str, user: str, version: int) -> bool:
    """A dialog's timeout firing: ends it if still the active version, and tells the person 1:1."""
    from bot.core.clock import utcnow
    from bot.core.conversation import expired_reply
    from handlers.engine import ONE_TO_ONE
    from worker.dialogs import DialogStore
    from worker.runtime import runtime

    rt = runtime()
    expired = DialogStore(rt.redis).expire(platform, chat, user, version, utcnow())
    if expired is None:
        return False
    messenger = rt.messengers.get(platform)
    if messenger is not None and chat == ONE_TO_ONE:
        messenger.send_to_person(user, expired_reply(expired).card, dedup_id=f"dlg-expired-{user}-{version}")
    return True


def deliver(row_id: int) -> str:
    """Deliver one outbox row (see worker/delivery.py)."""
    from worker.delivery import deliver as deliver_row
    from worker.runtime import runtime

    return deliver_row(runtime(), row_id)


def deliver_rows(row_ids: list[int]) -> dict[str, int]:
    """Deliver many outbox rows in turn in one work horse (see worker/delivery.py ``deliver_rows``)."""
    from worker.delivery import deliver_rows as deliver_many
    from worker.runtime import runtime

    return deliver_many(runtime(), row_ids)


def fire_duty(duty_id: int, firing_id: str) -> str:
    """A duty's clock firing (see worker/clock.py): does nothing unless still the duty's active firing."""
    from worker.clock import fire
    from worker.runtime import runtime

    return fire(runtime(), duty_id, firing_id)


def reconcile(slot: int) -> dict | None:
    """One time slot's reconcile (see worker/reconciler.py): re-arm the clock from the DB, sweep the outbox."""
    from worker.reconciler import reconcile as run
    from worker.runtime import runtime

    return run(runtime(), slot)


def preview_link(case_id: int) -> dict:
    """Fetch a new case's link preview and fill the case (see worker/intake_jobs.py); never blocks the case."""
    from worker.intake_jobs import preview_case_link
    from worker.runtime import runtime

    return preview_case_link(runtime(), case_id)


def announce_drill(case_id: int) -> list[int]:
    """Put the cards of a drill the command line opened in the outbox (see worker/drill_jobs.py)."""
    from worker.drill_jobs import announce_drill as announce
    from worker.runtime import runtime

    return announce(runtime(), case_id)


def announce_case(case_id: int) -> list[int]:
    """Put the desk's card of a case opened through the API in the outbox (see worker/intake_jobs.py)."""
    from worker.intake_jobs import announce_case as announce
    from worker.runtime import runtime

    return announce(runtime(), case_id)


def export_case(case_id: int, person_id: str, platform: str, fmt: str, request: str) -> int | None:
    """Make a case's archive file asked for in the chat and put it in the outbox 1:1 (see worker/export_jobs.py)."""
    from worker.export_jobs import export_case as export
    from worker.runtime import runtime

    return export(runtime(), case_id, person_id, platform, fmt, request)


def send_stats(person_id: str, platform: str, period: str, request: str) -> list[int]:
    """Count a period's figures asked for in the chat and put them in the outbox 1:1 (see worker/stats_jobs.py)."""
    from worker.runtime import runtime
    from worker.stats_jobs import send_stats as send

    return send(runtime(), person_id, platform, period, request)
