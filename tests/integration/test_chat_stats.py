"""统计 through the whole product (issue 25): typed into the emulators' chats, handled by a real worker, the period's
summary and then its Excel workbook reach the leader 1:1 — on WeCom through the self-built app, on DingTalk as a real
file (``sampleFile``) — and the workbook opens with openpyxl, its 「汇总」 naming the period and counting the case."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest

from bot.core.clock import SHANGHAI, utcnow
from bot.domain.grade import Grade
from bot.domain.stats import parse_period
from bot.emulator.wecom import media_msgs
from tests.integration.stack import running_stack
from tests.integration.unit_flow import People, open_and_assign

NEW_CASES = "新增舆情（件）"  # part A's first summary line (bot/domain/stats/tables.py)
MAIN_WECOM, IN_CHARGE_DT = "zhaojz", "0412"  # 赵局长 (main leader) on WeCom, 吴副局长 (in charge) on DingTalk


@pytest.fixture(scope="module")
def stack(redis_service, tmp_path_factory):
    yield from running_stack(redis_service, tmp_path_factory, "stats")


def summary_sheet(content: bytes) -> dict:
    book = openpyxl.load_workbook(BytesIO(content))
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) > 1
    return {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}


def test_a_leader_gets_the_summary_and_the_workbook_one_to_one_on_both_platforms(stack):
    p = People(stack, timeout=15)
    dt, wecom = stack.emulator.dingtalk, stack.emulator.wecom
    open_and_assign(stack, ["u-foodsale"], Grade.MAJOR)
    month = parse_period("本月", utcnow().astimezone(SHANGHAI).date())
    name = f"舆情统计-{month.key}.xlsx"
    # WeCom, 1:1 through the self-built app: the answer, the summary, then the file
    p.exchange(MAIN_WECOM, ("统计 本月", f"正在统计 {month.label}"))
    p.told(MAIN_WECOM, f"舆情统计：{month.label}")
    assert any(f"{NEW_CASES}：1" in text for text in p.got(MAIN_WECOM))  # the one case opened counts
    [(kind, got, content)] = p.wait(lambda: wecom.media_for_user(MAIN_WECOM), what="the WeCom file")
    assert (kind, got) == ("file", name)
    summary = summary_sheet(content)
    assert summary["统计期间"] == month.label and summary[NEW_CASES] == 1
    assert summary_first(wecom.messages_for_user(MAIN_WECOM), lambda m: str(m.get("content", m)),
                         lambda m: media_msgs.received(wecom.media, [m]), month.label)
    # DingTalk, 1:1: a real file
    p.exchange(IN_CHARGE_DT, ("统计 本月", f"正在统计 {month.label}"))
    p.told(IN_CHARGE_DT, f"舆情统计：{month.label}")
    assert any(f"{NEW_CASES}：1" in text for text in p.got(IN_CHARGE_DT))
    [(kind, got, content)] = p.wait(lambda: dt.media.received(dt.messages_for_user(IN_CHARGE_DT)),
                                    what="the DingTalk file")
    assert (kind, got) == ("sampleFile", name)
    assert summary_sheet(content)["统计期间"] == month.label
    assert summary_first(dt.messages_for_user(IN_CHARGE_DT), lambda m: str(m.content),
                         lambda m: dt.media.received([m]), month.label)


def summary_first(messages: list, text_of, files_of, label: str) -> bool:
    """The summary reached the person before the file."""
    summary = next(i for i, m in enumerate(messages) if f"舆情统计：{label}" in text_of(m))
    return summary < next(i for i, m in enumerate(messages) if files_of(m))
