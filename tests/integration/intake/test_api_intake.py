"""POST /api/v1/cases over real HTTP: 201 with the number, 200 with the same number for a seen
external_id, the desk's card in its DingTalk group (a worker job), the leaders' bulletins of a 特别重大 item (the main
leader signs his), and the 401/400/413/415 refusals."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from functools import partial

from tests.integration import stack as stack_module
from tests.integration.intake.conftest import API_TOKEN, detail
from tests.integration.unit_flow import case_no

wait_for = partial(stack_module.wait_for, timeout=40)
DESK = "cidDesk0001=="
ITEM = {"external_id": "sentinel-20261129-001", "title": "监测：某品牌电动车电池起火", "link": "https://www.toutiao.com/article/1/",
        "first_seen_at": "2026-11-29T08:00:00+08:00", "grade": 2}


def post(stack, body, token=API_TOKEN, content_type="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"{stack.url}/api/v1/cases", data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_an_api_item_opens_once_and_the_desk_sees_its_card(intake_stack):
    status, body = post(intake_stack, ITEM)
    assert (status, body) == (201, {"number": case_no(1), "created": True})
    assert post(intake_stack, ITEM) == (200, {"number": case_no(1), "created": False})
    case = detail(intake_stack)
    assert case["grade"] == 2 and case["source"] == "toutiao" and case["intake"]["external_id"] == ITEM["external_id"]
    dt = intake_stack.emulator.dingtalk
    msg = wait_for(lambda: [m for m in dt.messages_for_group(DESK) if m.channel == "card"],
                   what="the desk's card in its group\n" + intake_stack.worker_log())[0]
    view = dt.card_view(msg.out_track_id, "0523")
    assert view["title"] == f"已立案 {case_no(1)}" and view["status"] == "由监测系统接口推送"
    wait_for(lambda: detail(intake_stack)["intake"]["preview"]["status"] == "failed", what="the preview's outcome")


def test_refusals_change_nothing(intake_stack):
    assert post(intake_stack, ITEM, token="")[0] == 401
    assert post(intake_stack, ITEM, token="wrong")[0] == 401
    status, body = post(intake_stack, {"title": "no id"})
    assert status == 400 and "external_id" in body["reason"]
    assert post(intake_stack, {**ITEM, "summary": "x" * 70000})[0] == 413
    assert post(intake_stack, b"external_id=1", content_type="text/plain")[0] == 415
    assert detail(intake_stack) is None


def test_an_especially_major_api_case_reaches_the_main_leader_at_once_and_he_signs_it(intake_stack):
    """Issue 19, item 8: the same leader bulletins as a case graded in chat — 特别重大: the main leader's 签收."""
    status, body = post(intake_stack, {**ITEM, "external_id": "sentinel-4", "grade": 4})
    assert status == 201
    number, wecom = body["number"], intake_stack.emulator.wecom
    bulletin = wait_for(lambda: [c for c in wecom.cards_for_user("zhaojz")
                                 if c["card"]["main_title"]["title"] == f"舆情通报 {number}"],
                        what="the main leader's bulletin\n" + intake_stack.worker_log())[0]
    wait_for(lambda: any(f"舆情通报 {number}" in str(m["content"]) for m in wecom.messages_for_user("qianfjz")),
             what="the publicity leader's bulletin")
    ack = next(k for k in bulletin["clickable"] if k.startswith("leader.ack?"))
    wecom.act_as("zhaojz").click(bulletin["task_id"], ack)
    wait_for(lambda: (wecom.card_for_user("zhaojz", bulletin["task_id"])["card"].get("replace_text") or "")
             .startswith("已由赵局长于"), what="the bulletin signed in place\n" + intake_stack.worker_log())
    duty = next(d for d in detail(intake_stack, number)["duties"] if d["kind"] == "main_leader_acknowledge")
    assert duty["state"] == "done" and not duty["late"]
