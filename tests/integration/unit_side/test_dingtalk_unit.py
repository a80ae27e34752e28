"""A 重大 case on DingTalk (u-foodsale: head 褚科长 0601, liaison 卫干事 0602, group cidFoodSale01==), from a
link the desk forwards in its group (intake's card: grade 重大 by button, 分派 typed): the warning card in the group and 1:1, 签收 in the group updates every copy and tells the head, a second click
is answered, leaders get the bulletin, 报告 from the card walks kind → picture and file → text → confirm to a
专项报告 that reaches the desk with its attachments (opened through the bot's links: the downloadCode resolved
then, an expired one a clear page), and every copy of the unit's card shows the latest report — all through
real callbacks, a real worker and the emulator's records."""

from __future__ import annotations

import pytest

import re
from functools import partial

import requests

from tests.integration import stack as stack_module
from tests.integration.unit_flow import (
    assignment_states,
    opened,
    report_entries,
    timeline_actions,
    without_previews,
)

wait_for = partial(stack_module.wait_for, timeout=40)
GROUP, HEAD, LIAISON = "cidFoodSale01==", "0601", "0602"
PHOTO, NOTICE = b"\xff\xd8\xff\xe0 photo of the shelves", b"%PDF-1.4 rectification notice"
DESK_GROUP, SUN, LI = "cidDesk0001==", "0523", "0524"
LINK = "https://www.douyin.com/video/7300000000000000077"


def cards(dt, *, group=None, user=None):
    messages = dt.messages_for_group(group) if group else dt.messages_for_user(user)
    return [m for m in messages if m.channel == "card"]


def markdowns(dt, user):
    return [m.content.get("text", "") for m in dt.messages_for_user(user) if m.channel != "card"]


def said(dt, user, text):
    return wait_for(lambda: any(text in t for t in markdowns(dt, user)), what=f"{user} to be told {text!r}")


