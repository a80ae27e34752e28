"""The response cards read as the leaders and the unit read them (issue 20): 口径审定 (two leaders, any order),
方案审批 (in order), 同意报送, and the unit's notice of a decision — in their text form (a WeChat-plugin reader, a
WeCom group, DingTalk markdown), as WeCom's template card and DingTalk's interactive card; a long script is cut
by the platform's fitting and follows whole 1:1; every platform's limits hold."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from bot.config import ROOT
from bot.core.card import Card
from bot.core.clock import SHANGHAI
from bot.core.presentation import Audience, CaseTraits, present
from bot.domain.case.lifecycle import CaseState
from bot.domain.cards.response_cards import (APPROVED, RETURNED, WAITING, onward_consent_card, plan_approval_card,
                                             script_approval_card, version_approved_notice, version_returned_notice)
from bot.domain.cards.shapes import Approver
from bot.domain.grade import Grade
from bot.domain.records import Case
from bot.emulator.dingtalk import contract
from bot.emulator.wecom.payloads import app_body
from bot.platforms.dingtalk import card_fit
from bot.platforms.fitting import MARK_PERSON, size
from bot.platforms.render import render_json, render_text
from bot.platforms.wecom import cardfit, textfit
from bot.platforms.wecom.bodies import Bodies
from bot.platforms.wecom.buttons import card_keys
from tests.unit.cards.reading import forms

TEMPLATES = ROOT / "templates"
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
TITLE = "某超市销售过期食品"
NUMBER = "YQ-2026-0001"
UNIT = ("u-foodsale", "食品经营安全监督管理科")
LONG_UNIT = ("u-price", "价格监督检查和反不正当竞争科")  # 14 characters: a row's value, never cut
SCRIPT = "经核查，涉事门店已于12月7日下架全部过期商品，执法人员已立案调查，将依法从严处理。"
LONG_SCRIPT = "\n".join(f"第{n}条：涉事门店已停业整改，过期食品全部下架销毁，执法人员已依法立案调查。" for n in range(1, 80))
SUBMITTED = NOW - timedelta(minutes=30)
PUBLICITY, IN_CHARGE, MAIN = "宣传分管领导", "分管领导", "主要领导"


def case(grade: Grade = Grade.MAJOR) -> Case:
    return Case(NUMBER, TITLE, grade, CaseState.HANDLING, "u-desk", "p-li", NOW, NOW, link="https://weibo.com/1/abc",
                id=1)


def read(card: Card) -> list[str]:
    """The card's text form, line by line, as a person reads it."""
    return render_text(TEMPLATES, card).splitlines()


def wecom(card: Card) -> dict:
    """WeCom's template card as rendered (before fitting)."""
    return render_json(TEMPLATES, "wecom", card, keys=card_keys(card.buttons), task_id="t1")["template_card"]


def script_card(*approvers: Approver, version: int = 2, unit=UNIT, text=SCRIPT, **kw) -> Card:
    approvers = approvers or (Approver(PUBLICITY), Approver(IN_CHARGE))
    return script_approval_card(case(), *unit, version, text, "卫干事", SUBMITTED, approvers, NOW, **kw)


def plan_card(*approvers: Approver, **kw) -> Card:
    approvers = approvers or (Approver(IN_CHARGE), Approver(MAIN, WAITING))
    return plan_approval_card(case(), *UNIT, 1, "新闻发布会", "今天下午召开新闻发布会，通报调查进展和处理结果。",
                              NOW + timedelta(hours=5), "卫干事", NOW, approvers, NOW, **kw)


APPROVED_BY_WU = Approver(IN_CHARGE, APPROVED, "吴副局长", NOW - timedelta(minutes=20))


# --- 口径审定 --------------------------------------------------------------------------------------------------

def test_the_approver_reads_the_unit_each_roles_state_the_script_and_what_to_type():
    assert read(script_card(Approver(PUBLICITY), APPROVED_BY_WU)) == [
        "【口径审定 YQ-2026-0001 v2】",
        "等级：重大舆情",
        "承办单位：食品经营安全监督管理科",
        "宣传分管领导：待审定",
        "分管领导：已由吴副局长于今天 09:40同意",
        TITLE,
        "卫干事于今天 09:30提交口径（v2）：",
        SCRIPT,
        "同意：发送“审定 YQ-2026-0001 v2”；退回修改：发送“退回修改 YQ-2026-0001 v2 理由”。",
    ]


