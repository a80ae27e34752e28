"""A person's own duty (``Duty.owner_person``) is done by that person alone (issue 19): ``end_duty_by_hand``
records him under the role ``owner`` whatever roles he holds on the case; anyone else — the desk, a unit's head
or liaison whose roles would end a unit's duty of the same kind — is refused by name and nothing changes; the
desk may still close it with a reason (duty.close). A unit's duty keeps its role rules."""

from __future__ import annotations

import pytest

from bot.domain.case import commands as cases
from bot.domain.clock.duties import start_owned_duty
from bot.domain.errors import InvalidInput, NotPermitted
from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind as K
from bot.domain.records import Actor, DutyState
from bot.domain.unit import commands as units

DESK, ZHOU, FENG = Actor("p-li", "wecom"), Actor("p-zhou", "wecom"), Actor("p-feng", "wecom")


def own_duty(store, rules, clock, **owner):
    case = cases.open_case(store, rules, DESK, clock.now(), title="某超市销售过期食品", grade=Grade.MAJOR).case
    units.assign_unit(store, rules, case.id, DESK, clock.now(), "u-food")
    duty = start_owned_duty(rules.policy, rules.calendar, case, K.SUPERVISION_ANSWER, clock.now(), **owner)
    return case, store.run(lambda repo: repo.add_duty(duty))


@pytest.mark.parametrize("other", [DESK, FENG, Actor("p-zhao"), Actor("p-wu")])
def test_only_the_owner_does_his_own_duty(store, rules, clock, other):
    case, duty = own_duty(store, rules, clock, person="p-zhou")
    before = len(store.repo.timeline(case.id))
    with pytest.raises(NotPermitted) as refused:
        cases.end_duty_by_hand(store, rules, case.id, duty.id, other, clock.now(), done=True)
    assert refused.value.message == "“回复督办”由周科长本人办理，您的点击或指令未作处理。"
    assert len(store.repo.timeline(case.id)) == before and store.repo.duties(case.id)[-1].open

    out = cases.end_duty_by_hand(store, rules, case.id, duty.id, ZHOU, clock.now(), done=True, details={"text": "已办"})
    assert (out.entry.role, out.entry.payload["details"], out.ended[0].state) == ("owner", {"text": "已办"},
                                                                                  DutyState.DONE)
    with pytest.raises(InvalidInput):
        cases.end_duty_by_hand(store, rules, case.id, duty.id, ZHOU, clock.now(), done=True)


def test_the_desk_may_still_close_a_persons_own_duty_and_a_units_keeps_its_role_rules(store, rules, clock):
    case, duty = own_duty(store, rules, clock, person="p-zhou")
    with pytest.raises(NotPermitted):
        cases.end_duty_by_hand(store, rules, case.id, duty.id, ZHOU, clock.now(), done=False, reason="不需要")
    closed = cases.end_duty_by_hand(store, rules, case.id, duty.id, DESK, clock.now(), done=False, reason="不需要")
    assert closed.ended[0].state == DutyState.CLOSED

    _, units_own = own_duty(store, rules, clock, unit="u-food")
    with pytest.raises(NotPermitted):
        cases.end_duty_by_hand(store, rules, units_own.case_id, units_own.id, DESK, clock.now(), done=True)
    done = cases.end_duty_by_hand(store, rules, units_own.case_id, units_own.id, FENG, clock.now(), done=True)
    assert done.entry.role == "liaison"
