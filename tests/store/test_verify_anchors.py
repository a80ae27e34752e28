"""`yuqing case verify --all --anchors FILE`: the day's anchor written, then a deleted tail and an edited grade
named (and nothing else); the rows check on its own; an unreadable or altered anchor file."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select, update

from bot.cli import cli
from bot.core.clock import SHANGHAI
from bot.domain.case import commands as cases
from bot.domain.case.anchors import heads_digest
from bot.domain.case.timeline import GENESIS
from bot.domain.clock.policy_file import default_policy
from bot.domain.clock.workdays import WorkCalendar
from bot.domain.context import Rules
from bot.domain.grade import Grade
from bot.domain.records import Actor
from bot.domain.unit import commands as units
from bot.store.anchors import chain_heads, check_case, one_snapshot, write_anchor
from bot.store.case_repo import SqlCaseStore
from bot.store.cases import CaseRow, GradeChangeRow
from bot.store.org_repo import apply_organisation
from bot.store.timeline import TimelineRow
from tests.unit.domain.sample_org import make_org

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
DAY = date(2026, 11, 24)
DESK, FOOD = Actor("p-li", "wecom"), Actor("p-feng", "wecom")


@pytest.fixture
def runner(sqlite_database, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_database.url)
    for name in ("POLICY_FILE", "HOLIDAY_FILE", "ORG_FILE"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def three_cases(database) -> list[str]:
    """Three cases walked a little: assigned, acknowledged, one raised to 重大, one a drill."""
    with database.session() as session:
        apply_organisation(session, make_org(), NOW)
    store, rules = SqlCaseStore(database), Rules(make_org(), default_policy(), WorkCalendar())
    numbers = []
    for i, title in enumerate(("甲", "乙", "丙")):
        case = cases.open_case(store, rules, DESK, NOW, title=title, drill=i == 2).case
        a = units.assign_unit(store, rules, case.id, DESK, NOW, "u-food").assignment
        units.acknowledge(store, rules, case.id, a.id, FOOD, NOW + timedelta(minutes=5))
        if i == 1:
            cases.set_grade(store, rules, case.id, DESK, NOW + timedelta(hours=1), Grade.MAJOR, "转载量上升")
        numbers.append(case.number)
    return numbers


def anchored(database, tmp_path) -> str:
    path = tmp_path / "anchors" / "anchors.txt"  # its folder is made
    with database.session() as session:
        write_anchor(path, DAY, chain_heads(session))
    return str(path)


def named(output: str) -> set[str]:
    """The cases a verify output names with a problem."""
    return {line.split(":")[0] for line in output.splitlines() if "完好" not in line and line.startswith("YQ-")}


def test_chain_heads_reads_every_case_in_one_query(database):
    numbers = three_cases(database)
    with database.session() as session:
        heads = chain_heads(session)
        last = session.execute(select(TimelineRow.hash).where(TimelineRow.seq == 4)).scalar_one()  # the graded one
    assert [n for n, _, _ in heads] == numbers and [length for _, length, _ in heads] == [3, 4, 3]
    assert heads[1][2] == last
    with database.session() as session:  # what case verify reads, from one snapshot: every case agrees with its rows
        one_snapshot(session)
        found = [check_case(session, n) for n in numbers]
    assert [(c.found, c.broken, c.rows, len(c.hashes)) for c in found] == [(True, None, (), k) for k in (3, 4, 3)]
    with database.session() as session:  # a case with no entry yet: length 0, GENESIS
        session.execute(delete(TimelineRow).where(TimelineRow.case_id == session.scalars(
            select(CaseRow.id).where(CaseRow.number == numbers[2])).one()))
        assert chain_heads(session)[2] == (numbers[2], 0, GENESIS)


def test_an_untouched_database_matches_its_anchor(runner, sqlite_database, tmp_path):
    numbers = three_cases(sqlite_database)
    path = anchored(sqlite_database, tmp_path)
    line = open(path, encoding="utf-8").readline().strip()
    with sqlite_database.session() as session:
        assert line == f"anchor 2026-11-24 cases=3 sha256={heads_digest(chain_heads(session))}"
    result = runner.invoke(cli, ["case", "verify", "--all", "--anchors", path])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"{n}: 完好 (ok)，与 2026-11-24 的存证锚点相符（{k} 条）"
                                          for n, k in zip(numbers, (3, 4, 3))]


def test_a_deleted_tail_and_an_edited_grade_are_named_and_nothing_else(runner, sqlite_database, tmp_path):
    first, second, third = three_cases(sqlite_database)
    path = anchored(sqlite_database, tmp_path)
    with sqlite_database.session() as session:
        ids = {n: i for n, i in session.execute(select(CaseRow.number, CaseRow.id))}
        last = session.scalar(select(func.max(TimelineRow.seq)).where(TimelineRow.case_id == ids[first]))
        session.execute(delete(TimelineRow).where(TimelineRow.case_id == ids[first], TimelineRow.seq == last))
        session.execute(update(CaseRow).where(CaseRow.id == ids[second]).values(grade=int(Grade.SENSITIVE)))
    result = runner.invoke(cli, ["case", "verify", "--all", "--anchors", path])
    assert result.exit_code == 1
    assert named(result.output) == {first, second}
    assert f"{first}: 与 2026-11-24 的存证锚点不符（锚定 3 条，现 2 条）" in result.output
    assert f"{second}: 案件现定级为 敏感，时间线记录为 重大" in result.output
    assert f"{third}: 完好 (ok)" in result.output
    assert "校验未通过" in result.stderr


def test_an_edited_grade_change_row_is_named_without_anchors_too(runner, sqlite_database):
    first, second, _ = three_cases(sqlite_database)
    with sqlite_database.session() as session:
        case_id = session.scalar(select(CaseRow.id).where(CaseRow.number == second))
        change = session.scalars(select(GradeChangeRow).where(GradeChangeRow.case_id == case_id)
                                 .order_by(GradeChangeRow.id)).all()[-1]
        change.new = int(Grade.ESPECIALLY_MAJOR)
    result = runner.invoke(cli, ["case", "verify", second])
    assert result.exit_code == 1
    assert result.output.startswith(f"{second}: 定级记录第 2 条与时间线第 4 条不符（由 一般 至 重大 / 记录 由 一般 至 特别重大）")
    assert runner.invoke(cli, ["case", "verify", first]).output == f"{first}: 完好 (ok)\n"


def test_a_case_in_no_anchor_yet_is_not_an_error(runner, sqlite_database, tmp_path):
    numbers = three_cases(sqlite_database)
    path = tmp_path / "anchors.txt"
    path.write_text("", encoding="utf-8")
    result = runner.invoke(cli, ["case", "verify", "--all", "--anchors", str(path)])
    assert result.exit_code == 0 and result.output.count("完好 (ok)，尚未锚定") == len(numbers)


def test_an_unreadable_anchor_file_exits_2_and_an_altered_one_names_its_day(runner, sqlite_database, tmp_path):
    first, *_ = three_cases(sqlite_database)
    result = runner.invoke(cli, ["case", "verify", "--all", "--anchors", str(tmp_path / "none.txt")])
    assert result.exit_code == 2 and "存证锚点文件无法读取" in result.stderr
    garbled = tmp_path / "garbled.txt"
    garbled.write_text("anchor yesterday\n", encoding="utf-8")
    result = runner.invoke(cli, ["case", "verify", "--all", "--anchors", str(garbled)])
    assert result.exit_code == 2 and "line 1:" in result.stderr
    path = anchored(sqlite_database, tmp_path)
    text = open(path, encoding="utf-8").read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace(f"  {first} 3 ", f"  {first} 2 "))
    result = runner.invoke(cli, ["case", "verify", "--all", "--anchors", path])
    assert result.exit_code == 1
    assert "存证锚点文件第 1 行（2026-11-24）的明细与其 sha256 不符：锚点文件已被改动" in result.output
    assert f"{first}: 完好 (ok)，尚未锚定" in result.output  # an altered anchor vouches for nothing


def test_a_case_anchored_but_gone_from_the_database_is_named(runner, sqlite_database, tmp_path):
    numbers = three_cases(sqlite_database)
    path = tmp_path / "anchors.txt"
    with sqlite_database.session() as session:
        write_anchor(path, DAY, chain_heads(session) + [("YQ-2026-0404", 2, "f" * 64)])
    result = runner.invoke(cli, ["case", "verify", "--all", "--anchors", str(path)])
    assert result.exit_code == 1 and named(result.output) == {"YQ-2026-0404"}
    assert "YQ-2026-0404: 锚定于 2026-11-24（2 条），系统中已无此案件" in result.output
    assert result.output.count("完好 (ok)") == len(numbers)
