"""Leak check (issue 10, item 6; `make soak`, not `make test`): bench/flow.py's event-to-delivery flow
run ten times its normal size — 帮助 through real callbacks, the web app under gunicorn, a real
``yuqing worker``, the emulators in process, a private redis-server — while the resident set of the
web app's workers and of the RQ worker's main process (its work horses come and go) is sampled. After
a warm-up, every slice of the run must stay within ±10 % of the first slice. The figures are printed
and written to ``var/bench/soak-leak.txt``.

Not a timing test: only memory and answers lost are asserted. The measuring code is bench/_harness.py's
(``RssSeries``, ``drift``), the flow is bench/flow.py's (``Product``, ``one_event``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import _harness as harness
import flow

NORMAL = 60  # bench/flow.py's default size
EVENTS = 10 * NORMAL
LIMIT = 0.10


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_web_and_worker_memory_stays_flat_over_ten_times_the_flow(tmp_path, capsys):
    redis = harness.private_redis()
    product = None
    try:
        product = flow.Product(redis.url, tmp_path, name="soak")
        series = harness.RssSeries({"web": lambda: harness.children(product.web.pid),
                                    "worker": lambda: [product.worker.pid]})
        started, lost = time.monotonic(), 0
        for i in range(EVENTS):
            lost += flow.one_event(product, i, poll=0.01) is None
        samples = series.stop()
        seconds = time.monotonic() - started
    finally:
        if product is not None:
            product.stop()
        redis.stop()

    drifts = {name: harness.drift(values) for name, values in samples.items()}
    lines = [(f"leak check: {EVENTS} events (帮助, WeCom and DingTalk alternating) in {seconds:.0f} s, "
              f"{len(samples['web'])} samples each, answers lost {lost}")]
    for name, d in drifts.items():
        lines.append(f"{name}: slice medians after warm-up (MB) {', '.join(f'{m:.1f}' for m in d.medians)}; "
                     f"largest departure {d.worst * 100:.1f} % (limit {LIMIT * 100:.0f} %)")
    harness.VAR.mkdir(parents=True, exist_ok=True)
    (harness.VAR / "soak-leak.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert lost == 0
    for name, d in drifts.items():
        assert d.worst <= LIMIT, f"{name} resident set grew: {d.medians}"
