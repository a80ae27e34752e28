"""The 0009 migration gives every case the scale its clocks run at (``cases.drill_scale``) — for cases that
exist already, the scale their duties froze, else the drill switch's for a drill — and takes it away again,
on both databases, keeping the rows."""

import json
from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from bot.domain.case.commands import open_case
from bot.domain.clock import duties as plan
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from bot.domain.records import Actor
from bot.domain.unit import commands as unit_commands
from bot.store.case_repo import SqlCaseStore
from bot.store.db import alembic_config, upgrade
from bot.store.org_repo import apply_organisation
from tests.store.test_migration_0007 import revision
from tests.unit.domain.sample_org import make_org

AT = datetime(2026, 11, 30, 2, tzinfo=UTC)
DESK = Actor("p-li", "cli")


def columns(database) -> set[str]:
    return {c["name"] for c in sa.inspect(database.engine).get_columns("cases")}


def scales(database) -> dict[str, float]:
    with database.engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT title, drill_scale FROM cases")).all())


def test_0009_backfills_each_cases_scale_and_downgrades_with_the_rows_kept(database, tmp_path, monkeypatch):
    assert "drill_scale" in columns(database) and revision(database) >= "0009"
    org = make_org()
    with database.session() as session:
        apply_organisation(session, org, AT)
    rules = Rules(org, default_policy(), WorkCalendar())
    drill = replace(rules, policy=rules.policy.with_scale(60))
    store = SqlCaseStore(database)
    # a drill whose first duty ran at full length (regraded before this migration), then scaled ones
    mixed = open_case(store, drill, DESK, AT, title="drill, mixed", drill=True).case
    store.run(lambda repo: repo.add_duty(plan.start_duty(rules.policy, rules.calendar, mixed,
                                                         DutyKind.TRANSFER_FEEDBACK, AT)))
    unit_commands.assign_unit(store, drill, mixed.id, DESK, AT, "u-food")
    open_case(store, rules, DESK, AT, title="plain", grade=Grade.MAJOR)
    open_case(store, replace(rules, policy=rules.policy.with_scale(3600)), DESK, AT, title="drill, no duty",
              drill=True)
    open_case(store, rules, DESK, AT, title="plain, no duty")
    assert scales(database) == {"drill, mixed": 60, "plain": 1, "drill, no duty": 3600, "plain, no duty": 1}

    command.downgrade(alembic_config(database.url), "0008")
    database.engine.dispose()
    assert revision(database) == "0008" and "drill_scale" not in columns(database)

    switch = tmp_path / "drill.json"
    monkeypatch.setenv("DRILL_SWITCH_FILE", str(switch))
    switch.write_text(json.dumps({"on": False, "scale": 120}), encoding="utf-8")  # the old switch's file
    upgrade(database.url)
    database.engine.dispose()
    assert revision(database) >= "0009" and "drill_scale" in columns(database)
    assert scales(database) == {"drill, mixed": 60, "plain": 1, "drill, no duty": 120, "plain, no duty": 1}
    case = store.run(lambda repo: repo.get_case(mixed.id))
    assert (case.drill, case.drill_scale) == (True, 60)
    later = unit_commands.assign_unit(store, rules, mixed.id, DESK, AT, "u-drug")  # later commands: the case's scale
    assert {d.policy["scale"] for d in later.started} == {60}
