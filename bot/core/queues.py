"""RQ queue names and the dotted names of jobs, so the web process never imports the worker."""

EVENTS = "yq-events"
DELIVERY = "yq-delivery"
CLOCK = "yq-clock"
PREVIEW = "yq-preview"

ALL = (EVENTS, DELIVERY, CLOCK, PREVIEW)

HANDLE_EVENT = "worker.jobs.handle_event"
NOOP = "worker.jobs.noop"
PREVIEW_LINK = "worker.jobs.preview_link"
ANNOUNCE_CASE = "worker.jobs.announce_case"
