"""`yuqing case list [--open] [--json]` and `yuqing case show NUMBER [--json]`."""

from __future__ import annotations

import json

from click.testing import CliRunner
import pytest

from bot.cli import cli
from bot.domain.case import commands as cases
from bot.domain.case.lifecycle import CaseState
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.intake.reading import link_key
from bot.domain.records import Actor
from bot.store.case_repo import SqlCaseStore
from bot.store.intake import record_intake
from bot.store.org_repo import apply_organisation
from tests.store.test_case_cli import NOW
from tests.unit.domain.sample_org import make_org


@pytest.fixture
def runner(sqlite_database, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_database.url)
    for name in ("POLICY_FILE", "HOLIDAY_FILE", "ORG_FILE"):
        monkeypatch.delenv(name, raising=False)
    with sqlite_database.session() as session:
        apply_organisation(session, make_org(), NOW)
    store, rules = SqlCaseStore(sqlite_database), Rules(make_org(), default_policy(), WorkCalendar())
    link = "https://weibo.com/1/AbC"
    first = cases.open_case(store, rules, Actor("p-li"), NOW, title="甲", link=link, source="weibo").case
    with sqlite_database.session() as session:
        record_intake(session, first.id, normalised=link_key(link), title_from="text")
    second = cases.open_case(store, rules, Actor("p-li"), NOW, title="乙", transfer_ref="2026第1号").case
    with sqlite_database.session() as session:
        from bot.store.cases import CaseRow
        session.get(CaseRow, second.id).state = str(CaseState.ARCHIVED)
    return CliRunner()


def test_list_all_and_open_as_text_and_json(runner):
    result = runner.invoke(cli, ["case", "list"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("YQ-2026-0002  已归档  一般舆情  2026-11-24 10:00  乙")
    result = runner.invoke(cli, ["case", "list", "--open", "--json"])
    assert result.exit_code == 0 and [c["number"] for c in json.loads(result.output)] == ["YQ-2026-0001"]


def test_show_one_case_in_full_or_as_json(runner):
    result = runner.invoke(cli, ["case", "show", "yq-2026-0001"])
    assert result.exit_code == 0 and "来源: weibo" in result.output and "case.open" in result.output
    assert "预览: pending" in result.output
    data = json.loads(runner.invoke(cli, ["case", "show", "YQ-2026-0002", "--json"]).output)
    assert data["transfer_ref"] == "2026第1号" and data["timeline"][0]["action"] == "case.open"
    assert any(d["kind"] == "transfer_feedback" for d in data["duties"])


def test_show_an_unknown_case_exits_1(runner):
    result = runner.invoke(cli, ["case", "show", "YQ-2026-0099"])
    assert result.exit_code == 1 and "找不到案件" in result.output
