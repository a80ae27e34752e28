"""Schedules kept in Redis, read by the web side (``/metrics``, ``yuqing clock status``) and written by
the worker — so neither has to import the other, and the SQL store holds no Redis code.

- :mod:`bot.schedule.clock_schedule` — the clock's pending firings, claims of running ones, the wake-up list
"""
