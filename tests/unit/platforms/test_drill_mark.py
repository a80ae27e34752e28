"""On a drill case every card kind a case can produce carries 【演练】 at the start of its heading, in every form
every destination gets (WeCom: app card, markdown, plain text, smart bot; DingTalk: card and markdown; the text
fallback), once it has passed the rendering rule — and none on a real case.

The kinds come from the templates folder, so a new kind cannot escape: it is a case kind unless it is named in
``NOT_OF_A_CASE`` (cards that never belong to one case; the worker files them under none). Samples are the
ones every WeCom destination test renders (tests/unit/platforms/wecom/test_templates.py)."""

from __future__ import annotations

import pytest

from bot.config import ROOT
from bot.core.card import Card
from bot.core.presentation import DRILL_MARK, Audience, CaseTraits, present
from bot.platforms.render import render_json, render_text
from bot.platforms.wecom.bodies import Bodies
from tests.unit.platforms.test_hostile_values import kinds
from tests.unit.platforms.wecom.test_templates import SAMPLES

TEMPLATES = ROOT / "templates"
NOT_OF_A_CASE = {"help", "digest", "my_duties", "delivery_failed", "demo_card"}
CASE_KINDS = sorted(set(kinds()) - NOT_OF_A_CASE)
DRILL, REAL = CaseTraits(drill=True, title="某超市销售过期食品"), CaseTraits(title="某超市销售过期食品")


def headings(card: Card) -> dict[str, str]:
    """The first thing a reader sees of ``card`` in each form it takes."""
    out = {}
    bodies = Bodies(TEMPLATES)
    forms = {"wecom app": bodies.pieces(card, "yq_d1", cards=True, plain=False),
             "wecom plugin reader": bodies.pieces(card, "yq_d2", cards=True, plain=True),
             "wecom group": bodies.pieces(card, "yq_d3", cards=False, plain=False),
             "wecom smart bot": [bodies.aibot(card, "yq_d4", cards=False)]}
    for name, pieces in forms.items():
        body = pieces[0]
        if body["msgtype"] == "template_card":
            out[name] = body["template_card"]["main_title"]["title"]
        else:
            out[name] = body[body["msgtype"]]["content"].removeprefix("**").splitlines()[0]
    dingtalk = render_json(TEMPLATES, "dingtalk", card)
    title, body = dingtalk["card"]["title"], dingtalk["card"]["body"]
    out["dingtalk card"] = title if "title" in card.data else body  # a notice has no title: its text
    out["dingtalk markdown"] = next(line for line in dingtalk["markdown"]["text"].splitlines()
                                    if line.strip() and not line.startswith("### 舆情助手")).removeprefix("### ")
    out["text"] = render_text(TEMPLATES, card).splitlines()[0]
    return out


def test_the_kinds_not_of_a_case_are_kinds_that_exist():
    assert NOT_OF_A_CASE <= set(kinds()), "a kind named here no longer has a template: drop it from the list"
    assert {"case_card", "bulletin", "desk_card", "prompt_card", "intake_card", "notice", "reminder",
            "escalation"} <= set(CASE_KINDS)


@pytest.mark.parametrize("kind", CASE_KINDS)
@pytest.mark.parametrize("audience", list(Audience))
def test_every_card_of_a_drill_starts_with_the_mark_in_every_form(kind, audience):
    for sample in SAMPLES[kind]:
        shown = headings(present(sample, audience, DRILL))
        assert {form: h for form, h in shown.items() if not h.startswith(DRILL_MARK)} == {}, kind


@pytest.mark.parametrize("kind", CASE_KINDS)
def test_no_card_of_a_real_case_carries_the_mark(kind):
    for sample in SAMPLES[kind]:
        for audience in Audience:
            assert all(DRILL_MARK not in h for h in headings(present(sample, audience, REAL)).values()), kind


def test_the_text_forms_keep_their_brackets_after_the_mark():
    warning = present(SAMPLES["case_card"][2], Audience.GROUP, DRILL)
    assert render_text(TEMPLATES, warning).startswith("【演练】【舆情通报】")
    reminder = present(SAMPLES["reminder"][0], Audience.PERSON, DRILL)
    assert render_text(TEMPLATES, reminder).startswith("【演练】【催办】YQ-2026-0001 ")
    assert render_json(TEMPLATES, "dingtalk", reminder)["card"]["title"] == "【演练】催办：YQ-2026-0001 初报"
