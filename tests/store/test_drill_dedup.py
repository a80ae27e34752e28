"""Drills kept apart from real work in the database (issue 23): the same story's link never matches across a
drill and a real case — real intake never sees a drill, a drill only its own (sightings included)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from bot.core.clock import SHANGHAI
from bot.domain.case import commands as cases
from bot.domain.case.lifecycle import CaseState
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.intake.commands import add_sighting
from bot.domain.records import Actor, Intake
from bot.store.case_repo import SqlCaseStore
from bot.store.cases import CaseRow
from bot.store.org_repo import apply_organisation
from tests.unit.domain.sample_org import make_org

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
DESK = Actor("p-sun", "wecom")
LINK, SAME = "https://weibo.com/1234567/AbCdEf?utm_source=x", "https://weibo.com/1234567/AbCdEf"
OTHER = "https://www.douyin.com/video/42"


@pytest.fixture
def store(database):
    with database.session() as session:
        apply_organisation(session, make_org(), NOW)
    return SqlCaseStore(database)


@pytest.fixture
def rules():
    return Rules(make_org(), default_policy(), WorkCalendar())


def open_one(store, rules, *, drill: bool, at=NOW):
    return cases.open_case(store, rules, DESK, at, title="某超市销售过期食品", link=LINK, drill=drill,
                           drill_scale=60 if drill else None, intake=Intake("drill" if drill else "text")).case


def found(store, link, drill=False):
    case = store.run(lambda repo: repo.open_case_with_link(link, drill=drill))
    return case.id if case else None


def test_real_intake_never_matches_a_drill(store, rules):
    drill = open_one(store, rules, drill=True)
    assert found(store, SAME) is None
    assert found(store, SAME, drill=True) == drill.id
    real = open_one(store, rules, drill=False, at=NOW + timedelta(minutes=1))  # a newer drill would not hide it
    newer = open_one(store, rules, drill=True, at=NOW + timedelta(minutes=2))
    assert found(store, SAME) == real.id
    assert found(store, SAME, drill=True) == newer.id


def test_a_drill_never_matches_a_real_case_and_its_own_sightings_match_it(store, rules):
    real = open_one(store, rules, drill=False)
    assert found(store, SAME, drill=True) is None
    drill = open_one(store, rules, drill=True)
    add_sighting(store, rules, drill.id, DESK, NOW, link=OTHER, source="douyin")
    add_sighting(store, rules, real.id, DESK, NOW, link="https://www.douyin.com/video/7", source="douyin")
    assert found(store, OTHER, drill=True) == drill.id and found(store, OTHER) is None
    assert found(store, "https://www.douyin.com/video/7") == real.id
    assert found(store, "https://www.douyin.com/video/7", drill=True) is None


def test_an_archived_drill_matches_nothing(store, rules, database):
    drill = open_one(store, rules, drill=True)
    with database.session() as session:
        session.execute(update(CaseRow).where(CaseRow.id == drill.id).values(state=str(CaseState.ARCHIVED)))
    assert found(store, SAME, drill=True) is None and found(store, SAME) is None
