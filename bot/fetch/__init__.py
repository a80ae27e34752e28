"""The SSRF-safe web fetcher: a library, not a job. The worker's link-preview job
(:func:`worker.intake_jobs.preview_case_link`) calls it; nothing here knows RQ, Redis, SQL or Flask.

- :mod:`bot.fetch.address_policy` — which links, names, addresses and ports may be connected to
  (:class:`~bot.fetch.address_policy.AddressPolicy`, checked before and after DNS)
- :mod:`bot.fetch.preview` — :func:`~bot.fetch.preview.fetch_preview`: a page's title and summary under
  strict limits, every hop through the address policy

Rules and their reasons: ``docs/links.md``.
"""
