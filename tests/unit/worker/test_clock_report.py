"""`yuqing clock status` and /metrics read the clock from the database and Redis side by side."""

from __future__ import annotations

from bot.clock_report import metrics_text, status, status_lines
from tests.unit.worker.test_clock import DESK, TEN, case, duty, rt, sh  # noqa: F401 - fixtures
from bot.domain.kinds import DutyKind
from worker import clock


def test_status_shows_each_open_duty_from_the_database_and_redis(rt, case):  # noqa: F811
    before = status(rt.database, rt.redis, sh(24, 10, 1))
    assert before["firings"] and len(before["unscheduled"]) == len(before["firings"])
    clock.arm(rt)
    after = status(rt.database, rt.redis, sh(24, 10, 1))
    release = duty(rt, case, DutyKind.AUTHORITATIVE_RELEASE)
    row = next(f for f in after["firings"] if f["duty_id"] == release.id)
    assert row["redis_at"] == row["next_at"] == sh(24, 12).isoformat() and not after["unscheduled"]
    late = status(rt.database, rt.redis, sh(24, 15))
    assert any(f["duty_id"] == release.id for f in late["late_firings"])
    assert any(d["duty_id"] == release.id for d in late["overdue_duties"])
    text = "\n".join(status_lines(late))
    assert case.number in text and "← 迟" in text


def test_metrics_name_queue_depth_lateness_and_failures(rt, case):  # noqa: F811
    clock.arm(rt)
    text = metrics_text(rt.database, rt.redis, sh(24, 15))
    for name in ("yuqing_queue_depth{queue=\"yq-clock\"}", "yuqing_firing_lateness_seconds_count",
                 "yuqing_firings_late", "yuqing_delivery_failed 0", "yuqing_duties_overdue"):
        assert name in text
