"""RQ queue names and the dotted names of jobs, so the web process never imports the worker.

Every job is enqueued by one of the names below, each a function of ``worker.jobs``; no other module
spells a job's dotted name (``tests/unit/core/test_queues.py`` checks both)."""

EVENTS = "yq-events"
DELIVERY = "yq-delivery"
CLOCK = "yq-clock"
PREVIEW = "yq-preview"

ALL = (EVENTS, DELIVERY, CLOCK, PREVIEW)

HANDLE_EVENT = "worker.jobs.handle_event"
NOOP = "worker.jobs.noop"
PREVIEW_LINK = "worker.jobs.preview_link"
ANNOUNCE_CASE = "worker.jobs.announce_case"
ANNOUNCE_DRILL = "worker.jobs.announce_drill"  # the cards of a drill the command line opened (issue 23)
EXPORT_CASE = "worker.jobs.export_case"  # a case's archive file asked for in the chat (导出 YQ-…, issue 24)
STATS = "worker.jobs.send_stats"  # the figures of a period asked for in the chat (统计, issue 25)
DELIVER = "worker.jobs.deliver"
DELIVER_ROWS = "worker.jobs.deliver_rows"
RECONCILE = "worker.jobs.reconcile"
EXPIRE_DIALOG = "worker.jobs.expire_dialog"
FIRE_DUTY = "worker.jobs.fire_duty"  # no longer enqueued: clock-fire-… jobs left in Redis from before the clock loop

JOBS = (HANDLE_EVENT, NOOP, PREVIEW_LINK, ANNOUNCE_CASE, ANNOUNCE_DRILL, EXPORT_CASE, STATS, DELIVER, DELIVER_ROWS,
        RECONCILE, EXPIRE_DIALOG, FIRE_DUTY)
