"""What integration tests of duties read back and run on: a duty's row, the 逾期提醒 the clock fired for it, and
a stack whose policy runs the clocks fast (scaled, no waiting for working hours)."""

from __future__ import annotations

from sqlalchemy import select

from bot.store.clock import ClockFiringRow
from bot.store.cases import DutyRow
from tests.integration.stack import Stack


def scaled_stack(redis_url, tmp_path, scale: int, **env: str) -> Stack:
    """A running stack whose policy divides every duration by ``scale`` and never waits for working hours."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"scale: {scale}\nwait_for_working_hours: []\n", encoding="utf-8")
    return Stack(redis_url, tmp_path, extra_env={"POLICY_FILE": str(policy), **env})


def duty(stack, case_id: int, kind) -> DutyRow:
    """The case's one duty of ``kind`` (detached from the session)."""
    with stack.database.session() as session:
        row = session.scalars(select(DutyRow).where(DutyRow.case_id == case_id, DutyRow.kind == str(kind))).one()
        session.expunge(row)
        return row


def duties(stack, case_id: int, kind=None) -> list[DutyRow]:
    """The case's duties (of ``kind`` only, when given), oldest first (detached from the session)."""
    with stack.database.session() as session:
        query = select(DutyRow).where(DutyRow.case_id == case_id).order_by(DutyRow.id)
        rows = list(session.scalars(query if kind is None else query.where(DutyRow.kind == str(kind))))
        session.expunge_all()
        return rows


def open_duty(stack, case_id: int, kind) -> bool:
    """Whether the case has an open duty of ``kind``."""
    return any(d.state == "open" for d in duties(stack, case_id, kind))


def escalations(stack, duty_id: int) -> list:
    """When the clock fired a 逾期提醒 step (one with roles to tell, not a reminder) for the duty."""
    with stack.database.session() as session:
        rows = session.scalars(select(ClockFiringRow).where(ClockFiringRow.duty_id == duty_id))
        return [r.step_at for r in rows if not r.remind]


def unverified(stack) -> dict[str, list[str]]:
    """What ``yuqing case verify --all`` would name, by case: a broken link, or rows (the case, its grade changes,
    duties, assignments) that disagree with what its timeline recorded (issue 24). Empty: every case verifies."""
    from bot.store.anchors import case_numbers, check_case

    out = {}
    with stack.database.session() as session:
        for number in case_numbers(session):
            found = check_case(session, number)
            broken = [f"broken at {found.broken.seq}: {found.broken.reason}"] if found.broken else []
            problems = broken + list(found.rows)
            if problems:
                out[number] = problems
    return out
