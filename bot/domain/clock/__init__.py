"""Working-time clocks: the deadline policy (and its file), working days, durations, deadlines, and the
duties that run on them.

- :mod:`bot.domain.clock.policy` — the policy's values; :mod:`bot.domain.clock.policy_file` reads it
  (``policy_default.yaml``, shipped beside it, when there is no file)
- :mod:`bot.domain.clock.duration` — durations in working or calendar time
- :mod:`bot.domain.clock.workdays` — the working calendar (holiday file, then the calendar package)
- :mod:`bot.domain.clock.deadlines` — a duty's due time, reminders and escalations
- :mod:`bot.domain.clock.duties` — which duties start, end or fall due as a case moves
"""
