"""The cards of a drill the command line opened (issue 23): the desk's card to the desk's groups, the unit's warning,
the bulletins of the leaders the scenario names — each marked 演练 — once; a real case is not announced as a drill."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.domain.drill.scenario import load_scenario
from bot.domain.drill.start import shipped_scenario, start_drill
from bot.domain.records import Actor
from bot.store import outbox
from tests.support.capabilities import BOTH
from tests.unit.handlers.unit_side import World
from worker import drill_jobs


@pytest.fixture
def world(sqlite_database):
    return World(sqlite_database)


@pytest.fixture
def scheduled(monkeypatch):
    rows: list[int] = []
    monkeypatch.setattr(drill_jobs, "schedule", lambda rt, row_id: rows.append(row_id))
    return rows


def runtime(world):
    return SimpleNamespace(database=world.store.database, redis=None, rules=lambda org: world.rules, capabilities=BOTH)


def rows(world, ids):
    with world.store.database.session() as session:
        return [session.get(outbox.OutboxRow, i) for i in ids]


def test_a_drill_opened_from_the_command_line_sends_its_cards_once(world, scheduled):
    scenario = load_scenario(shipped_scenario("major"), world.org)
    case = start_drill(world.store, world.rules, Actor("cli:ops", "cli"), world.now, scenario).case
    ids = drill_jobs.announce_drill(runtime(world), case.id)
    assert ids and scheduled == ids
    sent = rows(world, ids)
    kinds = {(r.card["kind"], r.method, r.address.get("user_id")) for r in sent if r.method == "person"}
    groups = sorted((r.card["kind"], r.platform) for r in sent if r.method == "group")
    assert ("intake_card", "dingtalk") in groups and ("case_card", "dingtalk") in groups  # the desk, 食品经营科
    bulletins = sorted(user for kind, _, user in kinds if kind == "bulletin")
    assert bulletins == ["0412", "qianfjz", "zhaojz"]      # 吴副局长, 钱副局长, 赵局长: the scenario's people only
    assert ("case_card", "person", "0602") in kinds        # 卫干事, the unit's liaison
    assert all("演练" in str(r.card["data"].get("title", "")) for r in sent)
    assert drill_jobs.announce_drill(runtime(world), case.id) == []    # once


def test_a_real_case_is_not_announced_as_a_drill(world, scheduled):
    case = world.open().case
    assert drill_jobs.announce_drill(runtime(world), case.id) == [] and scheduled == []
    assert drill_jobs.announce_drill(runtime(world), 9999) == []
