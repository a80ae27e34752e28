"""How a case comes in: what intake reads from a forwarded message, the links it recognises, and its
commands (a sighting, a link preview).

- :mod:`bot.domain.intake.reading` — link identity, title, likely units, typed unit names and deadlines
- :mod:`bot.domain.intake.links` — finding and normalising links, and their sources
- :mod:`bot.domain.intake.commands` — intake's commands on an open case
"""