def test_exactly_two_buttons_carry_the_case_the_unit_and_the_version():
    card = script_card()
    assert [(b.label, b.action, b.style) for b in card.buttons] == [("同意", "script.approve", "primary"),
                                                                 ("退回修改", "script.return", "danger")]
    assert all(b.params == {"case": NUMBER, "u": "u-foodsale", "v": 2} for b in card.buttons)
    assert card.data["unit"] == "u-foodsale" and card.data["version"] == 2 and card.data["case_id"] == 1


@pytest.mark.parametrize("build", ["script", "plan", "consent"])
def test_every_form_shows_the_title_the_unit_and_the_text_and_dingtalk_reads_alike_either_way(build):
    card = {"script": script_card, "plan": plan_card,
            "consent": lambda: onward_consent_card(case(), *UNIT, 2, SCRIPT, NOW, NOW)}[build]()
    seen = forms(card)
    assert seen["dingtalk markdown"] == seen["dingtalk markdown (CommonMark)"]
    title = card.data["title"]
    for form, lines in seen.items():
        text = "\n".join(lines)
        assert title in text and "食品经营安全监督管理科" in text and TITLE in text, form
    # on WeCom's card what the leader decides on is in rows, the buttons are whole (≤ 10 characters)
    body = wecom(card)
    assert [b["text"] for b in cardfit.fit(body)["button_list"]] == [b.label for b in card.buttons]
    assert all(len(b.label) <= cardfit.BUTTON_TEXT for b in card.buttons)
    assert body["main_title"]["title"] == title and len(title) <= cardfit.TITLE


def test_on_wecom_each_roles_state_is_a_row_and_the_script_follows_the_case_title():
    body = wecom(script_card(Approver(PUBLICITY), APPROVED_BY_WU))
    assert [(r["keyname"], r["value"]) for r in body["horizontal_content_list"]] == [
        ("等级", "重大舆情"), ("承办单位", "食品经营安全监督管理科"), ("宣传分管领导", "待审定"),
        ("分管领导", "已由吴副局长于今天 09:40同意")]
    assert body["sub_title_text"].splitlines() == [TITLE, "卫干事于今天 09:30提交口径（v2）：", SCRIPT]
    (sent,) = Bodies(TEMPLATES).pieces(script_card(), "yq_r1", cards=True, plain=False)
    app_body({"touser": "wufj", "agentid": 1, **sent})   # what WeCom takes


def test_a_long_unit_name_stays_whole_in_its_row_and_within_dingtalks_value():
    card = script_card(unit=LONG_UNIT)
    rows = {r["keyname"]: r["value"] for r in cardfit.fit(wecom(card))["horizontal_content_list"]}
    assert rows["承办单位"] == "价格监督检查和反不正当竞争科"
    assert "承办单位：价格监督检查和反不正当竞争科" in read(card)
    params = render_json(TEMPLATES, "dingtalk", card)["card"]
    assert contract.problems(params) == [] and all(size(v) <= card_fit.VALUE_LIMIT for v in params.values())


def test_a_long_script_is_cut_on_wecoms_card_and_follows_whole_1to1():
    card = script_card(Approver(PUBLICITY), APPROVED_BY_WU, text=LONG_SCRIPT)
    fitted = textfit.fit(Bodies(TEMPLATES), card)
    (rest,) = fitted.rest
    assert rest.kind == "notice" and rest.data["title"] == "口径审定 YQ-2026-0001 v2（全文）" and not rest.buttons
    assert all(line in rest.data["text"] for line in LONG_SCRIPT.splitlines())
    shown = cardfit.fit(wecom(card))
    assert shown["sub_title_text"].endswith(cardfit.MARK) and len(shown["sub_title_text"]) <= cardfit.SUB_TITLE
    # what the leader decides on is never cut: the rows and both buttons are whole
    assert [r["value"] for r in shown["horizontal_content_list"]][2:] == ["待审定", "已由吴副局长于今天 09:40同意"]
    assert [b["text"] for b in shown["button_list"]] == ["同意", "退回修改"]
    for sent in Bodies(TEMPLATES).pieces(card, "yq_r2", cards=True, plain=False):
        app_body({"touser": "wufj", "agentid": 1, **sent})


