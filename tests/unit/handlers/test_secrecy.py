"""涉密 as a person meets it (issue 21), as pure handlers on a real case store (``unit_side.World``): the desk marks a
case by typing or from its intake card, with a reason; what the groups saw before is re-drawn where the platform
can change it and listed for the desk where it cannot; the named people are told 1:1 and the desk gets its card
1:1; only the desk head lifts it; ``案件`` refuses whoever is outside the table (on the timeline); a 转办 opens
涉密; the outbox answers which of a case's messages went to groups."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import ANY

import pytest

from bot.core.card import Target
from bot.core.card_copies import CardCopy
from bot.core.presentation import SECRET_KEY
from bot.domain.grade import Grade
from bot.domain.secrecy import REFUSED_VIEW
from handlers.case_lookup import case_view_of
from handlers.registry import Context
from tests.unit.handlers.unit_side import World, texts

REASON = "涉及未公开的执法信息"


class Groups:
    """What the worker's outbox holds of a case's group messages (``in_groups``); no other copies."""

    def __init__(self) -> None:
        self.rows: list[CardCopy] = []

    def of_case(self, case_id, kind="case_card", assignment_id=None):
        return []

    def in_groups(self, case_id):
        return list(self.rows)


class Desk(World):
    """The world whose handlers see the group messages sent before (``groups``)."""

    def __init__(self, database) -> None:
        super().__init__(database)
        self.groups = Groups()

    def ctx(self, person_id: str) -> Context:
        ctx = super().ctx(person_id)
        return Context(org=ctx.org, person=ctx.person, now=ctx.now, store=ctx.store, rules=ctx.rules,
                       extra=ctx.extra, capabilities=ctx.capabilities, card_copies=self.groups)

    def timeline(self, case_id: int) -> list[str]:
        return [e.action for e in self.store.run(lambda repo: repo.timeline(case_id))]

    def entry(self, case_id: int, action: str):
        return next(e for e in self.store.run(lambda repo: repo.timeline(case_id)) if e.action == action)

    def confidential(self, case_id: int) -> bool:
        return case_view_of(self.ctx("p-li"), case_id).case.confidential


@pytest.fixture
def world(sqlite_database):
    return Desk(sqlite_database)


def warned(world, unit="u-foodsale"):
    """A case warned to ``unit``: its group card as the warning drew it."""
    case = world.open(Grade.MAJOR).case
    _, told = world.assign(case.id, unit)
    group = next(r for r in told if r.to is not None and r.to.kind == "group")
    return case, group.card.to_dict()


def group_row(row_id, platform, card, *, ref: str | None = "", method="group", chat="", kind="text", world=None):
    """A message of the case in a group, as the outbox holds it (``ref``: the platform's card id; None: none)."""
    if method == "group":
        address = {"group": {"wecom_webhook_key": "hook-secret", "wecom_aibot_chatid": "wrFood0001"}
                   if platform == "wecom" else {"dingtalk_open_conversation_id": "cidFoodSale01=="}}
    else:
        address = {"event": {"platform": platform, "kind": kind, "chat_type": "group", "chat_id": chat}}
    card_ref = None if ref is None else {"card_id": ref or f"track{row_id}"}
    return CardCopy(row_id, platform, method, address, card, card_ref, True, world.now - timedelta(minutes=30))


# --- marking by typing ----------------------------------------------------------------------------------------

def test_the_desk_marks_a_case_and_everyone_named_is_told_one_to_one(world):
    case, _ = warned(world)
    replies = world.act("p-li", text=f"涉密 {case.number} {REASON}")
    assert world.confidential(case.id)
    entry = world.entry(case.id, "case.confidential")
    assert entry.payload == {"reason": REASON, "row": ANY} and entry.actor == "p-li"
    assert entry.payload["row"]["confidential"] is True  # the case after the act (the rows check)
    answer = replies[0]
    assert answer.to is None and answer.case_id == case.id  # in a group: the rule shows the notice
    assert answer.card.data["text"].startswith(f"已将 {case.number} 标记为涉密案件（理由：{REASON}）")
    told = [r.to.id for r in replies if r.to is not None and r.card.kind == "notice"]
    assert told == ["p-sun", "p-chen", "p-chu", "p-wei", "p-zhao", "p-qian", "p-wu"]  # named, not the marker
    notice = next(r for r in replies if r.to == Target("person", "p-wei"))
    assert case.title in notice.card.data["text"] and "群内只显示案件编号和等级" in notice.card.data["text"]
    [card] = [r for r in replies if r.card.kind == "intake_card"]
    assert card.to == Target("person", "p-li", "dingtalk") and card.case_id == case.id  # the desk works on 1:1
    assert "标记涉密" not in [b.label for b in card.card.buttons] and "已标记为涉密" in card.card.data["status"]
    assert "case.confidential_exposed" not in world.timeline(case.id)  # nothing went to a group unchangeable


def test_group_cards_are_redrawn_where_they_can_change_and_listed_where_they_cannot(world):
    case, dingtalk_card = warned(world)
    wecom_card = {**dingtalk_card, "data": {**dingtalk_card["data"], "unit": "u-food"}}
    world.groups.rows = [
        group_row(11, "dingtalk", dingtalk_card, world=world),  # a DingTalk group card: updated in place
        group_row(12, "dingtalk", dingtalk_card, ref="track11", world=world),  # one card instance, two spaces: once
        group_row(13, "wecom", wecom_card, world=world),  # a WeCom group robot's card: cannot change
        group_row(14, "dingtalk", {"kind": "notice", "data": {"text": case.title}, "buttons": []}, method="reply",
                  chat="cidDesk0001==", world=world),  # an answer typed in the desk's group: markdown
        group_row(15, "dingtalk", {"kind": "notice", "data": {"text": "x"}, "buttons": []}, method="reply",
                  chat="cidDesk0001==", kind="click", world=world),  # a click's answer: DingTalk sends it 1:1
        group_row(16, "dingtalk", {"kind": "case_card", "data": {SECRET_KEY: {"number": case.number}},
                                   "buttons": []}, world=world),  # already the notice
    ]
    replies = world.act("p-li", text=f"涉密 {case.number} {REASON}")
    updates = [r for r in replies if r.update]
    assert [(r.to, r.card.to_dict()) for r in updates] == [(Target("card", "11", "dingtalk"), dingtalk_card)]
    assert updates[0].case_id == case.id  # the SAME card: the rendering rule turns it into the notice
    text = replies[0].card.data["text"]
    assert "已把 1 条群消息改为只显示编号和等级" in text
    assert "以下 2 条群消息在标记前已显示案件内容" in text and "请联系群主删除" in text
    assert "· 食品生产安全监督管理科群（企业微信）：舆情预警，今天 09:30 发出" in text
    assert "· 综合应急和新闻宣传科群（钉钉）：通知消息，今天 09:30 发出" in text
    assert "hook-secret" not in text
    entry = world.entry(case.id, "case.confidential_exposed")
    sent = (world.now - timedelta(minutes=30)).isoformat()
    assert entry.payload == {"messages": [
        {"outbox": 13, "platform": "wecom", "group": "u-food", "kind": "case_card", "sent_at": sent},
        {"outbox": 14, "platform": "dingtalk", "group": "u-desk", "kind": "notice", "sent_at": sent}], "row": ANY}


def test_a_group_card_the_platform_gave_no_reference_to_is_listed(world):
    case, card = warned(world)
    world.groups.rows = [group_row(21, "dingtalk", card, ref=None, world=world)]
    replies = world.act("p-li", text=f"涉密 {case.number} {REASON}")
    assert not any(r.update for r in replies) and "以下 1 条群消息" in replies[0].card.data["text"]


def test_marking_is_refused_to_anyone_but_the_desk_and_needs_the_case_unmarked(world):
    case, _ = warned(world)
    for person in ("p-wei", "p-zhao", "p-ops"):
        (refusal,) = world.act(person, text=f"涉密 {case.number} {REASON}")
        assert "标记涉密" in refusal.card.data["text"], person
    assert not world.confidential(case.id) and "case.confidential" not in world.timeline(case.id)
    world.act("p-li", text=f"涉密 {case.number} {REASON}")
    (again,) = world.act("p-chen", text=f"涉密 {case.number} 再次")
    assert texts([again]) == [f"{case.number} 已是涉密案件。"] and world.dialog.get("p-chen") is None
    (usage,) = world.act("p-li", text="涉密")
    assert "涉密 YQ-2026-0001 理由" in usage.card.data["text"]


# --- marking from the intake card -----------------------------------------------------------------------------

def test_the_intake_cards_button_asks_the_reason_then_marks(world):
    case = world.open().case
    (ask,) = world.act("p-sun", action="intake.confidential", params={"case": case.id})
    assert "理由" in ask.card.data["text"] and world.dialog["p-sun"].state == "reason"
    assert not world.confidential(case.id)
    replies = world.act("p-sun", text=REASON)
    assert world.confidential(case.id) and world.dialog["p-sun"] is None
    assert world.entry(case.id, "case.confidential").payload == {"reason": REASON, "row": ANY}
    assert replies[0].card.data["text"].startswith(f"已将 {case.number} 标记为涉密案件")


def test_typed_without_a_reason_asks_for_it_and_cancel_changes_nothing(world):
    case = world.open().case
    (ask,) = world.act("p-li", text=f"涉密 {case.number}")
    assert "理由" in ask.card.data["text"]
    world.act("p-li", text="取消")
    assert world.dialog["p-li"] is None and not world.confidential(case.id)


def test_the_button_is_refused_to_a_unit(world):
    case = world.open().case
    (refusal,) = world.act("p-wei", action="intake.confidential", params={"case": case.id})
    assert "标记涉密" in refusal.card.data["text"] and world.dialog.get("p-wei") is None


def test_the_intake_card_offers_the_button_until_the_case_is_confidential(world):
    from bot.domain.cards.intake_card import intake_card

    plain = world.open().case
    card = intake_card(plain, world.now, suggested=[world.org.units["u-food"], world.org.units["u-drug"]])
    actions = [b.action for b in card.buttons]
    assert len(actions) == 6 and actions[-2:] == ["intake.confidential", "intake.units"]
    secret = world.open(confidential=True, title="另一起").case
    card = intake_card(secret, world.now, suggested=[world.org.units["u-food"], world.org.units["u-drug"]])
    assert "intake.confidential" not in [b.action for b in card.buttons]
    assert [b.action for b in card.buttons].count("intake.assign") == 2


# --- lifting ----------------------------------------------------------------------------------------------------

def test_only_the_desk_head_lifts_it_and_the_desk_is_told(world):
    case = world.open(confidential=True).case
    (refusal,) = world.act("p-li", text=f"解除涉密 {case.number} 已公开")
    assert "解除涉密" in refusal.card.data["text"] and world.confidential(case.id)
    replies = world.act("p-sun", text=f"解除涉密 {case.number} 已公开通报")
    assert not world.confidential(case.id)
    unmarked = world.entry(case.id, "case.unconfidential").payload
    assert unmarked == {"reason": "已公开通报", "row": ANY} and unmarked["row"]["confidential"] is False
    assert texts(replies)[0] == f"已解除 {case.number} 的涉密标记（理由：已公开通报），已告知舆情工作台。"
    assert [r.to.id for r in replies[1:]] == ["p-li", "p-chen"]
    (no,) = world.act("p-sun", text=f"解除涉密 {case.number} 再次")
    assert texts([no]) == [f"{case.number} 不是涉密案件。"]
    (usage,) = world.act("p-sun", text="解除涉密")
    assert "解除涉密 YQ-2026-0001 理由" in usage.card.data["text"]


# --- 案件 YQ-… ----------------------------------------------------------------------------------------------------

def test_case_status_of_a_confidential_case_by_sight(world):
    case = world.open(confidential=True).case
    world.assign(case.id, "u-foodsale")
    (refusal,) = world.act("p-yang", text=f"案件 {case.number}")
    assert texts([refusal]) == [REFUSED_VIEW.format(number=case.number)]
    refused = world.entry(case.id, "case.view_refused")
    assert refused.actor == "p-yang"
    (summary,) = world.act("p-ops", text=f"案件 {case.number}")
    text = summary.card.data["text"]
    assert summary.card.kind == "notice" and case.number in text and "重大" not in text and "一般舆情" in text
    assert case.title not in text and "状态：" in text
    (full,) = world.act("p-wei", text=f"案件 {case.number}")
    assert full.card.kind == "intake_card" and case.title in full.card.data["body"] and full.case_id == case.id
    assert world.timeline(case.id).count("case.view_refused") == 1


def test_case_status_of_a_plain_case_refuses_as_before_and_keeps_no_entry(world):
    case = world.open().case
    (refusal,) = world.act("p-jiang", text=f"案件 {case.number}")
    assert "查看" in refusal.card.data["text"] and "case.view_refused" not in world.timeline(case.id)


# --- 转办 -------------------------------------------------------------------------------------------------------

def transfer(world, *answers):
    for text in answers:
        replies = world.act("p-li", text=text)
    return replies


def test_a_transfer_answered_secret_opens_confidential(world):
    replies = transfer(world, "转办", "省局", "2026第9号", "无")
    assert "如为涉密舆情，请先回复“涉密”" in texts(replies)[0]
    (ok,) = world.act("p-li", text="涉密")
    assert "已按涉密案件登记" in ok.card.data["text"] and world.dialog["p-li"].state == "content"
    (card,) = world.act("p-li", text="某药企数据造假")
    assert card.card.kind == "intake_card" and world.confidential(card.case_id)


def test_a_transfer_started_secret_opens_confidential_and_a_plain_one_does_not(world):
    (ask,) = world.act("p-li", text="转办 涉密")
    assert "按涉密案件登记" in ask.card.data["text"]
    (card,) = transfer(world, "省局", "无", "无", "某药企数据造假")
    assert world.confidential(card.case_id)
    (plain,) = transfer(world, "转办", "省局", "无", "无", "某景区票价欺诈")
    assert not world.confidential(plain.case_id)


# --- the outbox's group messages ---------------------------------------------------------------------------------

def test_the_outbox_lists_a_cases_messages_that_went_to_groups(sqlite_database):
    from bot.store import outbox
    from worker.outbox_copies import OutboxCopies

    world = World(sqlite_database)
    case = world.open().case
    card = {"kind": "notice", "data": {"text": "t"}, "buttons": []}
    event = {"platform": "dingtalk", "kind": "text", "chat_id": "cidDesk0001=="}
    rows = [("group", {"group": {"dingtalk_open_conversation_id": "c"}}), ("person", {"user_id": "0524"}),
            ("reply", {"event": {**event, "chat_type": "group"}}), ("reply", {"event": {**event, "chat_type": "single"}}),
            ("update", {"copy_of": 1}), ("group", {"group": {"dingtalk_open_conversation_id": "gone"}})]
    with sqlite_database.session() as session:
        ids = [outbox.add(session, outbox.Message(f"d{i}", "dingtalk", m, a, card, case.id), world.now)
               for i, (m, a) in enumerate(rows)]
        failed = session.get(outbox.OutboxRow, ids[-1])
        failed.state = outbox.FAILED
        sent = session.get(outbox.OutboxRow, ids[0])
        sent.state, sent.sent_at = outbox.SENT, world.now
    with sqlite_database.session() as session:
        found = OutboxCopies(session).in_groups(case.id)
    assert [(c.id, c.method) for c in found] == [(ids[0], "group"), (ids[2], "reply")]
    assert found[0].sent and found[0].sent_at == world.now and not found[1].sent
