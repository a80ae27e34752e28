"""A monitoring system's item is never a drill, even while a drill case runs (issue 23: no global switch)."""

from __future__ import annotations

from bot.domain.case.commands import open_case
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.records import Actor
from bot.store.case_repo import SqlCaseStore
from bot.store.org_repo import read_organisation
from tests.unit.api.test_intake_api import ITEM, NOW, TOKEN, cases, client, post  # noqa: F401 (the fixture)


def test_while_a_drill_runs_an_api_item_opens_a_real_case(client):
    with client.database.session() as session:
        rules = Rules(read_organisation(session), default_policy(), WorkCalendar())
    drill = open_case(SqlCaseStore(client.database), rules, Actor("p-sun", "cli"), NOW, title="演练：某商场电梯故障",
                      drill=True, drill_scale=60).case
    answer = post(client, ITEM, token=TOKEN)
    assert answer.status_code == 201
    assert {c["number"]: c["drill"] for c in cases(client)} == {drill.number: True, answer.get_json()["number"]: False}
