"""What people type into a per-grade duty's record (bot/domain/case/decisions.py): 是/否 with a note kept as
written, a meeting's time in Shanghai words, attendees by their names in the org file."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.domain.case.decisions import attendees, meeting_time, yes_no
from bot.domain.errors import InvalidInput

NOW = datetime(2026, 12, 7, 7, 0, tzinfo=timezone.utc)  # 15:00 in Shanghai


@pytest.mark.parametrize("typed, read", [
    ("是", (True, "")), ("否", (False, "")), ("是 今天下午在官网发布情况说明", (True, "今天下午在官网发布情况说明")),
    ("否，已有权威通报，无需组织跟帖", (False, "已有权威通报，无需组织跟帖")), ("不需要", (False, "")),
    ("需要：由办公室统一发布", (True, "由办公室统一发布")),
])
def test_yes_or_no_with_the_note_as_written(typed, read):
    assert yes_no(typed) == read


def test_anything_else_is_asked_again_with_an_example():
    with pytest.raises(InvalidInput) as refused:
        yes_no("看情况")
    assert "请回复“是”或“否”" in refused.value.message


@pytest.mark.parametrize("typed, utc", [
    ("15:30", datetime(2026, 12, 7, 7, 30, tzinfo=timezone.utc)),
    ("今天 9点", datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)),
    ("昨天 20:00", datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)),
    ("12月7日 15:30", datetime(2026, 12, 7, 7, 30, tzinfo=timezone.utc)),
    ("2026-12-05 08:30", datetime(2026, 12, 5, 0, 30, tzinfo=timezone.utc)),
    ("现在", NOW),
])
def test_a_meeting_time_in_shanghai_words(typed, utc):
    assert meeting_time(typed, NOW) == utc


@pytest.mark.parametrize("typed", ["下午", "25:00", "13月1日 9:00"])
def test_a_time_it_cannot_read_is_asked_again(typed):
    with pytest.raises(InvalidInput):
        meeting_time(typed, NOW)


def test_attendees_by_name_and_the_names_not_in_the_org(org):
    people = list(org.people.values())
    known = "、".join(p.name for p in people[:2])
    found, unknown = attendees(org, f"{known}、张三 李四")
    assert found == [p.id for p in people[:2]] and unknown == ["张三", "李四"]
