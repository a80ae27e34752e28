"""What ``yuqing clock status`` and ``/metrics`` (web side: no worker import) show about the clock: each open duty's next firing as
the database says it should be and as Redis holds it (side by side), duties past their deadline,
firings overdue (due but not fired), the last reconcile, queue depths, firing lateness and the
outbox's failed deliveries. Read-only."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from bot.core import keys, queues
from bot.domain.kinds import DUTY_LABELS, DutyKind
from bot.schedule import clock_schedule
from bot.store import clock as store
from bot.store import outbox
from bot.store.case_repo import _to_duty
from bot.store.cases import CaseRow
from bot.store.clock import JOB_PREFIX, firing_id, job_id, next_step
from bot.store.db import Database

GRACE = timedelta(seconds=5)


def scheduled_firings(conn: Redis) -> dict[str, datetime]:
    """Firing job ids in the clock's schedule (bot/schedule/clock_schedule.py), with their times."""
    return {k: at for k, at in clock_schedule.pending(conn).items() if k.startswith(JOB_PREFIX)}


def status(database: Database, conn: Redis, now: datetime) -> dict:
    """The clock as the database and Redis see it (see the module docstring)."""
    held = scheduled_firings(conn)
    with database.session() as session:
        numbers = {i: n for i, n in session.execute(select(CaseRow.id, CaseRow.number))}
        lasts = store.last_steps(session)
        rows = store.open_duty_rows(session)
        failed = session.scalar(select(func.count()).select_from(outbox.OutboxRow)
                                .where(outbox.OutboxRow.state == outbox.FAILED))
    firings, overdue = [], []
    for row in rows:
        duty = _to_duty(row)
        alarm = next_step(duty, lasts.get(row.id))
        item = {"case": numbers.get(row.case_id), "duty_id": row.id, "duty": DUTY_LABELS[DutyKind(row.kind)],
                "due_at": row.due_at.isoformat(), "owner_unit": row.owner_unit}
        if row.due_at < now:
            overdue.append(item)
        if alarm is None:
            continue
        fid = firing_id(row.id, alarm.at)
        redis_at = held.get(job_id(fid))
        firings.append({**item, "next_at": alarm.at.isoformat(), "remind": alarm.remind, "notify": list(alarm.notify),
                        "firing_id": fid, "db_firing_id": row.firing_id,
                        "redis_at": redis_at.isoformat() if redis_at else None,
                        "late": alarm.at < now - GRACE})
    firings.sort(key=lambda f: f["next_at"])
    last = conn.get(keys.reconcile_last())
    return {"now": now.isoformat(), "firings": firings, "overdue_duties": overdue,
            "late_firings": [f for f in firings if f["late"]],
            "unscheduled": [f for f in firings if f["redis_at"] is None],
            "failed_deliveries": failed, "last_reconcile": json.loads(last) if last else None}


def queue_depths(conn: Redis) -> dict[str, int]:
    """Jobs waiting in each queue of the project."""
    return {name: Queue(name, connection=conn, serializer=JSONSerializer).count for name in queues.ALL}


def lateness(database: Database, now: datetime, window: timedelta = timedelta(hours=1)) -> list[float]:
    """Seconds between each step's time and its firing, for the steps fired in the last ``window``."""
    with database.session() as session:
        return [(r.fired_at - r.step_at).total_seconds() for r in store.recent_firings(session, now - window)]


def metrics_text(database: Database, conn: Redis, now: datetime) -> str:
    """Prometheus text: queue depth, firing lateness, unscheduled and late firings, failed deliveries."""
    state = status(database, conn, now)
    late = lateness(database, now)
    lines = ["# HELP yuqing_queue_depth Jobs waiting per queue.", "# TYPE yuqing_queue_depth gauge"]
    lines += [f'yuqing_queue_depth{{queue="{q}"}} {n}' for q, n in queue_depths(conn).items()]
    lines += ["# HELP yuqing_firing_lateness_seconds Lateness of clock steps fired in the last hour.",
              "# TYPE yuqing_firing_lateness_seconds summary",
              f"yuqing_firing_lateness_seconds_count {len(late)}",
              f"yuqing_firing_lateness_seconds_sum {sum(late):.3f}",
              "# HELP yuqing_firing_lateness_max_seconds The latest step fired in the last hour.",
              "# TYPE yuqing_firing_lateness_max_seconds gauge",
              f"yuqing_firing_lateness_max_seconds {max(late, default=0):.3f}"]
    for name, key, text in (("firings_pending", "firings", "Open duties' next firings."),
                            ("firings_late", "late_firings", "Firings past their time and not fired."),
                            ("firings_unscheduled", "unscheduled", "Next firings Redis does not hold."),
                            ("duties_overdue", "overdue_duties", "Open duties past their deadline.")):
        lines += [f"# HELP yuqing_{name} {text}", f"# TYPE yuqing_{name} gauge", f"yuqing_{name} {len(state[key])}"]
    lines += ["# HELP yuqing_delivery_failed Outbox messages that finally failed.",
              "# TYPE yuqing_delivery_failed gauge", f"yuqing_delivery_failed {state['failed_deliveries']}"]
    from bot.store import accepted

    with database.session() as session:
        waiting, given_up = accepted.counts(session)
    lines += ["# HELP yuqing_events_waiting Accepted events not handled yet (bot/store/accepted.py).",
              "# TYPE yuqing_events_waiting gauge", f"yuqing_events_waiting {waiting}",
              "# HELP yuqing_events_given_up Accepted events given up after repeated enqueues (see the worker log).",
              "# TYPE yuqing_events_given_up gauge", f"yuqing_events_given_up {given_up}"]
    return "\n".join(lines) + "\n"


def status_lines(report: dict) -> list[str]:
    """``report`` as text for people (times in Asia/Shanghai)."""
    from bot.core.clock import SHANGHAI

    def local(iso: str | None) -> str:
        return datetime.fromisoformat(iso).astimezone(SHANGHAI).strftime("%m-%d %H:%M:%S") if iso else "—"

    lines = [f"下一次提醒/督办 (next firings): {len(report['firings'])}"
             f"  未在 Redis 中 (unscheduled): {len(report['unscheduled'])}"
             f"  已过时未触发 (late): {len(report['late_firings'])}"]
    lines += ["  案件 (case)     事项 (duty)      时限 (due)      下一次 (DB)     Redis"]
    for f in report["firings"][:200]:
        what = "督办" if f["notify"] else "提醒"
        mark = "  ← 迟" if f["late"] else ""
        lines.append(f"  {f['case'] or '—':<15} {f['duty']:<8}{what} {local(f['due_at'])}  {local(f['next_at'])}  "
                     f"{local(f['redis_at'])}{mark}")
    lines.append(f"已超时的事项 (overdue duties): {len(report['overdue_duties'])}")
    lines += [f"  {d['case']} {d['duty']} 时限 {local(d['due_at'])}" for d in report["overdue_duties"][:200]]
    lines.append(f"最终发送失败的消息 (failed deliveries): {report['failed_deliveries']}")
    last = report["last_reconcile"]
    lines.append(f"上次对账 (last reconcile): {local(last['at']) if last else '尚未运行 (never)'}"
                 + (f"  补排 {last['scheduled']}，撤销 {last['cancelled']}，补发 {last['swept']}" if last else ""))
    return lines
