"""`yuqing case export` and `yuqing case import` (issue 24) through click's runner on SQLite files: every export is
on the case's timeline first (so the file holds it), a confidential case needs --reveal, a binary file never goes
to the terminal, and an exported JSON file imports into an empty database; refusals exit 1 with the reason."""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cases as cli_module
from bot.cli import cli
from bot.store import Database
from bot.store.timeline import verify_cases
from tests.store.dossier_case import rich_case


@dataclass(frozen=True)
class FakeDocument:
    name: str
    mime: str
    content: bytes


@pytest.fixture
def runner(sqlite_database, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_database.url)
    for name in ("POLICY_FILE", "HOLIDAY_FILE", "ORG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # pragma: no cover - the CLI says unknown then
        return "unknown"


def test_json_export_to_stdout_holds_its_own_export_entry(runner, sqlite_database):
    number = rich_case(sqlite_database)
    result = runner.invoke(cli, ["case", "export", number.lower(), "--format", "json"])
    assert result.exit_code == 0, result.output
    dossier = json.loads(result.stdout)
    last = dossier["timeline"][-1]
    assert (last["action"], last["payload"], last["role"], last["platform"]) == (
        "case.exported", {**last["payload"], "format": "json"}, "cli", "cli")
    assert last["actor"] == f"cli:{os_user()}"[:64]
    assert dossier["chain"]["length"] == last["seq"] and dossier["chain"]["head"] == last["hash"]
    assert dossier["exported_at"] is not None and "涉密" not in result.stderr
    with sqlite_database.session() as session:
        assert verify_cases(session) == [(number, None)]


def test_json_file_then_import_into_an_empty_database(runner, sqlite_database, tmp_path, monkeypatch):
    number = rich_case(sqlite_database)
    out = tmp_path / "case.json"
    result = runner.invoke(cli, ["case", "export", number, "--format", "json", "--output", str(out)])
    assert result.exit_code == 0 and str(out) in result.stdout
    length = len(json.loads(out.read_text(encoding="utf-8"))["timeline"])
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("DATABASE_URL", empty)  # import migrates the empty database first
    result = runner.invoke(cli, ["case", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"已导入 {number}（{length} 条时间线，校验完好）"
    again = runner.invoke(cli, ["case", "import", str(out)])
    assert again.exit_code == 1 and "已存在" in again.stderr and again.stdout == ""
    database = Database(empty)
    try:
        with database.session() as session:
            assert verify_cases(session) == [(number, None)]
    finally:
        database.dispose()


def test_unreadable_json_names_line_and_column(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "format": "yuqing-case-export/1",\n  "case": {,\n}', encoding="utf-8")
    result = runner.invoke(cli, ["case", "import", str(bad)])
    assert result.exit_code == 1 and "第 3 行第 12 列" in result.stderr
    result = runner.invoke(cli, ["case", "import", str(tmp_path / "missing.json")])
    assert result.exit_code == 1 and "无法读取" in result.stderr


def test_a_tampered_file_is_refused_on_stderr(runner, sqlite_database, tmp_path, monkeypatch):
    number = rich_case(sqlite_database)
    out = tmp_path / "case.json"
    runner.invoke(cli, ["case", "export", number, "--format", "json", "--output", str(out)])
    dossier = json.loads(out.read_text(encoding="utf-8"))
    dossier["timeline"][1]["payload"]["source"] = "改过"
    out.write_text(json.dumps(dossier, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = runner.invoke(cli, ["case", "import", str(out)])
    assert result.exit_code == 1 and "第 2 条" in result.stderr


def test_unknown_number_and_confidential_case(runner, sqlite_database):
    number = rich_case(sqlite_database, confidential=True)
    result = runner.invoke(cli, ["case", "export", "YQ-2026-0404", "--format", "json"])
    assert result.exit_code == 1 and "找不到案件 YQ-2026-0404" in result.stderr
    result = runner.invoke(cli, ["case", "export", number, "--format", "json"])
    assert result.exit_code == 1 and result.stdout == ""
    assert f"{number} 为涉密案件，导出需加 --reveal（导出将记入时间线）" in result.stderr
    with sqlite_database.session() as session:
        from bot.store.dossier import read_dossier

        assert read_dossier(session, number)["timeline"][-1]["action"] != "case.exported"  # a refusal exports nothing
    result = runner.invoke(cli, ["case", "export", number, "--format", "json", "--reveal"])
    assert result.exit_code == 0 and json.loads(result.stdout)["timeline"][-1]["action"] == "case.exported"


def test_a_binary_document_goes_to_a_file_in_the_current_folder(runner, sqlite_database, tmp_path, monkeypatch):
    number = rich_case(sqlite_database)
    seen = []

    def render(dossier, fmt):
        seen.append((dossier["timeline"][-1]["payload"]["format"], fmt))
        return FakeDocument(f"{number}-舆情处置档案.docx", "application/vnd.openxmlformats-officedocument."
                            "wordprocessingml.document", b"PK\x03\x04binary")

    monkeypatch.setattr(cli_module, "_render", render)
    result = runner.invoke(cli, ["case", "export", number, "--format", "docx"])
    target = tmp_path / f"{number}-舆情处置档案.docx"
    assert result.exit_code == 0 and result.stdout.strip() == f"已导出 {target}"
    assert target.read_bytes() == b"PK\x03\x04binary" and seen == [("docx", "docx")]


def test_a_real_docx_export(runner, sqlite_database, tmp_path):
    pytest.importorskip("docx")
    archive = pytest.importorskip("bot.archive")
    if not hasattr(archive, "render"):  # pragma: no cover - part B not landed
        pytest.skip("bot.archive.render is not there yet")
    number = rich_case(sqlite_database)
    result = runner.invoke(cli, ["case", "export", number, "--format", "docx"])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip().removeprefix("已导出 "))
    assert path.parent == tmp_path and path.suffix == ".docx" and path.read_bytes()[:2] == b"PK"
    result = runner.invoke(cli, ["case", "export", number, "--format", "md"])
    assert result.exit_code == 0 and number in result.stdout
