"""A 一般 case on WeCom (u-food: head 周科长 zhouks, liaison 冯干事 fenggs who reads WeCom through the
WeChat plugin, so he gets text; group wrFood0001 with a webhook robot), from a link the desk (陈干事 chengs)
forwards 1:1 and assigns by typing 分派: the warning as a robot notice
@-mentioning the liaison, 签收 by @-mentioning the smart bot, the head told, a follow-up where a copy
cannot change, a second 签收 answered, and a typed report dialog with a picture to the 专项报告 at the desk
(the picture opened through the bot's link, a clickable link row of the desk's card: media/get streamed), the
group told the latest report."""

from __future__ import annotations

from functools import partial

import requests

from tests.integration import stack as stack_module
from tests.integration.unit_flow import (
    assignment_states,
    opened,
    timeline_actions,
    without_previews,
)

wait_for = partial(stack_module.wait_for, timeout=40)
FOOD_CHAT = "wrFood0001"  # the smart bot's chat id
FOOD_GROUP = "食品生产安全监督管理科"  # every chat of the group: robot webhook and smart bot
PHOTO = b"\xff\xd8\xff\xe0 photo of the recalled batch"


def texts(messages):
    return [str(m["content"].get("content", "")) if isinstance(m["content"], dict) else str(m["content"])
            for m in messages]


def told(wecom, userid, text, group=False):
    read = (lambda: wecom.messages_for_group(userid)) if group else (lambda: wecom.messages_for_user(userid))
    return wait_for(lambda: next((m for m in read() if text in str(m["content"])), None),
                    what=f"{userid} to see {text!r}")


def test_a_general_case_on_wecom_from_warning_to_special_report(stack):
    wecom = stack.emulator.wecom
    wecom.act_as("chengs").send_link("网友曝光某食品厂使用过期原料", "https://weibo.com/1234567890/NbCdEf", "视频显示……")
    wait_for(lambda: wecom.cards_for_user("chengs"), what="intake's card\n" + stack.worker_log())
    case = wait_for(lambda: opened(stack), what="the case")
    wecom.act_as("chengs").send_text(f"分派 {case.number} 食品生产安全监督管理科")
    notice = told(wecom, FOOD_GROUP, f"舆情预警 {case.number}", group=True)
    assert notice["sender"] == "webhook" and notice["msgtype"] == "markdown"
    assert "<@fenggs>" in notice["content"]["content"] and f"签收 {case.number}" in notice["content"]["content"]
    warning = told(wecom, "fenggs", f"舆情预警 {case.number}")
    assert warning["msgtype"] == "text" and "签收时限：" in warning["content"]["content"]
    assert "点击" not in warning["content"]["content"]  # a WeChat-plugin reader sees no buttons

    wecom.act_as("fenggs").mention_bot(FOOD_CHAT, f"签收 {case.number}")
    told(wecom, FOOD_GROUP, f"已签收 {case.number}", group=True)
    head = told(wecom, "zhouks", "冯干事已于")
    assert "食品生产安全监督管理科联络员" in head["content"]["content"]
    told(wecom, FOOD_GROUP, f"{case.number} 已由冯干事于", group=True)      # the robot's notice cannot change
    # his own text copy cannot change either, but he was answered already: no second message saying the same
    assert not any(f"{case.number} 已由冯干事于" in str(m["content"]) for m in wecom.messages_for_user("fenggs"))
    assert assignment_states(stack, case.case_id) == [("u-food", "acknowledged")]

    wecom.act_as("zhouks").send_text(f"签收 {case.number}")
    told(wecom, "zhouks", "无需重复操作")

    wecom.act_as("fenggs").send_text(f"报告 {case.number} 专项报告")
    told(wecom, "fenggs", "请发送专项报告内容")
    wecom.act_as("fenggs").send_image(PHOTO)
    told(wecom, "fenggs", "已收到附件（图片 1 张）")
    wecom.act_as("fenggs").send_location("某食品厂")
    told(wecom, "fenggs", "暂不支持把位置作为报告附件")
    wecom.act_as("fenggs").send_text("已约谈涉事企业，责令召回问题批次，抽检结果合格后恢复生产。")
    confirm = told(wecom, "fenggs", "确认提交专项报告")
    assert confirm["msgtype"] == "text" and "回复“确认”提交" in confirm["content"]["content"]
    wecom.act_as("fenggs").send_text("确认")
    told(wecom, "fenggs", f"已提交 {case.number} 专项报告（第1版）")
    desk = wait_for(lambda: [c for c in wecom.cards_for_user("chengs") if "专项报告" in c["card"]["main_title"]["title"]],
                    what="the report card at the desk (陈干事)")[0]
    assert desk["card"]["main_title"]["title"] == f"专项报告（第1版） {case.number}"
    assert "召回问题批次" in desk["card"]["sub_title_text"] and "附件：图片 1 张" in desk["card"]["sub_title_text"]
    # clickable: a link row (附件1) after the facts (the sub-title, led by the case's title, is cut at WeCom's 160)
    (link,) = [r["url"] for r in desk["card"]["horizontal_content_list"] if r["keyname"] == "附件1"]
    assert desk["links"] == [link] and link.startswith(stack.url + "/files/")
    assert desk["card"]["sub_title_text"].startswith("网友曝光某食品厂使用过期原料")  # the case, by its title
    assert {"keyname": "附件1", "value": "图片 1", "type": 1, "url": link} in desk["card"]["horizontal_content_list"]
    assert requests.get(link, timeout=10).content == PHOTO
    told(wecom, FOOD_GROUP, "最新报告：专项报告（第1版）", group=True)    # the robot's notice cannot change
    assert without_previews(timeline_actions(stack, case.case_id)) == [
        "case.open", "case.assign", "case.ack", "report.submit"]
