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
