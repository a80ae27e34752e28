"""Job entry points, enqueued by dotted name (``bot.core.queues``). Thin: each calls into its module."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def noop(tag: str = "") -> str:
    """Do nothing; used by health checks and benchmarks to measure a job's round trip."""
    return tag
