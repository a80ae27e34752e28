"""`yuqing case verify` and `yuqing policy show` from the command line."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from bot.cli import cli
from bot.core.clock import SHANGHAI
from bot.domain.case import commands as cases
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.records import Actor
from bot.store.case_repo import SqlCaseStore
from bot.store.org_repo import apply_organisation
from bot.store.timeline import TimelineRow
from tests.unit.domain.sample_org import make_org

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def runner(sqlite_database, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_database.url)
    for name in ("POLICY_FILE", "HOLIDAY_FILE", "ORG_FILE"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def two_cases(database) -> list[str]:
    with database.session() as session:
        apply_organisation(session, make_org(), NOW)
    store, rules = SqlCaseStore(database), Rules(make_org(), default_policy(), WorkCalendar())
    return [cases.open_case(store, rules, Actor("p-li"), NOW, title=t).case.number for t in ("甲", "乙")]


def test_verify_one_and_all(runner, sqlite_database):
    first, second = two_cases(sqlite_database)
    result = runner.invoke(cli, ["case", "verify", first])
    assert result.exit_code == 0 and f"{first}: 完好" in result.output
    result = runner.invoke(cli, ["case", "verify", "--all"])
    assert result.exit_code == 0 and second in result.output


def test_verify_names_the_broken_link(runner, sqlite_database):
    first, second = two_cases(sqlite_database)
    with sqlite_database.session() as session:
        session.execute(update(TimelineRow).where(TimelineRow.seq == 1, TimelineRow.payload["title"].as_string() == "乙")
                        .values(actor="p-forger"))
    result = runner.invoke(cli, ["case", "verify", "--all"])
    assert result.exit_code == 1
    assert f"{second}: 第 1 条断链" in result.output and f"{first}: 完好" in result.output


def test_verify_needs_a_number_or_all(runner, sqlite_database):
    assert runner.invoke(cli, ["case", "verify"]).exit_code == 2
    result = runner.invoke(cli, ["case", "verify", "YQ-2026-0404"])
    assert result.exit_code == 1 and "找不到" in result.output


def test_policy_show(runner, tmp_path, monkeypatch):
    result = runner.invoke(cli, ["policy", "show"])
    assert result.exit_code == 0 and "公开回应 (public_response): 重大舆情 48h, 特别重大舆情 24h" in result.output
    data = json.loads(runner.invoke(cli, ["policy", "show", "--json"]).output)
    assert data["duties"]["acknowledge"]["general"] == "4wh"
    bad = tmp_path / "policy.yaml"
    bad.write_text("scale: 0\nduties:\n  authoritative_release: {especially_major: 6h}\n", encoding="utf-8")
    monkeypatch.setenv("POLICY_FILE", str(bad))
    result = runner.invoke(cli, ["policy", "show"])
    assert result.exit_code == 2
    assert "policy.yaml:1:" in result.output and "policy.yaml:3:" in result.output
