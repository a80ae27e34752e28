"""A case: its commands (open, grade, close …), the states it and its assignments go through, and its
timeline's hash chain. The records themselves are in :mod:`bot.domain.records`.

- :mod:`bot.domain.case.commands` — the desk's and leaders' commands on a case
- :mod:`bot.domain.case.lifecycle` — case and assignment states and their allowed transitions
- :mod:`bot.domain.case.timeline` — timeline entries and their hash chain
- :mod:`bot.domain.case.evaluation` — each unit's 评估总结 and the desk's review (通过, 退回修改)
- :mod:`bot.domain.case.supervision` — 督办 of a unit, its answer, and the count per unit
"""
