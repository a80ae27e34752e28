"""What the groups saw of a case before it was marked 涉密 (issue 21). Not an intent: no handler.

Every earlier message of the case in a group — any card kind, any platform, answers to commands typed in a
group too (``ctx.card_copies.in_groups``) — is re-drawn where its platform changes it in place
(``handlers/card_copies.updatable``: a card with buttons, on a platform whose group cards can be updated): an
update of the SAME card, which the rendering rule (``bot.core.presentation``, applied at the outbox) turns into
the group's notice of number and grade. Where it cannot change (a WeCom group robot's message, a markdown
notice, a card the platform gave us no reference to), the message is listed — on the timeline
(``record_exposed``) and in words for the desk, which must ask the group's owner to delete it. An answer to a
click that the platform sends to the clicker 1:1 (``answers_clicks_one_to_one``) never reached the group.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.card import Card, Reply, Target
from bot.core.card_copies import CardCopy
from bot.core.org import Organisation, Unit
from bot.core.presentation import is_secret_notice
from bot.domain.context import iso
from bot.domain.words import when
from handlers.card_copies import first_of_its_instance, updatable

__all__ = ["Exposed", "exposure_words", "redraw"]

PLATFORM_NAMES = {"wecom": "企业微信", "dingtalk": "钉钉"}
KIND_NAMES = {"case_card": "舆情预警", "intake_card": "立案卡片", "bulletin": "舆情通报", "desk_card": "工作台卡片",
              "reminder": "催办提醒", "escalation": "逾期提醒", "notice": "通知消息", "prompt_card": "操作提示",
              "script_approval": "口径审定", "plan_approval": "方案审批", "response_notice": "回应通知",
              "onward_consent": "口径报送"}


@dataclass(frozen=True)
class Exposed:
    """A group message that showed the case's content and cannot be changed: the message, its group (a unit id,
    else the chat's id) and the group in words."""

    row: CardCopy
    group: str
    name: str

    def entry(self) -> dict:
        """The message as the timeline lists it (``record_exposed``)."""
        return {"outbox": self.row.id, "platform": self.row.platform, "group": self.group,
                "kind": str(self.row.card.get("kind", "")), "sent_at": iso(self.row.sent_at)}


def redraw(ctx, case_id: int) -> tuple[list[Reply], list[Exposed]]:
    """The updates that re-draw the case's earlier group messages (one per card instance), and the messages
    that cannot be re-drawn."""
    replies: list[Reply] = []
    exposed: list[Exposed] = []
    instances: set[tuple[str, str]] = set()
    for row in ctx.card_copies.in_groups(case_id):
        card = Card.from_dict(row.card)
        can = ctx.can(row.platform)
        if is_secret_notice(card) or _answered_one_to_one(row, can.answers_clicks_one_to_one):
            continue
        if not updatable(replace(row, method="group"), can) or (row.sent and not row.card_ref):
            exposed.append(Exposed(row, *_group(ctx.org, row)))
            continue
        if not first_of_its_instance(row, can, instances):
            continue
        replies.append(Reply(card, to=Target("card", str(row.id), row.platform), update=True, case_id=case_id))
    return replies, exposed


def exposure_words(exposed: list[Exposed], now: datetime) -> str:
    """For the desk: which group messages showed the case's content, when, and what to do about them."""
    lines = [f"· {e.name}：{KIND_NAMES.get(str(e.row.card.get('kind')), '消息')}，"
             f"{when(e.row.sent_at, now) + ' 发出' if e.row.sent_at else '待发出'}" for e in exposed]
    return "\n".join([f"以下 {len(exposed)} 条群消息在标记前已显示案件内容，平台不支持修改，机器人无法撤回，"
                      "请联系群主删除（已记入案件时间线）：", *lines])


def _answered_one_to_one(row: CardCopy, clicks_one_to_one: bool) -> bool:
    event = row.address.get("event") or {}
    return row.method == "reply" and event.get("kind") == "click" and clicks_one_to_one


def _group(org: Organisation, row: CardCopy) -> tuple[str, str]:
    """The group ``row`` went to: (unit id, else the chat's id; the group in words). A webhook key is a secret:
    never matched on, never named."""
    if row.method == "group":
        ids = {v for k, v in (row.address.get("group") or {}).items() if "webhook" not in k and v}
    else:
        ids = {str((row.address.get("event") or {}).get("chat_id") or "")} - {""}
    unit = next((u for u in org.units.values() if ids & _chat_ids(u, row.platform)), None)
    if unit is None and row.method == "group":
        unit = org.units.get(str((row.card.get("data") or {}).get("unit") or ""))
    platform = PLATFORM_NAMES.get(row.platform, row.platform)
    if unit is not None:
        return unit.id, f"{unit.name}群（{platform}）"
    chat = sorted(ids)[0] if ids else ""
    return chat, f"群聊 {chat}（{platform}）" if chat else f"群聊（{platform}）"


def _chat_ids(unit: Unit, platform: str) -> set[str]:
    return {v for k, v in unit.groups.by_platform().get(platform, {}).items() if "webhook" not in k and v}
