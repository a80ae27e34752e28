"""The rendering rule and pictures/files (``bot.core.media``): a confidential case's picture never reaches a
group — the group gets the notice instead (a ``notice``: a picture has no template to draw it) — while a person
still gets it, and a drill's picture is sent as is."""

from __future__ import annotations

from bot.core.media import Media, is_media, media_card
from bot.core.presentation import DRILL_MARK, Audience, CaseTraits, present

CHART = media_card(Media("image", "现场.png", "image/png", 7, 1234, "ab" * 32, caption="某小区水质 现场照片"))
SECRET = CaseTraits(confidential=True, title="某小区水质", link="https://example.com/x", number="YQ-2026-0003",
                    grade="敏感")


def test_a_confidential_cases_picture_becomes_the_notice_in_a_group():
    shown = present(CHART, Audience.GROUP, SECRET)
    assert not is_media(shown) and shown.kind == "notice"
    assert shown.data == {"secret_notice": {"number": "YQ-2026-0003", "grade": "敏感"}, "title": "涉密舆情"}


def test_a_confidential_cases_picture_still_reaches_a_person():
    assert present(CHART, Audience.PERSON, SECRET) == CHART


def test_a_drills_picture_carries_the_mark_in_its_caption():
    drill = CaseTraits(drill=True)
    assert present(CHART, Audience.PERSON, drill).data["caption"] == DRILL_MARK + "某小区水质 现场照片"
    bare = media_card(Media("file", "YQ-2026-0001.docx", "application/octet-stream", 8, 10, "cd" * 32))
    shown = present(bare, Audience.GROUP, drill)
    assert shown.data["caption"] == DRILL_MARK and Media.of(shown).blob == 8  # the same bytes, now marked


def test_a_drills_picture_in_a_confidential_case_is_a_marked_notice_in_a_group():
    drill = CaseTraits(drill=True, confidential=True, title="某小区水质", number="YQ-2026-0003", grade="敏感")
    assert present(CHART, Audience.GROUP, drill).data["title"] == DRILL_MARK + "涉密舆情"
