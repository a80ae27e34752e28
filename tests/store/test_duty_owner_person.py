"""A duty owned by a person (issue 19, migration 0012): kept and read back with ``owner_person``, listed in that
person's 我的待办 (``open_duties_of(…, person=…)``) and nobody else's — not the main leaders', whose own 签收
(owned by no unit and no person) stays theirs — on both databases; 0012 goes down and up again."""

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
from bot.store.case_repo import SqlCaseStore
from bot.store.db import alembic_config, upgrade
from bot.store.org_repo import apply_organisation
from tests.unit.domain.sample_org import make_org

AT = datetime(2026, 12, 7, 2, tzinfo=UTC)
DESK = Actor("p-li", "cli")


def test_a_person_owned_duty_is_that_persons_alone(database):
    org = make_org()
    with database.session() as session:
        apply_organisation(session, org, AT)
    rules = Rules(org, default_policy(), WorkCalendar())
    store = SqlCaseStore(database)
    case = open_case(store, rules, DESK, AT, title="某奶粉", grade=Grade.ESPECIALLY_MAJOR).case
    own = plan.start_owned_duty(rules.policy, rules.calendar, case, DutyKind.SUPERVISION_ANSWER, AT, person="p-zhou")
    added = store.run(lambda repo: repo.add_duty(own))
    back = next(d for d in store.run(lambda repo: repo.duties(case.id)) if d.id == added.id)
    assert back.owner_person == "p-zhou" and back.owner_unit is None and back.personal
    assert [who for _, who in back.escalations] == [("desk",), ("main_leader",)]

    mine = store.run(lambda repo: repo.open_duties_of([], person="p-zhou"))
    assert [d.kind for d, _ in mine] == [DutyKind.SUPERVISION_ANSWER]
    leaders = store.run(lambda repo: repo.open_duties_of([], main_leader=True, person="p-zhao"))
    assert [d.kind for d, _ in leaders] == [DutyKind.MAIN_LEADER_ACKNOWLEDGE]   # not 周科长's
    assert store.run(lambda repo: repo.open_duties_of(["u-food"])) == []


def test_0012_goes_down_and_up_again(database):
    config = alembic_config(database.url)
    command.downgrade(config, "0011")
    database.engine.dispose()
    assert "owner_person" not in {c["name"] for c in sa.inspect(database.engine).get_columns("duties")}
    upgrade(database.url)
    database.engine.dispose()
    assert "owner_person" in {c["name"] for c in sa.inspect(database.engine).get_columns("duties")}
