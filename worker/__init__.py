"""RQ jobs and the worker process: delivery, the deadline clock, escalation, digests, link previews."""
