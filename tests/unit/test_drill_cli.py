"""`yuqing drill start` and `yuqing drill report` (issue 23), through click's runner on a SQLite database holding the
sample org: the drill opens, the command names who receives cards and enqueues the job that sends them; a bad
scenario, grade, unit or scale is refused in one line with exit 1 and nothing opens."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from rq import Queue
from rq.serializers import JSONSerializer

from bot.cli import drills as cli_module
from bot.cli import cli
from bot.core import queues
from bot.core.clock import utcnow
from bot.domain.case.commands import open_case
from bot.domain.context import load_rules
from bot.domain.records import Actor
from bot.org.file import parse_org_file
from bot.store import Database
from bot.store.case_repo import SqlCaseStore
from bot.store.org_repo import apply_organisation, read_organisation

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(sqlite_template, tmp_path, monkeypatch):
    url = sqlite_template.copy(tmp_path)
    db = Database(url)
    with db.session() as session:
        apply_organisation(session, parse_org_file(ROOT / "examples" / "org.yaml"), utcnow() - timedelta(days=1))
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("POLICY_FILE", "HOLIDAY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield db
    db.dispose()


@pytest.fixture
def enqueued(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(cli_module, "_enqueue_drill", lambda settings, case_id: calls.append(case_id))
    return calls


def run(*args):
    return CliRunner().invoke(cli, ["drill", *args])


def the_case(database, number="YQ-2026-0001"):
    return SqlCaseStore(database).run(lambda repo: repo.case_by_number(number))


def test_drill_start_opens_the_major_scenario_names_who_receives_cards_and_enqueues_them(database, enqueued):
    result = run("start")
    assert result.exit_code == 0, result.output
    case = the_case(database)
    assert case.drill and case.drill_scale == 60 and case.title == "演练：某超市销售过期食品致多人不适"
    out = result.stdout
    assert out.startswith("已开始演练 YQ-2026-0001：演练：某超市销售过期食品致多人不适\n")
    assert "等级：重大舆情；时间倍率 ×60" in out and "major.yaml（脚本 0 步）" in out
    assert "承办单位：食品经营安全监督管理科（预警，联络员卫干事）" in out
    assert "领导：赵局长、钱副局长、吴副局长（信息通报）" in out
    assert enqueued == [case.id]
    timeline = SqlCaseStore(database).run(lambda repo: repo.timeline(case.id))
    assert timeline[1].action == "drill.scenario" and timeline[1].actor.startswith("cli:")


def test_speed_grade_units_and_a_scenario_file_override(database, enqueued):
    scenario = ROOT / "examples" / "drills" / "general.yaml"
    result = run("start", "--speed", "30", "--scenario", str(scenario), "--grade", "重大", "--units", "u-drug,u-food")
    assert result.exit_code == 0, result.output
    case = the_case(database)
    assert (case.drill_scale, int(case.grade)) == (30, 3)
    units = SqlCaseStore(database).run(lambda repo: [a.unit_id for a in repo.assignments(case.id)])
    assert units == ["u-drug", "u-food"]
    assert "时间倍率 ×30" in result.stdout and "药品安全监督管理科" in result.stdout


@pytest.mark.parametrize("args, said", [
    (["--grade", "紧急"], "没有“紧急”这个等级"),
    (["--units", "u-nowhere"], "组织架构中没有在用的单位“u-nowhere”"),
    (["--scale", "0.5"], "时间倍率须为不小于 1 的数"),
])
def test_a_bad_grade_unit_or_scale_is_refused_in_one_line(database, enqueued, args, said):
    result = run("start", *args)
    assert result.exit_code == 1
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert the_case(database) is None and enqueued == []


def test_a_bad_scenario_is_refused_with_its_file_and_line(database, enqueued, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: 演练：坏场景\ngrade: 紧急\nwhen: now\n", encoding="utf-8")
    result = run("start", "--scenario", str(bad))
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "演练场景有 2 处错误" in line
    assert f"{bad}:2:" in line and f"{bad}:3:" in line
    assert the_case(database) is None and enqueued == []


def test_scale_and_a_different_speed_is_a_usage_error(database, enqueued):
    result = run("start", "--scale", "10", "--speed", "20")
    assert result.exit_code == 2 and "alias" in result.output


def test_a_drill_not_enqueued_says_so_and_exits_1(database, monkeypatch):
    def down(settings, case_id):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cli_module, "_enqueue_drill", down)
    result = run("start")
    assert result.exit_code == 1 and "YQ-2026-0001 已开始，但卡片未能交给 worker 发送" in result.stderr


def test_drill_report_as_text_and_json(database, enqueued):
    run("start")
    text = run("report", "yq-2026-0001")
    assert text.exit_code == 0, text.output
    assert text.stdout.startswith("演练报告 YQ-2026-0001")
    data = json.loads(run("report", "YQ-2026-0001", "--json").stdout)
    assert data["number"] == "YQ-2026-0001" and data["drill"] is True and data["scale"] == 60


def test_drill_report_refuses_an_unknown_case_and_a_real_one(database):
    assert run("report", "YQ-2026-0009").exit_code == 1
    with database.session() as session:
        org = read_organisation(session)
    open_case(SqlCaseStore(database), load_rules(org, None, None), Actor("p-li", "wecom"), utcnow(), title="真实案件")
    result = run("report", "YQ-2026-0001")
    assert result.exit_code == 1 and "不是演练案件" in result.stderr


def test_drill_help_names_both_commands():
    result = CliRunner().invoke(cli, ["drill", "--help"])
    assert result.exit_code == 0 and "start" in result.output and "report" in result.output


@pytest.mark.skipif(not hasattr(queues, "ANNOUNCE_DRILL"), reason="queues.ANNOUNCE_DRILL not wired yet")
def test_the_job_is_enqueued_by_its_dotted_name(database, redis_url, redis_client, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    result = run("start")
    assert result.exit_code == 0, result.output
    queue = Queue(queues.PREVIEW, connection=redis_client, serializer=JSONSerializer)
    [job] = queue.get_jobs()
    assert (job.func_name, job.args, job.id) == (queues.ANNOUNCE_DRILL, [the_case(database).id],
                                                 f"drill-announce-{the_case(database).id}")


def test_without_an_org_the_command_says_to_load_it_first(sqlite_template, tmp_path, monkeypatch, enqueued):
    monkeypatch.setenv("DATABASE_URL", sqlite_template.copy(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = run("start")
    assert result.exit_code == 1 and "yuqing org load" in result.stderr and enqueued == []
