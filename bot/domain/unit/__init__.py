"""A unit's part in a case: its commands (acknowledge, report, reject, reassign …).

- :mod:`bot.domain.unit.commands` — the commands a warned unit gives on its assignment
"""
