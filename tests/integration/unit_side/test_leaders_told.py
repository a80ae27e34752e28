"""舆情通报 when the desk grades before it assigns (the order the intake card invites), through the real signed
and encrypted callbacks: 陈干事 (WeCom) forwards a link, clicks 重大 and then a unit on the card. The unit's
leader in charge (吴副局长, DingTalk) gets exactly one bulletin, naming the unit; the main leader (赵局长, WeCom)
was told at the grade (承办单位：待分派) and is told again naming the unit. Messages are taken by their title and
case number, never "the newest": a digest may arrive at any time."""

from __future__ import annotations

from functools import partial

import pytest

from tests.faults.redeliver import settled
from tests.integration import stack as stack_module
from tests.integration.intake.conftest import detail

wait_for = partial(stack_module.wait_for, timeout=40)
LINK = "https://weibo.com/1234567890/NbCdEf?utm_source=wecom"
FOOD = "食品生产安全监督管理科"
WU = "0412"  # 吴副局长, leader in charge of 食品生产安全监督管理科, on DingTalk only


def dt_bulletins(dt, user: str, number: str) -> list[str]:
    """The texts of the 舆情通报 about ``number`` that ``user`` got on DingTalk (a card — one with 督办 buttons — as
    the user sees it)."""
    texts = [str(dt.card_view(m.out_track_id, user)) if m.channel == "card" else str(m.content)
             for m in dt.messages_for_user(user)]
    return [t for t in texts if f"舆情通报 {number}" in t]


def wecom_bulletins(wecom, user: str, number: str) -> list[str]:
    """The texts of the 舆情通报 about ``number`` that ``user`` got on WeCom, oldest first."""
    texts = [str(m["content"]) for m in wecom.messages_for_user(user)]
    return [t for t in texts if f"舆情通报 {number}" in t]


@pytest.mark.counts_messages
def test_graded_before_assigned_the_leader_in_charge_is_told_once_and_the_main_leader_gets_the_unit(stack):
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    chen = wecom.act_as("chengs")
    assert chen.send_link("网友曝光某食品厂使用过期原料", LINK, "视频显示……").status == 200
    card = wait_for(lambda: [c for c in wecom.cards_for_user("chengs")
                             if c["card"]["main_title"]["title"].startswith("已立案 ")],
                    what="the desk's card\n" + stack.worker_log())[0]
    number = card["card"]["main_title"]["title"].removeprefix("已立案 ")

    chen.click(card["task_id"], next(k for k in card["clickable"] if k.startswith("intake.grade") and "grade=3" in k))
    wait_for(lambda: detail(stack, number)["grade"] == 3, what="the grade\n" + stack.worker_log())
    first = wait_for(lambda: wecom_bulletins(wecom, "zhaojz", number), what="the main leader's bulletin at the grade")
    assert "待分派" in first[0]
    settled(stack, wait_for)
    assert dt_bulletins(dt, WU, number) == [], "no unit yet: its leader in charge is not told"

    chen.click(card["task_id"], next(k for k in card["clickable"]
                                     if k.startswith("intake.assign") and "unit=u-food" in k))
    wait_for(lambda: detail(stack, number)["assignments"], what="the assignment\n" + stack.worker_log())
    wait_for(lambda: dt_bulletins(dt, WU, number), what="the leader in charge's bulletin\n" + stack.worker_log())
    settled(stack, wait_for)
    (told,) = dt_bulletins(dt, WU, number)
    assert FOOD in told and "待分派" not in told and "重大舆情" in told
    # the main leader already has the bulletin: he is told the unit in one line, not sent it again
    assert len(wecom_bulletins(wecom, "zhaojz", number)) == 1
    assert any(f"{number} 承办单位更新为：{FOOD}" in str(m["content"]) for m in wecom.messages_for_user("zhaojz"))
