"""The one rendering rule: a drill's card is marked 【演练】 for every reader; in a group a confidential case's card,
whatever its kind, carries only 「涉密舆情 YQ-…（重大）需要您处理，详情已私信发送」 (a whitelist: its kind, its id
keys, 签收 and 非本单位职责); a card without a case is left alone; the safety net takes a confidential case's title
and link out of a card that names it without belonging to it."""

from __future__ import annotations

from bot.core.card import Button, Card
from bot.core.presentation import (
    DRILL_MARK, SCRUBBED, Audience, CaseTraits, group_notice, is_secret_notice, named_numbers, present, unnamed,
)

TITLE, LINK = "某超市销售过期食品", "https://weibo.com/1/abc"
WARNING = Card("case_card", {"title": "舆情预警 YQ-2026-0001", "body": f"{TITLE}\n链接：{LINK}\n\n工作要求：请关注",
                             "facts": [{"label": "案件编号", "value": "YQ-2026-0001"}], "status": "冯干事 已签收",
                             "hint": "签收：…", "mentions": ["fenggs"], "link": LINK, "case_id": 7, "unit": "u-food",
                             "assignment": 3, "links": [{"title": "图片", "url": "http://x/files/1"}]},
               (Button("签收", "case.ack", {"case": "YQ-2026-0001", "a": "3"}), Button("非本单位职责", "case.reject"),
                Button("报告", "report.start")))
NOTICE = Card("notice", {"text": f"卫干事 已于 11-30 10:00 签收 YQ-2026-0001：{TITLE}"})
DRILL, REAL = CaseTraits(drill=True, title=TITLE, link=LINK), CaseTraits(title=TITLE, link=LINK)
SECRET = CaseTraits(confidential=True, title=TITLE, link=LINK, number="YQ-2026-0001", grade="重大")
SHOWN = {"number": "YQ-2026-0001", "grade": "重大"}


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


def test_a_group_gets_only_the_notice_its_ids_and_the_two_safe_buttons():
    hidden = present(WARNING, Audience.GROUP, SECRET)
    assert hidden.kind == "case_card", "its copies are still found and updated as the kind's"
    assert hidden.data == {"secret_notice": SHOWN, "title": "涉密舆情", "case_id": 7, "unit": "u-food",
                           "assignment": 3}
    assert [b.action for b in hidden.buttons] == ["case.ack", "case.reject"]
    assert is_secret_notice(hidden) and present(hidden, Audience.GROUP, SECRET) == hidden
    assert group_notice("YQ-2026-0001", "重大") == "涉密舆情 YQ-2026-0001（重大）需要您处理，详情已私信发送"


def test_every_kind_of_card_becomes_the_same_notice_whatever_it_carried():
    reminder = Card("reminder", {"title": "催办", "case": "YQ-2026-0001", "case_title": TITLE, "unit": "食品科",
                                 "left": "还剩1小时"}, (Button("签收", "case.ack"),))
    for card in (NOTICE, reminder, Card("my_future_kind", {"anything": TITLE, "who": ["冯干事"]})):
        hidden = present(card, Audience.GROUP, SECRET)
        assert hidden.kind == card.kind and hidden.data["secret_notice"] == SHOWN
        assert TITLE not in str(hidden) and "冯干事" not in str(hidden)
        assert set(hidden.data) <= {"secret_notice", "title", "case", "unit"}


def test_a_person_sees_a_confidential_case_whole():
    assert present(WARNING, Audience.PERSON, SECRET) == WARNING


def test_a_confidential_drill_in_a_group_is_the_notice_marked():
    card = present(WARNING, Audience.GROUP, CaseTraits(drill=True, confidential=True, title=TITLE, number="YQ-2026-0001",
                                                       grade="一般"))
    assert card.data["title"] == DRILL_MARK + "涉密舆情" and card.data["secret_notice"]["grade"] == "一般"


def test_the_safety_net_takes_the_title_and_link_out_of_a_card_that_names_the_case():
    card = Card("my_duties", {"name": "周科长", "duties": [{"case": "YQ-2026-0001", "title": TITLE, "line": LINK}]},
                (Button(f"签收 {TITLE}", "case.ack", {"note": TITLE}),))
    assert named_numbers(card) == {"YQ-2026-0001"}
    safe = unnamed(card, [SECRET])
    assert TITLE not in str(safe) and LINK not in str(safe)
    assert safe.data["duties"][0] == {"case": "YQ-2026-0001", "title": SCRUBBED, "line": SCRUBBED}
    assert unnamed(card, [CaseTraits(confidential=True, number="YQ-2026-0001")]) == card  # nothing to take out
