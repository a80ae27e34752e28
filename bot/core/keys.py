"""Every Redis key of the project is built here: ``yq:<kind>:…``."""

from __future__ import annotations

PREFIX = "yq"


def dedup(platform: str, event_key: str) -> str:
    """The first-guard key of an inbound event (SET NX EX)."""
    return f"{PREFIX}:dedup:{platform}:{event_key}"


def token(platform: str, app: str) -> str:
    """A cached platform access token."""
    return f"{PREFIX}:token:{platform}:{app}"


def token_lock(platform: str, app: str) -> str:
    """The lock held by the one refresher of a token."""
    return f"{PREFIX}:lock:token:{platform}:{app}"


def dialog(platform: str, chat_id: str, user_id: str) -> str:
    """A dialog's state per (platform, chat, user)."""
    return f"{PREFIX}:dialog:{platform}:{chat_id}:{user_id}"


def dialog_lock(platform: str, chat_id: str, user_id: str) -> str:
    """The lock that serialises the events of one dialog key across workers."""
    return f"{PREFIX}:lock:dialog:{platform}:{chat_id}:{user_id}"


def health_probe() -> str:
    """A key /healthz may touch to prove Redis answers."""
    return f"{PREFIX}:health"


def reconcile_slot(slot: int) -> str:
    """The claim of one reconcile time slot: whoever sets it first (SET NX) enqueues that slot's reconcile."""
    return f"{PREFIX}:clock:reconcile:{slot}"


def worker_alive(worker_name: str) -> str:
    """Present while the worker ``worker_name`` lives (its keeper renews it; a SIGKILLed one lets it lapse)."""
    return f"{PREFIX}:alive:{worker_name}"


def reconcile_last() -> str:
    """What the last reconcile did (JSON: at, scheduled, cancelled, swept) for `clock status` and /metrics."""
    return f"{PREFIX}:clock:last"


def clock_schedule() -> str:
    """The clock's pending firings (sorted set: firing job id → step epoch), fired by worker/clock_loop.py."""
    return f"{PREFIX}:clock:schedule"


def clock_claimed() -> str:
    """Firings a clock loop took and is running (sorted set: firing job id → claim epoch)."""
    return f"{PREFIX}:clock:claimed"


def clock_wake() -> str:
    """A list the clock loops block on: a firing due sooner than they planned to wake pushes to it."""
    return f"{PREFIX}:clock:wake"


def digest_sent(kind: str, day: str) -> str:
    """The claim of one digest (daily/weekly) of one day, so several workers send it once."""
    return f"{PREFIX}:clock:digest:{kind}:{day}"


def rate_bucket(platform: str, api: str, recipient: str) -> str:
    """A token bucket per recipient and API (WeCom 30/min per member, DingTalk QPS)."""
    return f"{PREFIX}:rate:{platform}:{api}:{recipient}"


def failure_notice(batch: str) -> str:
    """The claim of the desk's card about one batch of finally failed messages."""
    return f"{PREFIX}:outbox:failed-notice:{batch}"


def aibot_ws_lock(bot_id: str) -> str:
    """The lease of the one connector holding the WeCom smart bot's long connection."""
    return f"{PREFIX}:lock:aibotws:{bot_id}"


def aibot_ws_requests(bot_id: str) -> str:
    """The list of frames the worker asks the smart bot's connector to send."""
    return f"{PREFIX}:aibotws:{bot_id}:requests"


def aibot_ws_answer(bot_id: str, request_id: str) -> str:
    """The list where the connector puts WeCom's answer to one request."""
    return f"{PREFIX}:aibotws:{bot_id}:answer:{request_id}"


def media_upload(platform: str, scope: str, sha256: str) -> str:
    """A platform's media id for bytes we uploaded (by their SHA-256) to ``scope`` (an app, a robot), reused
    while the platform keeps it so that a retried send names the same media."""
    return f"{PREFIX}:media:{platform}:{scope}:{sha256}"
