"""Hostile titles and texts on every card kind, on every platform, in every form a destination gets: nothing a
user typed becomes a live mention, link or markup there (a headline holding "<@all>" must not ring a whole group).

The kinds come from the templates folder, so a new kind cannot escape; its sample is the one every WeCom
destination test renders (tests/unit/platforms/wecom/test_templates.py), with every user value made hostile.
What a platform reads as markup: WeCom markdown and text (a ``template_card``'s fields are plain text), the
DingTalk card's ``body`` variable (its Markdown component) and DingTalk markdown messages.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from bot.config import ROOT
from bot.core.card import Card
from bot.emulator.wecom.payloads import aibot_body, app_body, webhook_body
from bot.platforms.render import defang, render_json, render_text
from bot.platforms.wecom.bodies import Bodies
from tests.unit.platforms.wecom.test_templates import SAMPLES

TEMPLATES = ROOT / "templates"
EVIL = "http://evil.example/x"
MARK = "甲乙丙"  # shows that the hostile value did arrive (a template that dropped it would pass for nothing)
PAYLOADS = {
    "mention": f"{MARK} <@all> 速看 @所有人 @ALL <@zhouks>",
    "link": f"{MARK} [官方通报]({EVIL}) ![图]({EVIL}.png) [详情][1]\n[1]: {EVIL}\n<{EVIL}> <a href=\"{EVIL}\">点此</a>",
    "markup": f'{MARK} <font color="warning">紧急</font> <font color=#FF0000>红字</font>',
    "long": f"{MARK} " + "网传某食品厂使用过期原料。" * 400 + f' <@all> [x]({EVIL}) <font color="warning">尾</font> @所有人',
}
TRUSTED = {"mentions", "color", "kind"}  # org user ids and the code's own choices, not what anyone typed

LIVE = {
    "an HTML tag or autolink": re.compile(r"<\s*/?\s*[a-z!]", re.IGNORECASE),
    "an everyone-mention": re.compile(r"@(?:all|所有人)", re.IGNORECASE),
    "a markdown link or image": re.compile(r"\[[^\]\n]*\]\s*[(\[:]"),
}
MENTION = re.compile(r"<@([^>]*)>")


def kinds() -> list[str]:
    """Every kind some platform has a template for (partials, named ``_…``, are not kinds)."""
    stems = {p.name.removesuffix(".txt.j2") for p in (TEMPLATES / "text").glob("[!_]*.txt.j2")}
    for platform in ("wecom", "dingtalk"):
        stems |= {p.name.removesuffix(".json.j2") for p in (TEMPLATES / platform).glob("[!_]*.json.j2")}
    return sorted(stems)


def hostile(value: Any, payload: str) -> Any:
    """``value`` with every string a user could have typed replaced by ``payload``."""
    if isinstance(value, str):
        return payload
    if isinstance(value, list):
        return [hostile(v, payload) for v in value]
    if isinstance(value, dict):
        return {k: v if k in TRUSTED else hostile(v, payload) for k, v in value.items()}
    return value


def hostile_cards(kind: str, payload: str) -> list[Card]:
    """The kind's samples, title, texts, facts, lists and button labels hostile."""
    return [Card(kind, hostile(c.data, payload), tuple(replace(b, label=payload) for b in c.buttons))
            for c in SAMPLES[kind]]


def live_markup(text: str, mentions: list[str]) -> list[str]:
    """What in ``text`` a platform would act on beyond the card's own mentions of org user ids."""
    found = [f"a mention of {who!r}" for who in MENTION.findall(text) if who not in mentions]
    rest = MENTION.sub("", text)
    return found + [f"{what}: {m.group(0)!r}" for what, rx in LIVE.items() for m in rx.finditer(rest)]


def wecom_texts(card: Card) -> list[str]:
    """What WeCom reads as markdown or text in every form the messenger sends ``card`` in, each form
    checked against the emulator's payload rules of its destination."""
    bodies, texts = Bodies(TEMPLATES), []
    for body in bodies.pieces(card, "yq_h1", cards=True, plain=False):  # the app 1:1
        app_body({"touser": "zhouks", "agentid": 1, **body})
        texts += _text_of(body)
    for body in bodies.pieces(card, "yq_h2", cards=True, plain=True):  # a WeChat-plugin reader
        app_body(body)
        texts += _text_of(body)
    for body in bodies.pieces(card, "yq_h3", cards=False, plain=False):  # a group: webhook, appchat
        webhook_body(body)
        texts += _text_of(body)
    for cards, chat in ((True, "single"), (False, "group")):  # the smart bot
        body = bodies.aibot(card, "yq_h4", cards=cards)
        aibot_body(body, chat)
        texts += _text_of(body)
    return texts


def _text_of(body: dict) -> list[str]:
    msgtype = body["msgtype"]
    if msgtype in ("markdown", "text"):
        return [body[msgtype]["content"]]
    assert msgtype == "template_card"  # plain-text fields only: WeCom reads no markup in them
    return []


def dingtalk_texts(card: Card) -> list[str]:
    """What DingTalk reads as markdown: the card's ``body`` variable and the markdown message."""
    out = render_json(TEMPLATES, "dingtalk", card)
    return [out["card"]["body"], out["markdown"]["text"]]


def test_every_kind_has_a_sample_to_make_hostile():
    assert set(kinds()) <= set(SAMPLES), "add a sample card for the new kind to wecom/test_templates.py"


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("kind", kinds())
def test_nothing_a_user_typed_is_live_on_any_platform(kind, payload):
    for card in hostile_cards(kind, PAYLOADS[payload]):
        mentions = list(card.data.get("mentions", []))
        forms = {"wecom": wecom_texts(card), "dingtalk": dingtalk_texts(card),
                 "text": [render_text(TEMPLATES, card)]}
        for platform, texts in forms.items():
            assert any(MARK in t for t in texts), f"{kind} on {platform}: the hostile value never arrived"
            for text in texts:
                assert live_markup(text, mentions) == [], f"{kind} on {platform}"


def test_the_cards_own_mentions_stay_live():
    (card, *_) = hostile_cards("case_card", PAYLOADS["mention"])
    (group,) = Bodies(TEMPLATES).pieces(card, "yq_h5", cards=False, plain=False)
    assert MENTION.findall(group["markdown"]["content"]) == ["fenggs"]


def test_defanged_text_reads_the_same_and_defanging_twice_changes_nothing():
    text = "网传<@all> [通报](http://x) <font color=\"warning\">急</font> @所有人，请 @舆情助手 核实 a@b.cn"
    once = defang(text)
    assert once == "网传＜＠all> ［通报］(http://x) ＜font color=\"warning\">急＜/font> ＠所有人，请 @舆情助手 核实 a@b.cn"
    assert defang(once) == once and live_markup(once, []) == []