@pytest.mark.counts_messages
def test_a_major_case_on_dingtalk_from_warning_to_special_report(stack):
    dt = stack.emulator.dingtalk
    dt.say_in_group(SUN, DESK_GROUP, f"网传某超市销售过期食品致多人不适 {LINK}")
    intake = wait_for(lambda: cards(dt, group=DESK_GROUP), what="intake's card\n" + stack.worker_log())[0]
    case = wait_for(lambda: opened(stack), what="the case")
    major = next(b for b in dt.card_view(intake.out_track_id, LI)["buttons"] if b["text"].startswith("重大"))
    dt.click(LI, intake.out_track_id, major["action_id"])
    wait_for(lambda: "case.grade" in timeline_actions(stack, case.case_id), what="the grade\n" + stack.worker_log())
    dt.say_in_group(LI, DESK_GROUP, f"分派 {case.number} 食品经营安全监督管理科")
    group_card = wait_for(lambda: cards(dt, group=GROUP), what="the warning card in the group\n" + stack.worker_log())[0]
    own_card = wait_for(lambda: cards(dt, user=LIAISON), what="the liaison's 1:1 card")[0]
    view = dt.card_view(group_card.out_track_id, LIAISON)
    assert view["title"] == f"舆情预警 {case.number}" and not view["problems"]
    assert [b["text"] for b in view["buttons"]] == ["签收", "非本单位职责"]
    assert [f["label"] for f in view["facts"]] == ["等级", "签收时限", "初报时限"]
    assert view["facts"][0] == {"label": "等级", "value": "重大舆情"} and "剩余" not in view["body"]

    dt.click(LIAISON, group_card.out_track_id, "case.ack")
    for out_track_id, viewer in ((group_card.out_track_id, HEAD), (own_card.out_track_id, LIAISON)):
        wait_for(lambda: dt.card_view(out_track_id, viewer)["status"].startswith("已由卫干事于"),
                 what="every copy to show who acknowledged\n" + stack.worker_log())
        assert [b["text"] for b in dt.card_view(out_track_id, viewer)["buttons"]] == ["报告"]
    said(dt, HEAD, "卫干事已于")
    assert assignment_states(stack, case.case_id) == [("u-foodsale", "acknowledged")]
    wecom = stack.emulator.wecom
    for leader in ("zhaojz", "qianfjz"):  # 重大: the bulletin to the main and the publicity leader (both on WeCom)
        bulletin = wait_for(lambda: [m for m in wecom.messages_for_user(leader)
                                     if f"舆情通报 {case.number}" in str(m["content"])],
                            what=f"the bulletin to {leader}")  # not the digest a worker may send at start
        assert "重大舆情" in str(bulletin[0]["content"])

    dt.say_to_bot(LIAISON, f"签收 {case.number}")
    said(dt, LIAISON, "已由卫干事于")

    dt.click(LIAISON, own_card.out_track_id, "report.start")
    kinds = wait_for(lambda: [c for c in cards(dt, user=LIAISON) if c.out_track_id != own_card.out_track_id],
                     what="the report kinds card")[0]
    assert [b["text"] for b in dt.card_view(kinds.out_track_id, LIAISON)["buttons"]] == ["初报", "核报", "续报", "专项报告"]
    dt.click(LIAISON, kinds.out_track_id, "report.kind#4")
    said(dt, LIAISON, "请发送专项报告内容")
    wait_for(lambda: dt.card_view(kinds.out_track_id, LIAISON)["status"] == "已选择专项报告",
             what="the kinds card settled after its click\n" + stack.worker_log())
    assert dt.card_view(kinds.out_track_id, LIAISON)["buttons"] == []
    dt.send_picture(LIAISON, PHOTO)
    said(dt, LIAISON, "已收到附件（图片 1 张）。请继续发送专项报告的文字内容。")
    dt.say_to_bot(LIAISON, msgtype="file", data=NOTICE, name="整改通知书.pdf")
    said(dt, LIAISON, "已收到附件（图片 1 张、文件 整改通知书.pdf）")
    dt.say_to_bot(LIAISON, "涉事门店已停业整改，过期食品全部下架销毁，已立案调查。")
    confirm = wait_for(lambda: [c for c in cards(dt, user=LIAISON)
                                if dt.card_view(c.out_track_id, LIAISON)["title"].startswith("确认提交专项报告")],
                       what="the confirm card")[0]
    assert "附件：图片 1 张、文件 整改通知书.pdf" in dt.card_view(confirm.out_track_id, LIAISON)["body"]
    dt.click(LIAISON, confirm.out_track_id, "report.confirm")
    said(dt, LIAISON, f"已提交 {case.number} 专项报告（第1版）（附件：图片 1 张、文件 整改通知书.pdf）")
    wait_for(lambda: dt.card_view(confirm.out_track_id, LIAISON)["status"] == "已提交专项报告（第1版）",
             what="the confirm card settled: no second 确认提交 to click\n" + stack.worker_log())
    assert dt.card_view(confirm.out_track_id, LIAISON)["buttons"] == []
    desk = wait_for(lambda: cards(dt, user="0523"), what="the report at the desk (孙科长)")[0]
    seen = dt.card_view(desk.out_track_id, "0523")
    assert seen["title"] == f"专项报告（第1版） {case.number}" and "停业整改" in seen["body"]
    assert "附件：图片 1 张、文件 整改通知书.pdf" in seen["body"]
    photo_link, file_link = re.findall(re.escape(stack.url) + r"/files/[\w.-]+", seen["body"])
    assert requests.get(photo_link, timeout=10).content == PHOTO          # resolved now: a fresh downloadUrl
    opened_file = requests.get(file_link, timeout=10, allow_redirects=False)
    assert opened_file.status_code == 302 and "/_emulator/dingtalk/download/" in opened_file.headers["Location"]
    assert requests.get(opened_file.headers["Location"], timeout=10).content == NOTICE
    for out_track_id, viewer in ((group_card.out_track_id, HEAD), (own_card.out_track_id, LIAISON)):
        wait_for(lambda: "最新报告：专项报告（第1版）" in dt.card_view(out_track_id, viewer)["status"],
                 what="every copy of the unit's card to show the latest report\n" + stack.worker_log())
        assert dt.card_view(out_track_id, viewer)["status"].endswith("提交，按时")
    (entry,) = report_entries(stack, case.case_id)
    assert [(a["kind"], a["name"], bool(a["code"])) for a in entry["attachments"]] == [
        ("image", "", True), ("file", "整改通知书.pdf", True)]

    clock = dt.now
    dt.now = lambda: clock() + 2 * 86400                                    # the downloadCode has expired
    try:
        gone = requests.get(file_link, timeout=10)
    finally:
        dt.now = clock
    assert gone.status_code == 410 and "文件“整改通知书.pdf”已无法打开" in gone.text
    assert requests.get(file_link[:-3] + "xyz", timeout=10).status_code == 404   # not one of our links

    dt.send_picture(LIAISON, PHOTO)                                         # outside any dialog: a kind answer
    said(dt, LIAISON, "图片和文件可以作为报告的附件")
    assert without_previews(timeline_actions(stack, case.case_id)) == [
        "case.open", "case.grade", "case.assign", "case.ack", "report.submit"]
