"""The digest's figures, each part checked, on both databases: new cases of the period, open cases by
grade and by unit (live assignments only), overdue duties and duties done late in the period; drills
and archived cases where the design leaves them out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store.cases import AssignmentRow, CaseRow, DutyRow
from bot.store.org_repo import apply_organisation
from tests.unit.domain.sample_org import make_org
from worker.digests import contents

NOW = datetime(2026, 11, 30, 0, 31, tzinfo=UTC)


def case(session, serial: int, state: str, grade: int, opened: datetime, drill: bool = False) -> int:
    row = CaseRow(number=f"YQ-2026-{serial:04d}", year=2026, serial=serial, title=f"案件{serial}", grade=grade,
                  state=state, owner_unit="u-desk", opened_by="p-sun", opened_at=opened, first_seen_at=opened,
                  drill=drill)
    session.add(row)
    session.flush()
    return row.id


def assign(session, case_id: int, unit: str, state: str) -> None:
    session.add(AssignmentRow(case_id=case_id, unit_id=unit, state=state, assigned_at=NOW, assigned_by="p-sun"))


def duty(session, case_id: int, kind: str, due: datetime, state: str = "open", ended: datetime | None = None,
         late: bool = False) -> None:
    session.add(DutyRow(case_id=case_id, kind=kind, grade=2, owner_unit="u-food", started_at=due - timedelta(hours=2),
                        due_at=due, policy={}, reminders=[], escalations=[], state=state, ended_at=ended, late=late))


def test_each_figure_of_the_digest(database):
    old, fresh = NOW - timedelta(days=3), NOW - timedelta(hours=2)
    with database.session() as s:
        apply_organisation(s, make_org(), old)
        a = case(s, 1, "handling", 3, old)  # open, opened before the period
        b = case(s, 2, "opened", 2, fresh)  # open, new
        c = case(s, 3, "archived", 1, fresh)  # new but archived: new, not open
        d = case(s, 4, "handling", 4, fresh, drill=True)  # a drill: nowhere
        e = case(s, 5, "tracking", 3, old)
        for case_id, unit, state in [(a, "u-food", "reported"), (a, "u-drug", "acknowledged"), (b, "u-food", "warned"),
                                     (b, "u-drug", "withdrawn"), (c, "u-food", "reported"), (d, "u-food", "warned"),
                                     (e, "u-food", "acknowledged")]:
            assign(s, case_id, unit, state)
        duty(s, a, "initial_report", NOW - timedelta(hours=1))  # overdue
        duty(s, b, "acknowledge", NOW + timedelta(hours=1))  # open, not yet due
        duty(s, e, "follow_up", NOW - timedelta(hours=5), "done", ended=NOW - timedelta(hours=3), late=True)
        duty(s, e, "feedback", NOW - timedelta(days=5), "done", ended=NOW - timedelta(days=2), late=True)  # before
        duty(s, d, "initial_report", NOW - timedelta(hours=1))  # a drill's
        duty(s, c, "evaluation", NOW - timedelta(hours=1), "done", ended=NOW - timedelta(hours=1))  # on time
    with database.session() as s:
        got = contents(s, make_org(), NOW, 1)
    assert got == {
        "new": ["YQ-2026-0002 案件2", "YQ-2026-0003 案件3"],
        "by_grade": ["重大舆情2件", "敏感舆情1件"],
        "by_unit": ["食品生产安全监督管理科3件", "药品监督管理科1件"],
        "overdue": ["YQ-2026-0001 初报"],
        "late": ["YQ-2026-0005 续报"],
        "open": 3,
    }