def test_a_long_script_is_cut_on_dingtalks_card_with_its_mark_and_follows_whole():
    card = script_card(text=LONG_SCRIPT)
    params = render_json(TEMPLATES, "dingtalk", card)["card"]
    assert size(params["body"]) > card_fit.VALUE_LIMIT
    sent = card_fit.within_limits(params, in_group=False)
    assert all(size(v) <= card_fit.VALUE_LIMIT for v in sent.values()) and contract.problems(sent) == []
    assert sent["body"].endswith(MARK_PERSON)                       # 「…（全文见私信）」: it follows 1:1
    assert json.loads(sent["btns"]) and [b["text"] for b in json.loads(sent["btns"])] == ["同意", "退回修改"]
    rest = card_fit.follow_ups(card, params)
    assert [r.data["title"] for r in rest] == ["口径审定 YQ-2026-0001 v2（全文）"]
    assert all(line in rest[0].data["text"] for line in LONG_SCRIPT.splitlines())
    # the text form (a WeChat-plugin reader) is split, never cut: every line is there
    assert all(line in read(card) for line in LONG_SCRIPT.splitlines())


def test_a_card_of_an_old_version_says_a_newer_one_exists_and_has_no_buttons():
    card = script_card(Approver(PUBLICITY), APPROVED_BY_WU, newer=3)
    assert not card.buttons and card.data["color"] == "gray"
    assert read(card)[:2] == ["【口径审定 YQ-2026-0001 v2】", "已有新版本 v3，此版本不再审定"]
    assert render_json(TEMPLATES, "wecom", card, keys=[], task_id="t")["template_card"]["replace_text"] == \
        "已有新版本 v3，此版本不再审定"


def test_the_other_approvers_and_the_units_copies_show_each_decision_settled():
    one = script_card(Approver(PUBLICITY), APPROVED_BY_WU, live=False)
    assert not one.buttons and read(one)[1] == "待宣传分管领导审定"
    both = script_card(Approver(PUBLICITY, APPROVED, "钱副局长", NOW), APPROVED_BY_WU, live=False)
    assert read(both)[1:5] == ["口径 v2 已审定", "等级：重大舆情", "承办单位：食品经营安全监督管理科",
                               "宣传分管领导：已由钱副局长于今天 10:00同意"]


def test_the_main_leader_deciding_in_a_roles_place_reads_as_such():
    card = script_card(Approver(PUBLICITY, APPROVED, "赵局长", NOW, on_behalf=True), APPROVED_BY_WU, live=False)
    assert "宣传分管领导：已由赵局长（主要领导）于今天 10:00代为审定" in read(card)


def test_a_returned_version_names_who_and_why_and_the_other_role_is_no_longer_asked():
    card = script_card(Approver(PUBLICITY), Approver(IN_CHARGE, RETURNED, "吴副局长", NOW, "请补充处罚依据"),
                       version=1, live=False)
    lines = read(card)
    assert lines[1] == "v1 已由吴副局长退回修改"
    assert "宣传分管领导：已退回，无需审定" in lines and "分管领导：已由吴副局长于今天 10:00退回修改" in lines
    assert lines[-1] == "退回理由（吴副局长）：请补充处罚依据"


# --- 方案审批 --------------------------------------------------------------------------------------------------

def test_the_leader_in_charge_reads_the_way_the_time_the_content_and_that_the_main_leader_comes_after():
    card = plan_card()
    assert read(card) == [
        "【方案审批 YQ-2026-0001 v1】",
        "等级：重大舆情",
        "承办单位：食品经营安全监督管理科",
        "回应方式：新闻发布会",
        "回应时间：今天 15:00",
        "分管领导：待审批",
        "主要领导：待分管领导审批",
        TITLE,
        "卫干事于今天 10:00提交回应方案（v1）：",
        "今天下午召开新闻发布会，通报调查进展和处理结果。",
        "同意：发送“审批 YQ-2026-0001 v1”；退回修改：发送“退回修改 YQ-2026-0001 v1 理由”。",
    ]
    assert [(b.label, b.action, b.params) for b in card.buttons] == [
        ("同意", "plan.approve", {"case": NUMBER, "u": "u-foodsale", "v": 1}),
        ("退回修改", "plan.return", {"case": NUMBER, "u": "u-foodsale", "v": 1})]
    assert len(wecom(card)["horizontal_content_list"]) <= cardfit.MAX_ROWS   # every row shows on WeCom


