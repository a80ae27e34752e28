"""Authorisation through the real callback path, beyond the unit side's refusals
(tests/integration/unit_side/test_unit_refusals.py: every role × unit action refused with its reason,
nothing changed): a person deactivated in the organisation file can no longer act (their events are
ignored, nothing changes); a person not in the organisation at all likewise; a liaison whose role was
taken away is refused with the reason; a stale card (the case moved on) answers why it no longer applies.
Refusals write no timeline entry (the domain audits what changed, and nothing did)."""

from __future__ import annotations

from functools import partial

import requests

from tests.faults import seeds
from tests.faults.redeliver import settled
from tests.faults.stackhelp import handled_events, reload_org
from tests.integration import stack as stack_module
from tests.integration.unit_flow import (
    assignment_states,
    open_and_assign,
    timeline_actions,
)

wait_for = partial(stack_module.wait_for, timeout=40)
GROUP, HEAD, LIAISON = "cidFoodSale01==", "0601", "0602"


def warning_card(stack):
    dt = stack.emulator.dingtalk
    return wait_for(lambda: [m for m in dt.messages_for_group(GROUP) if m.channel == "card"],
                    what="the warning card\n" + stack.worker_log())[0]


def answered(dt, user, text):
    return wait_for(lambda: any(text in m.content.get("text", "") for m in dt.messages_for_user(user)
                                if m.channel != "card"), what=f"{user} to be told {text!r}")


def new_liaison(data):
    """u-foodsale's liaison is now 新干事 (0603) instead of 卫干事."""
    data["people"].append({"id": "p-new", "name": "新干事", "dingtalk": "0603"})
    for unit in data["units"]:
        if unit["id"] == "u-foodsale":
            unit["liaisons"] = ["p-new"]


def without_wei(data):
    """卫干事 has left the organisation file (deactivated)."""
    new_liaison(data)
    data["people"] = [p for p in data["people"] if p["id"] != "p-wei"]


def test_deactivated_and_unknown_people_cannot_act(stack, tmp_path):
    dt = stack.emulator.dingtalk
    case = open_and_assign(stack, ["u-foodsale"])
    card = warning_card(stack)
    settled(stack, wait_for)
    reload_org(stack, tmp_path, without_wei)
    before = handled_events(stack), len(dt.messages_for_user(LIAISON))
    dt.click(LIAISON, card.out_track_id, "case.ack")
    dt.say_to_bot(LIAISON, f"签收 {case.number}")
    stranger = seeds.robot_body(f"签收 {case.number}", group=GROUP)
    stranger["senderStaffId"] = "0999"
    stranger["sessionWebhookExpiredTime"] = 0  # the seed's webhook is not the emulator's: answer through the OpenAPI
    req = seeds.seal_robot(seeds.dumps(stranger))
    assert requests.post(f"{stack.url}/dingtalk/robot", data=req.body, timeout=10,
                         headers={**req.headers, "Content-Type": "application/json"}).status_code == 200
    settled(stack, wait_for)
    assert assignment_states(stack, case.case_id) == [("u-foodsale", "warned")]
    assert timeline_actions(stack, case.case_id) == ["case.open", "case.assign"]
    # each is told to register (卫干事 1:1 for his click and his message, the stranger in the group), each
    # event marked handled once; nothing else changes
    assert (handled_events(stack), len(dt.messages_for_user(LIAISON))) == (before[0] + 3, before[1] + 2)
    assert all("您尚未登记" in str(m.content) for m in dt.messages_for_user(LIAISON)[before[1]:])


def test_a_role_taken_away_is_refused_and_a_stale_card_says_why(stack, tmp_path):
    dt = stack.emulator.dingtalk
    case = open_and_assign(stack, ["u-foodsale"])
    card = warning_card(stack)
    settled(stack, wait_for)
    reload_org(stack, tmp_path, new_liaison)
    dt.click(LIAISON, card.out_track_id, "case.ack")
    answered(dt, LIAISON, "只有承办单位的联络员或负责人可以签收")
    assert assignment_states(stack, case.case_id) == [("u-foodsale", "warned")]
    assert timeline_actions(stack, case.case_id) == ["case.open", "case.assign"]

    dt.say_to_bot(HEAD, f"签收 {case.number}")
    wait_for(lambda: assignment_states(stack, case.case_id) == [("u-foodsale", "acknowledged")], what="the head's 签收")
    reload_org(stack, tmp_path, lambda data: None)  # 卫干事 is the liaison again; the warning is acknowledged
    # the unit's group and its liaisons share one card instance (docs/unit-flow.md), so 卫干事's card shows the
    # outcome at once and has no 签收 left to click; a 签收 typed from an old habit is answered why
    wait_for(lambda: dt.card_view(card.out_track_id, LIAISON)["status"].startswith("已由褚科长于"),
             what="卫干事's card to show the head's 签收")
    dt.say_to_bot(LIAISON, f"签收 {case.number}")
    answered(dt, LIAISON, "已由褚科长于")
    settled(stack, wait_for)
    assert timeline_actions(stack, case.case_id).count("case.ack") == 1
    assert dt.card_view(card.out_track_id, HEAD)["status"].startswith("已由褚科长于")
