"""The desk hears of messages that finally failed: at each reconcile, one ``delivery_failed`` card to
the desk lists every message that failed since the last such card (a failure batch). The batch is
known from the database alone: the card's own outbox rows carry ``failnotice:<last failed id>``, so a
second worker, or a Redis that forgot everything, never reports a batch twice. A failed notice is not
reported again (no loop). The failed rows themselves are kept (``yuqing clock status`` counts them)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from bot.core.org import Organisation
from bot.domain.cards.shapes import DeliveryFailedData
from bot.domain.words import deadline
from bot.store import outbox
from bot.store.org_repo import read_organisation
from worker.addressing import Unreachable, person_message
from worker.delivery import schedule
from worker.presenting import add_rows
from worker.runtime import Runtime

log = logging.getLogger(__name__)
PREFIX = "failnotice:"
LISTED = 20
PLATFORM_WORDS = {"wecom": "企业微信", "dingtalk": "钉钉"}  # a platform nobody named here reads as its name
KIND_WORDS = {"case_card": "舆情预警", "bulletin": "舆情通报", "desk_card": "报告", "intake_card": "立案卡片",
              "prompt_card": "操作提示", "reminder": "催办", "escalation": "逾期提醒", "digest": "舆情日报",
              "delivery_failed": "未送达提醒", "notice": "通知", "help": "使用说明", "my_duties": "我的待办",
              "demo_card": "测试卡片", "image": "图片", "file": "文件"}
# Error codes (WeCom's global codes, DingTalk's old and new API codes; docs/platform-*.md) in the desk's words;
# the words say what a person can do about it. A code not here reads 平台拒绝发送.
REASONS = (
    (("60111", "40003", "81013", "60011", "invalidStaffIdList", "staffId.notExisted", "InvalidUserId"),
     "对方账号无效或已不在本单位"),
    (("93000", "86008", "invalid.openConversationId", "300001"), "群聊不可用（机器人可能已被移出群）"),
    (("45009", "45033", "90018", "90002", "-1", "429", "QpsLimit", "QpmLimit", "flowControlled"),
     "平台繁忙，多次重试仍未成功"),
    (("42014", "cardAlreadyExist"), "同一消息编号已被占用"),
    (("40004", "40005", "40006", "40009", "40011", "41005"), "文件过大或格式不被平台接受"),
    (("timeout", "Timeout", "unreachable", "HTTP 5"), "平台无响应"),
)


def last_reported(session) -> int:
    """The id of the last failed row a notice covered (0 when none)."""
    latest = session.scalar(select(outbox.OutboxRow.dedup_id).where(outbox.OutboxRow.dedup_id.like(PREFIX + "%"))
                            .order_by(outbox.OutboxRow.id.desc()).limit(1))
    return int(latest.split(":")[1]) if latest else 0


def _item(row: outbox.OutboxRow, org: Organisation, now: datetime) -> str:
    """``今天 10:00 卫干事（钉钉）：催办 YQ-2026-0007 签收预警——对方账号无效或已不在本单位`` — in the desk's
    words: the platform's Chinese name, what the message was, and why, never the raw code (it stays in
    the row's ``last_error``, the log and ``yuqing clock status``)."""
    who, where = _recipient(row, org), PLATFORM_WORDS.get(row.platform, row.platform)
    return f"{deadline(row.created_at, now)} {who}（{where}）：{_what(row.card or {})}——{reason(row.last_error or '')}"


def _recipient(row: outbox.OutboxRow, org: Organisation) -> str:
    """The person (by name) or the unit's group the row was for."""
    user = row.address.get("user_id")
    if user:  # anyone the org file names, active or not (someone who left is still someone to phone)
        return next((p.name for p in org.people.values() if p.user_id(row.platform) == str(user)), "未登记的人员")
    ids = {str(v) for v in (row.address.get("group") or {}).values()}
    for unit in org.units.values():
        if ids & {str(v) for v in unit.groups.by_platform().get(row.platform, {}).values()}:
            return f"{unit.name}群"
    return "群聊"


def _what(card: dict) -> str:
    """What the message was: a reminder's heading, case and duty; a card's own title; a notice's first words."""
    kind, data = card.get("kind", ""), card.get("data") or {}
    if kind in ("reminder", "escalation"):
        return f"{data.get('title', KIND_WORDS[kind])} {data.get('case', '')} {data.get('duty', '')}".strip()
    if kind == "digest":
        return f"{'舆情周报' if data.get('kind') == 'weekly' else '舆情日报'} {data.get('day', '')}".strip()
    if kind == "notice":
        first = str(data.get("text", "")).strip().split("\n")[0]
        return f"通知“{first[:20]}{'…' if len(first) > 20 else ''}”"
    return str(data.get("title") or KIND_WORDS.get(kind, "消息"))


def reason(error: str) -> str:
    """Why a message failed, in the desk's words, from the row's ``last_error`` (``<code> <message>``)."""
    code = error.split(" ", 1)[0] if error else ""
    for codes, words in REASONS:
        if code in codes or any(c in error for c in codes if not c.lstrip("-").isdigit()):
            return words
    return "平台拒绝发送"


def notify_desk(rt: Runtime, now: datetime) -> int:
    """Queue the desk's card about messages that failed since the last one; returns how many it lists."""
    ids = []
    with rt.database.session() as session:
        since = last_reported(session)
        rows = list(session.scalars(select(outbox.OutboxRow).where(
            outbox.OutboxRow.state == outbox.FAILED, outbox.OutboxRow.id > since,
            ~outbox.OutboxRow.dedup_id.like(PREFIX + "%")).order_by(outbox.OutboxRow.id)))
        if not rows:
            return 0
        org = read_organisation(session)
        card = DeliveryFailedData(count=len(rows), items=[_item(r, org, now) for r in rows[:LISTED]]).card()
        desk = org.desk_unit()
        for pid in desk.people if desk else ():
            try:
                ids += add_rows(session, [person_message(org, pid, card, f"{PREFIX}{rows[-1].id}:{pid}")], now)
            except Unreachable as exc:
                log.warning("failure notice: %s not reachable: %s", pid, exc)
    for row_id in [i for i in ids if i]:
        schedule(rt, row_id)
    log.warning("desk told of %s undelivered messages (up to outbox %s)", len(rows), rows[-1].id)
    return len(rows)
