"""A 重大 case's 口径 through the real signed callbacks, a real worker and the emulators (issue 20, Done when 1-2):
the unit's liaison types the 口径 dialog, one leader sends v1 back (退回修改 button, the reason typed), the liaison
submits v2, and both leaders approve it — 钱副局长 (publicity) on WeCom, 吴副局长 (食品经营's leader in charge) on
DingTalk, in either order. Then the same for 消费者权益保护科, whose leader in charge is 钱副局长 himself: one card,
one 同意. Only what people type and click; the database is read for the assertions."""

from __future__ import annotations

import pytest

from bot.domain.grade import Grade
from bot.domain.kinds import DutyKind
from tests.integration.duty_checks import duties, escalations
from tests.integration.response.walk import QIAN, WU, entries, live, submit_script
from tests.integration.unit_flow import open_and_assign

K = DutyKind.SCRIPT_APPROVAL
FOODSALE, WEI = "食品经营安全监督管理科", "0602"   # liaison 卫干事 on DingTalk; leader in charge 吴副局长 (DingTalk)
CONSUMER, LV = "消费者权益保护科", "lvgs"          # liaison 吕干事 on WeCom; leader in charge 钱副局长
REASON = "请删去未经核实的检测数据"


def send_back(p, leader: str, number: str, unit: str) -> None:
    """The leader clicks 退回修改 on his v1 card and types the reason."""
    p.press(leader, f"口径审定 {number} v1", "script.return", case=number, v=1)
    p.told(leader, "请说明退回修改")
    p.exchange(leader, (REASON, f"已退回修改：{number} {unit}的口径 v1"))


@pytest.mark.parametrize("first", [QIAN, WU], ids=["wecom-first", "dingtalk-first"])
def test_a_script_sent_back_once_and_approved_by_both_leaders(people, first):
    p = people
    case = open_and_assign(p.stack, ["u-foodsale"], Grade.MAJOR)
    n = case.number
    submit_script(p, WEI, n, FOODSALE, "涉事门店已停业整改，相关批次全部下架封存。", 1)
    p.told(QIAN, f"口径审定 {n} v1")
    p.told(WU, f"口径审定 {n} v1")

    send_back(p, WU, n, FOODSALE)
    p.wait(lambda: any(f"口径退回修改 {n} v1" in t and REASON in t for t in p.got(WEI)), "the unit told the reason")
    # both v1 cards settle (WeCom's too: updated in place), the other leader's showing the reason
    p.wait(lambda: not live(p, QIAN, f"口径审定 {n} v1") and not live(p, WU, f"口径审定 {n} v1"), "the v1 cards settled")
    assert any(f"口径审定 {n} v1" in t and f"退回理由（吴副局长）：{REASON}" in t for t in p.got(QIAN))

    submit_script(p, WEI, n, FOODSALE, "涉事门店已停业整改，相关批次全部下架封存，抽检结果将及时公布。", 2)
    second = WU if first == QIAN else QIAN
    p.press(first, f"口径审定 {n} v2", "script.approve", case=n, v=2)
    p.wait(lambda: not live(p, first, f"口径审定 {n} v2"), f"{first}'s v2 card settled")
    p.press(second, f"口径审定 {n} v2", "script.approve", case=n, v=2)
    p.wait(lambda: any(f"口径已审定 {n} v2" in t for t in p.got(WEI)), "the unit told v2 is approved")

    approved = [e for e in entries(p.stack, case.case_id, "script.approve") if e.payload.get("approved")]
    assert [(e.payload["version"], e.actor) for e in approved] == [(2, "p-wu" if second == WU else "p-qian")]
    v1, v2 = ([d for d in duties(p.stack, case.case_id, K) if d.id in ids] for ids in _versions(p, case.case_id))
    assert sorted((d.owner_person, d.state) for d in v1) == [("p-qian", "closed"), ("p-wu", "done")]
    assert sorted((d.owner_person, d.state, d.ended_by, d.late) for d in v2) == [
        ("p-qian", "done", "p-qian", False), ("p-wu", "done", "p-wu", False)]
    assert all(escalations(p.stack, d.id) == [] and d.firing_id is None for d in v1 + v2), "no 逾期提醒 fired"
    p.wait(lambda: not any(live(p, who, f"口径审定 {n}") for who in (QIAN, WU)), "every approval card settled")


def _versions(p, case_id: int) -> list[set[int]]:
    """The approval duty ids each script version started (its submission's payload), v1 then v2."""
    return [{d["id"] if isinstance(d, dict) else d for d in e.payload.get("started") or []}
            for e in entries(p.stack, case_id, "script.submit")]


def test_one_approval_when_the_leader_in_charge_is_the_publicity_leader(people):
    p = people
    case = open_and_assign(p.stack, ["u-consumer"], Grade.MAJOR)
    n = case.number
    submit_script(p, LV, n, CONSUMER, "已约谈涉事商家，督促退赔。", 1)
    p.told(LV, "已送钱副局长审定")
    send_back(p, QIAN, n, CONSUMER)
    p.wait(lambda: any(f"口径退回修改 {n} v1" in t and REASON in t for t in p.got(LV)), "the unit told the reason")

    submit_script(p, LV, n, CONSUMER, "已约谈涉事商家，督促全额退赔，并立案调查。", 2)
    p.press(QIAN, f"口径审定 {n} v2", "script.approve", case=n, v=2)
    p.wait(lambda: any(f"口径已审定 {n} v2" in t for t in p.got(LV)), "the unit told v2 is approved")

    [decision] = entries(p.stack, case.case_id, "script.approve")
    assert decision.payload["approved"] is True and decision.actor == "p-qian"
    assert sorted(decision.payload["roles"]) == ["leader_in_charge", "publicity_leader"]
    mine = duties(p.stack, case.case_id, K)
    assert [(d.owner_person, d.state) for d in mine] == [("p-qian", "done"), ("p-qian", "done")]
    assert all(not d.late and escalations(p.stack, d.id) == [] for d in mine), "no 逾期提醒 fired"
    p.wait(lambda: not live(p, QIAN, f"口径审定 {n}"), "his approval cards settled")