def test_the_main_leaders_card_after_the_first_approval_and_the_settled_plan():
    turn = plan_card(APPROVED_BY_WU, Approver(MAIN))
    assert "分管领导：已由吴副局长于今天 09:40同意" in read(turn) and "主要领导：待审批" in read(turn)
    done = plan_card(APPROVED_BY_WU, Approver(MAIN, APPROVED, "赵局长", NOW), live=False)
    assert not done.buttons and read(done)[1] == "方案 v1 已审批"


# --- 同意报送 and the unit's notices ------------------------------------------------------------------------------

def test_the_publicity_leader_consents_to_report_an_approved_script_onward():
    card = onward_consent_card(case(), *UNIT, 2, SCRIPT, NOW - timedelta(minutes=5), NOW)
    assert [(b.label, b.action, b.params) for b in card.buttons] == [
        ("同意报送", "script.onward_consent", {"case": NUMBER, "u": "u-foodsale", "v": 2})]
    assert read(card)[:4] == ["【同意报送 YQ-2026-0001 v2】", "等级：重大舆情", "承办单位：食品经营安全监督管理科",
                              "口径：已审定 v2（今天 09:55）"]
    settled = onward_consent_card(case(), *UNIT, 2, SCRIPT, NOW, NOW, consent=("钱副局长", NOW))
    assert not settled.buttons and read(settled)[1] == "已由钱副局长于今天 10:00同意报送，由舆情工作台报送"


@pytest.mark.parametrize(("subject", "kind"), [("口径", "script"), ("方案", "plan")])
def test_the_unit_is_told_why_its_version_came_back_and_what_to_send(subject, kind):
    card = version_returned_notice(case(), *UNIT, subject, 1, "吴副局长", NOW, "请补充处罚依据", NOW)
    assert card.kind == "response_notice" and not card.buttons
    assert read(card) == [
        f"【{subject}退回修改 YQ-2026-0001 v1】",
        "已由吴副局长于今天 10:00退回修改",
        "等级：重大舆情",
        "承办单位：食品经营安全监督管理科",
        TITLE,
        "退回理由：请补充处罚依据",
        f"请修改后发送“{subject} YQ-2026-0001”提交新版本（v2）（群聊中请先 @舆情助手）。",
    ]
    seen = forms(card)
    for form in ("wecom group", "text", "dingtalk markdown", "dingtalk card"):
        assert "退回理由：请补充处罚依据" in seen[form], (kind, form)


def test_the_unit_is_told_its_version_is_approved_by_whom():
    card = version_approved_notice(case(), *UNIT, "口径", 2, [Approver(PUBLICITY, APPROVED, "钱副局长", NOW),
                                                              APPROVED_BY_WU], NOW, "待舆情工作台发布。")
    assert read(card) == ["【口径已审定 YQ-2026-0001 v2】", "口径 v2 已审定", "等级：重大舆情",
                          "承办单位：食品经营安全监督管理科", "宣传分管领导：已由钱副局长于今天 10:00同意",
                          "分管领导：已由吴副局长于今天 09:40同意", TITLE, "待舆情工作台发布。"]


def test_one_leader_holding_both_roles_reads_once_when_the_domain_passes_one_row():
    both = Approver(f"{PUBLICITY}、{IN_CHARGE}", APPROVED, "钱副局长", NOW)
    card = script_card(both, live=False)
    assert read(card)[1:5] == ["口径 v2 已审定", "等级：重大舆情", "承办单位：食品经营安全监督管理科",
                               "宣传分管领导、分管领导：已由钱副局长于今天 10:00同意"]
    assert len(wecom(card)["horizontal_content_list"][-1]["value"]) <= cardfit.VALUE


def test_a_drills_approval_card_is_marked_for_whoever_reads_it():
    card = present(script_card(), Audience.PERSON, CaseTraits(drill=True, title=TITLE))
    assert read(card)[0] == "【演练】【口径审定 YQ-2026-0001 v2】"
    assert wecom(card)["main_title"]["title"] == "【演练】口径审定 YQ-2026-0001 v2"
