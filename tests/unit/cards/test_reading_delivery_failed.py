"""【消息未送达】 read by the desk (review ux-2026-12-07, findings 3 and 16): what to do first, then one
undelivered message a line — who (by name, or the unit's group), on which platform in Chinese (企业微信,
钉钉), what the message was in Chinese (催办 YQ-… 签收预警, the card's own title, a notice's first words)
and why in words, never the raw code — and whom to ask: the operators, not a command. Built by the
worker's own ``failures.notify_desk`` from failed outbox rows."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.core.org import UnitGroups
from bot.domain.cards.shapes import DeliveryFailedData
from bot.store import outbox
from bot.store.org_repo import apply_organisation
from tests.unit.cards.reading import forms, preview, runs_together
from tests.unit.domain.sample_org import make_org
from tests.unit.worker.test_clock import TEN, rt  # noqa: F401 - fixture
from worker import failures

REMINDER = {"kind": "reminder", "data": {"title": "催办", "case": "YQ-2026-0007", "duty": "签收预警"}}
WARNING = {"kind": "case_card", "data": {"title": "【演练】舆情预警 YQ-2026-0007"}}
NOTICE = {"kind": "notice", "data": {"text": "已提交 YQ-2026-0007 初报（第1版），提交时间 今天 10:00。"}}


def failed_notice(rt) -> list[str]:  # noqa: F811
    org = make_org()
    food = replace(org.units["u-food"], groups=UnitGroups(dingtalk_open_conversation_id="cidFood"))
    with rt.database.session() as session:
        apply_organisation(session, replace(org, units={**org.units, "u-food": food}), TEN)
        sent = [("wecom", {"user_id": "zhouks"}, REMINDER, "45009 api freq out of limit"),
                ("dingtalk", {"user_id": "0602"}, NOTICE, "60111 userid not found"),
                ("dingtalk", {"group": {"dingtalk_open_conversation_id": "cidFood"}}, WARNING,
                 "invalid.openConversationId robot not in the group")]
        for i, (platform, address, card, error) in enumerate(sent):
            row = session.get(outbox.OutboxRow, outbox.add(session, outbox.Message(
                f"m{i}", platform, "group" if "group" in address else "person", address, card), TEN))
            row.state, row.last_error = outbox.FAILED, error
    assert failures.notify_desk(rt, TEN) == 3
    with rt.database.session() as session:
        notices = select(outbox.OutboxRow).where(outbox.OutboxRow.dedup_id.like(failures.PREFIX + "%"))
        row = session.scalars(notices).first()
        return row.card["data"]["items"]


def test_each_item_says_who_where_what_and_why_in_the_desks_words(rt):  # noqa: F811
    assert failed_notice(rt) == [
        "今天 10:00 周科长（企业微信）：催办 YQ-2026-0007 签收预警——平台繁忙，多次重试仍未成功",
        "今天 10:00 卫干事（钉钉）：通知“已提交 YQ-2026-0007 初报（…”——对方账号无效或已不在本单位",
        "今天 10:00 食品生产安全监督管理科群（钉钉）：【演练】舆情预警 YQ-2026-0007——群聊不可用（机器人可能已被移出群）",
    ]


def test_the_text_asks_first_lists_one_message_a_line_and_points_to_the_operators():
    card = DeliveryFailedData(count=23, items=[f"今天 10:0{n} 周科长（企业微信）：催办 YQ-2026-000{n} 初报——平台无响应"
                                               for n in range(3)]).card()
    lines = forms(card)["text"]
    assert lines[0] == "【消息未送达】23条消息多次重试后仍未送达，请电话或当面通知对方："
    assert lines[1:4] == [f"· 今天 10:0{n} 周科长（企业微信）：催办 YQ-2026-000{n} 初报——平台无响应" for n in range(3)]
    assert lines[4:] == ["……另有20条未列出。", "如多次出现，请联系信息中心（系统管理员）核查。"]
    for form, shown in forms(card).items():
        assert runs_together(shown) == [], form
        assert not any(word in line for line in shown for word in ("yuqing", "clock status", "wecom", "dingtalk",
                                                                    "reminder")), form


def test_dingtalk_says_消息未送达_once():
    card = DeliveryFailedData(count=1, items=["今天 10:00 卫干事（钉钉）：催办 YQ-2026-0007 初报——平台无响应"]).card()
    for form in ("dingtalk markdown", "dingtalk markdown (CommonMark)"):
        lines = forms(card)[form]
        assert lines[0] == "消息未送达：1条" and sum("消息未送达" in line for line in lines) == 1, form
        assert lines[1] == "1条消息多次重试后仍未送达，请电话或当面通知对方：", form
        assert len(lines) == 4, form
    assert preview(card) == "消息未送达：1条"


def test_a_raw_code_reads_as_a_reason():
    assert failures.reason("81013 user & party & tag all invalid") == "对方账号无效或已不在本单位"
    assert failures.reason("param.cardAlreadyExist card exists") == "同一消息编号已被占用"
    assert failures.reason("WeCom message/send: HTTP 502") == "平台无响应"
    assert failures.reason("1 cid-1 something new") == "平台拒绝发送"  # an unknown code; "-1" inside is not -1
