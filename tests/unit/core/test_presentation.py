"""The one rendering rule: a drill's card is marked 【演练】 for every reader; a group never sees a confidential
case's title or link (today's warning behaviour, now for every card); a card without a case is left alone."""

from __future__ import annotations

from bot.core.card import Button, Card
from bot.core.presentation import DRILL_MARK, HIDDEN_IN_GROUP, Audience, CaseTraits, present

TITLE, LINK = "某超市销售过期食品", "https://weibo.com/1/abc"
WARNING = Card("case_card", {"title": "舆情预警 YQ-2026-0001", "body": f"{TITLE}\n链接：{LINK}\n\n工作要求：请关注",
                             "facts": [{"label": "案件编号", "value": "YQ-2026-0001"}], "status": "", "hint": "签收：…",
                             "mentions": ["fenggs"], "links": [{"title": "图片", "url": "http://x/files/1"}]},
               (Button("签收", "case.ack", {"case": "YQ-2026-0001"}), Button("非本单位职责", "case.reject"),
                Button("报告", "report.start")))
NOTICE = Card("notice", {"text": f"卫干事 已于 11-30 10:00 签收 YQ-2026-0001：{TITLE}"})
DRILL, REAL = CaseTraits(drill=True, title=TITLE, link=LINK), CaseTraits(title=TITLE, link=LINK)
SECRET = CaseTraits(confidential=True, title=TITLE, link=LINK)


def test_a_drill_is_marked_on_its_heading_for_groups_and_people_alike():
    for audience in Audience:
        assert present(WARNING, audience, DRILL).data["title"] == DRILL_MARK + "舆情预警 YQ-2026-0001"
        assert present(NOTICE, audience, DRILL).data["text"].startswith(DRILL_MARK + "卫干事")  # no title: its text
    group, person = present(WARNING, "group", DRILL), present(WARNING, "person", DRILL)
    assert group == person, "the mark is the same wherever the card goes (one card to many spaces stays one)"
    assert present(group, Audience.GROUP, DRILL) == group, "marked once, however often it passes"


def test_a_real_case_and_a_card_without_a_case_are_left_as_they_are():
    for audience in Audience:
        assert present(WARNING, audience, REAL) == WARNING
        assert present(WARNING, audience, None) == WARNING
    assert present(Card("help", {"name": "周科长", "commands": []}), Audience.PERSON, None).data == {
        "name": "周科长", "commands": []}


def test_a_group_sees_nothing_of_a_confidential_case_but_may_still_acknowledge():
    hidden = present(WARNING, Audience.GROUP, SECRET)
    assert hidden.data["body"] == HIDDEN_IN_GROUP and hidden.data["links"] == []
    assert [b.action for b in hidden.buttons] == ["case.ack", "case.reject"]
    assert hidden.data["title"] == "舆情预警 YQ-2026-0001" and hidden.data["mentions"] == ["fenggs"]
    told = present(NOTICE, Audience.GROUP, SECRET).data["text"]
    assert TITLE not in told and told.startswith("卫干事 已于")
    reminder = Card("reminder", {"title": "催办", "case": "YQ-2026-0001", "case_title": TITLE, "left": "还剩1小时"})
    assert TITLE not in str(present(reminder, Audience.GROUP, SECRET).data)


def test_a_person_sees_a_confidential_case_whole():
    assert present(WARNING, Audience.PERSON, SECRET) == WARNING


def test_a_confidential_drill_in_a_group_is_hidden_and_marked():
    card = present(WARNING, Audience.GROUP, CaseTraits(drill=True, confidential=True, title=TITLE, link=LINK))
    assert card.data["title"].startswith(DRILL_MARK) and card.data["body"] == HIDDEN_IN_GROUP
