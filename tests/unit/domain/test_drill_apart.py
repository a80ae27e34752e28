"""Drills kept apart (issue 23): dedup never crosses between drills and real cases; a drill's leaders are only
the people its scenario names (bulletins and approvers); its scripted steps are read from the timeline and
performed once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from unittest.mock import ANY

import pytest

from bot.domain.case import commands as cases
from bot.domain.case.timeline import EntryDraft
from bot.domain.drill.people import case_people, drill_people, drill_steps, steps_done
from bot.domain.drill.steps import due_at, due_steps, perform_step, record_step
from bot.domain.errors import IllegalTransition, InvalidInput, NotFound
from bot.domain.grade import Grade
from bot.domain.intake.commands import add_sighting
from bot.domain.permissions import Role
from bot.domain.records import Actor, Intake
from bot.domain.response import approvers as who
from bot.domain.unit import commands as units
from handlers.case_lookup import case_view_of
from handlers.leaders import leaders
from handlers.registry import Context

DESK = Actor("p-sun", "wecom")
LINK = "https://weibo.com/1234567/AbCdEf?utm_source=x"
SAME = "https://weibo.com/1234567/AbCdEf"
OTHER = "https://www.douyin.com/video/42"


def open_one(store, rules, now, *, drill=False, link=LINK, grade=Grade.GENERAL):
    return cases.open_case(store, rules, DESK, now, title="演练：某超市" if drill else "某超市", link=link,
                           grade=grade, drill=drill, drill_scale=60 if drill else None,
                           intake=Intake("drill" if drill else "text")).case


def scenario(store, case_id, now, people=("p-zhao", "p-wu"), steps=(), scale=60):
    payload = {"people": list(people), "steps": list(steps), "scale": scale, "source": "major.yaml"}
    store.run(lambda repo: repo.append(case_id, EntryDraft("p-sun", "desk", "cli", "drill.scenario", payload, now)))


# --- dedup ------------------------------------------------------------------------------------------------------


def test_a_real_link_never_matches_a_drill_and_a_drill_never_a_real_case(store, rules, clock):
    drill = open_one(store, rules, clock.now(), drill=True)
    assert store.run(lambda repo: repo.open_case_with_link(SAME)) is None  # real intake: the drill is invisible
    real = open_one(store, rules, clock.now())
    assert store.run(lambda repo: repo.open_case_with_link(SAME)).id == real.id
    assert store.run(lambda repo: repo.open_case_with_link(SAME, drill=True)).id == drill.id


def test_a_drills_own_sighting_matches_the_drill_only(store, rules, clock):
    drill = open_one(store, rules, clock.now(), drill=True)
    add_sighting(store, rules, drill.id, DESK, clock.now(), link=OTHER, source="douyin")
    assert store.run(lambda repo: repo.open_case_with_link(OTHER, drill=True)).id == drill.id
    assert store.run(lambda repo: repo.open_case_with_link(OTHER)) is None


# --- reading the scenario ---------------------------------------------------------------------------------------


def test_people_steps_and_done_read_from_the_timeline(store, rules, clock):
    drill = open_one(store, rules, clock.now(), drill=True)
    timeline = store.run(lambda repo: repo.timeline(drill.id))
    assert drill_people(timeline) is None and drill_steps(timeline) == () and steps_done(timeline) == {}
    scenario(store, drill.id, clock.now(), people=("p-zhao", "p-wu", "p-zhao"),
             steps=[{"after": 600, "raise": 4, "reason": "热度持续上升"}])
    timeline = store.run(lambda repo: repo.timeline(drill.id))
    assert drill_people(timeline) == ("p-zhao", "p-wu")
    (step,) = drill_steps(timeline)
    assert (step.index, step.after, step.raise_to, step.reason) == (0, timedelta(minutes=10), Grade.ESPECIALLY_MAJOR,
                                                                     "热度持续上升")


# --- leaders of a drill -----------------------------------------------------------------------------------------


def test_a_drills_bulletins_go_only_to_the_named_leaders_of_the_case(store, rules, org, clock):
    ctx = Context(org, None, clock.now(), store=store, rules=rules)
    real = open_one(store, rules, clock.now(), link=None, grade=Grade.MAJOR)
    units.assign_unit(store, rules, real.id, DESK, clock.now(), "u-food")
    assert leaders(ctx, case_view_of(ctx, real.id)) == ["p-zhao", "p-qian", "p-wu"]
    drill = open_one(store, rules, clock.now(), drill=True, link=None, grade=Grade.MAJOR)
    units.assign_unit(store, rules, drill.id, DESK, clock.now(), "u-food")
    assert leaders(ctx, case_view_of(ctx, drill.id)) == ["p-zhao", "p-qian", "p-wu"]  # no scenario: unchanged
    scenario(store, drill.id, clock.now(), people=("p-wu", "p-zhao", "p-zheng", "p-nobody"))
    # only named people who are leaders of the case (p-zheng leads u-drug, not on the case; p-nobody leads nothing)
    assert leaders(ctx, case_view_of(ctx, drill.id)) == ["p-zhao", "p-wu"]
    scenario(store, drill.id, clock.now(), people=())
    assert leaders(ctx, case_view_of(ctx, drill.id)) == []


def test_approvers_only_among_the_named_people(org):
    named = ("p-wu", "p-zhao")
    assert who.main_leaders(org, people=named) == ["p-zhao"]
    assert who.main_leaders(org, people=("p-wu",)) == []
    assert who.publicity_approvers(org, people=named) == []
    assert who.publicity_approvers(org) == ["p-qian"]
    assert who.is_main_leader(org, "p-zhao", people=named) and not who.is_main_leader(org, "p-zhao", people=("p-wu",))
    assert who.script_roles(org, "p-wu", "u-food", people=named) == [Role.LEADER_IN_CHARGE]
    assert who.script_roles(org, "p-qian", "u-food", people=named) == []
    assert who.script_roles(org, "p-qian", "u-food") == [Role.PUBLICITY_LEADER]
    with pytest.raises(InvalidInput) as refused:
        who.script_approvers(org, "u-food", people=named)
    assert "演练名单中没有分管宣传的局领导" in refused.value.message
    assert who.script_approvers(org, "u-food", people=("p-qian", "p-wu")) == {
        Role.PUBLICITY_LEADER: ["p-qian"], Role.LEADER_IN_CHARGE: ["p-wu"]}
    assert who.plan_approver(org, "u-food", Role.LEADER_IN_CHARGE, people=named) == "p-wu"
    with pytest.raises(InvalidInput):
        who.plan_approver(org, "u-food", Role.MAIN_LEADER, people=("p-wu",))
    assert who.plan_steps(org, "p-zhao", "u-food", people=named) == [Role.MAIN_LEADER]
    assert who.plan_steps(org, "p-zhao", "u-food", people=("p-wu",)) == []
    # the county's leaders (issue 22) filtered the same way
    assert who.main_leaders(org, county="u-county-a", people=("p-qi",)) == ["p-qi"]
    assert who.main_leaders(org, county="u-county-a", people=("p-zhao",)) == []


# --- scripted steps ---------------------------------------------------------------------------------------------

STEPS = [{"after": 600, "raise": 4, "reason": "热度持续上升"}, {"after": 1200, "raise": 2, "reason": "回落"}]


def test_steps_fall_due_at_the_scaled_time_and_are_performed_once(store, rules, clock):
    now = clock.now()
    drill = open_one(store, rules, now, drill=True, link=None, grade=Grade.MAJOR)
    scenario(store, drill.id, now, steps=STEPS)
    timeline = store.run(lambda repo: repo.timeline(drill.id))
    first, second = drill_steps(timeline)
    assert due_at(drill, first) == drill.opened_at + timedelta(seconds=10)  # 10min at scale 60
    assert due_steps(drill, timeline, now + timedelta(seconds=9)) == []
    assert due_steps(drill, timeline, now + timedelta(seconds=10)) == [first]
    grading, step = perform_step(store, rules, drill.id, 0, now + timedelta(seconds=10))
    assert grading.entry.action == "case.grade" and grading.entry.platform == "drill"
    assert grading.entry.actor == "p-sun" and grading.entry.payload["reason"] == "热度持续上升"
    assert grading.case.grade == Grade.ESPECIALLY_MAJOR
    assert step.entry.action == "drill.step" and step.entry.payload == {
        "index": 0, "raise": 4, "reason": "热度持续上升", "changed": True, "row": ANY}
    with pytest.raises(IllegalTransition):
        perform_step(store, rules, drill.id, 0, now + timedelta(seconds=11))
    timeline = store.run(lambda repo: repo.timeline(drill.id))
    assert due_steps(drill, timeline, now + timedelta(seconds=30)) == [second]
    # 重大 is not above 特别重大: done, nothing changed
    grading, step = perform_step(store, rules, drill.id, 1, now + timedelta(seconds=30))
    assert grading is None and step.entry.payload["changed"] is False
    assert store.repo.get_case(drill.id).grade == Grade.ESPECIALLY_MAJOR
    timeline = store.run(lambda repo: repo.timeline(drill.id))
    assert set(steps_done(timeline)) == {0, 1} and due_steps(drill, timeline, now + timedelta(hours=1)) == []
    assert [e.action for e in timeline].count("case.grade") == 1


def test_a_real_case_has_no_steps_and_a_step_must_exist(store, rules, clock):
    real = open_one(store, rules, clock.now(), link=None)
    scenario(store, real.id, clock.now(), steps=STEPS)  # even with an entry: a real case is never scripted
    timeline = store.run(lambda repo: repo.timeline(real.id))
    assert due_steps(real, timeline, clock.now() + timedelta(days=1)) == []
    with pytest.raises(NotFound):
        record_step(store, rules, real.id, 0, clock.now())
    drill = open_one(store, rules, clock.now(), drill=True, link=None)
    scenario(store, drill.id, clock.now(), steps=STEPS)
    with pytest.raises(NotFound):
        record_step(store, rules, drill.id, 5, clock.now())


def test_a_refused_grading_is_recorded_with_its_reason(store, rules, org, clock):
    drill = cases.open_case(store, rules, Actor("p-li", "wecom"), clock.now(), title="演练：某超市", drill=True,
                            drill_scale=60).case
    scenario(store, drill.id, clock.now(), steps=STEPS)
    desk = replace(org.units["u-desk"], liaisons=())  # the opener has left the desk since
    moved = replace(rules, org=replace(org, units={**org.units, "u-desk": desk}))
    grading, step = perform_step(store, moved, drill.id, 0, clock.now() + timedelta(minutes=1))
    assert grading is None and step.entry.payload["changed"] is False and step.entry.payload["refused"]
    assert store.repo.get_case(drill.id).grade == Grade.GENERAL


def test_case_people_reads_a_drills_timeline_only(store, rules, clock):
    real = open_one(store, rules, clock.now(), link=None)
    scenario(store, real.id, clock.now())
    assert store.run(lambda repo: case_people(repo, repo.get_case(real.id))) is None
    drill = open_one(store, rules, clock.now(), drill=True, link=None)
    assert store.run(lambda repo: case_people(repo, repo.get_case(drill.id))) is None
    scenario(store, drill.id, clock.now())
    assert store.run(lambda repo: case_people(repo, repo.get_case(drill.id))) == ("p-zhao", "p-wu")


def test_a_drills_script_is_asked_only_of_the_named_leaders_through_the_domain(store, rules, clock):
    from bot.domain.response.scripts import submit_script

    feng = Actor("p-feng", "wecom")  # 食品生产安全监督管理科's liaison
    for people, asked in ((("p-zhao", "p-wu"), None), (("p-qian", "p-wu"), {"p-qian", "p-wu"})):
        drill = open_one(store, rules, clock.now(), drill=True, link=None, grade=Grade.MAJOR)
        units.assign_unit(store, rules, drill.id, DESK, clock.now(), "u-food")
        a = store.run(lambda repo: repo.assignments(drill.id))[0]
        units.acknowledge(store, rules, drill.id, a.id, feng, clock.now())
        scenario(store, drill.id, clock.now(), people=people)
        if asked is None:  # no publicity leader named: nobody may be asked in his place
            with pytest.raises(InvalidInput, match="演练名单中没有"):
                submit_script(store, rules, drill.id, "u-food", feng, clock.now(), "涉事批次已下架。")
            continue
        outcome = submit_script(store, rules, drill.id, "u-food", feng, clock.now(), "涉事批次已下架。")
        assert {d.owner_person for d in outcome.started} == asked
