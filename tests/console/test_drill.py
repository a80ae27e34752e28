"""开始演练 in the console (issue 23): a drill is one case of its own, started from a shipped scenario at a chosen
scale; there is no switch that turns real intake into drills. The app runs in-process (Flask's test client, a
migrated SQLite store, this test's Redis); the CLI the console runs is stubbed, except in the last test."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rq import Queue
from rq.serializers import JSONSerializer

from bot.app import create_app
from bot.config import load
from bot.console import drill as drills
from bot.console import install
from bot.core import queues
from bot.org.file import parse_org_file
from bot.store.case_views import list_cases
from bot.store.org_repo import apply_organisation
from tests.unit.handlers.intake.conftest import NOW, ROOT

UNREACHABLE = "http://127.0.0.1:9"  # no emulator: the page says so, the drill form works without one


@pytest.fixture
def app(sqlite_database, redis_url):
    with sqlite_database.session() as session:
        apply_organisation(session, parse_org_file(ROOT / "examples" / "org.yaml"), NOW)
    app = create_app(load({"REDIS_URL": redis_url, "DATABASE_URL": sqlite_database.url,
                           "ORG_FILE": str(ROOT / "examples" / "org.yaml")}), database=sqlite_database)
    app.testing = True
    install(app, UNREACHABLE)
    return app


class Calls(list):
    """The command lines run, and what the next run answers: (exit code, stdout, stderr)."""

    answer: tuple


@pytest.fixture
def cli(monkeypatch):
    """The CLI the console runs, stubbed: records each command line and answers as ``yuqing drill start`` does."""
    calls = Calls()

    def run(command, **kwargs):
        calls.append((command, kwargs))
        return subprocess.CompletedProcess(command, calls.answer[0], calls.answer[1], calls.answer[2])

    calls.answer = (0, "已开始演练 YQ-2026-0007：演练：某超市销售过期食品致多人不适\n等级：重大舆情\n", "")
    monkeypatch.setattr(drills.subprocess, "run", run)
    return calls


def test_the_page_offers_to_start_a_drill_and_shows_no_switch(app):
    html = app.test_client().get("/").get_data(as_text=True)
    assert "开始演练" in html and 'id="drill-start"' in html and "演练模式" not in html
    for key, label in drills.SCENARIOS.items():
        assert f'value="{key}"' in html and label in html
        assert drills.scenario_file(key).is_file(), key  # each offered scenario is shipped
    assert 'value="60" selected' in html and 'value="major" selected' in html


def test_starting_a_drill_runs_drill_start_with_the_apps_settings_and_names_the_case(app, cli):
    answer = app.test_client().post("/console/drill", data={"scenario": "especially_major", "scale": "360",
                                                            "person": "p-li", "chat": "wecom.direct"})
    assert answer.status_code == 303 and "case=YQ-2026-0007" in answer.location and "chat=wecom.direct" in answer.location
    [(command, kwargs)] = cli
    assert command[1:5] == ["-m", "bot.cli", "drill", "start"]
    assert command[5:] == ["--scenario", str(ROOT / "examples" / "drills" / "especially_major.yaml"), "--scale", "360"]
    assert kwargs["env"]["DATABASE_URL"] == app.extensions["yuqing.database"].url
    assert kwargs["env"]["REDIS_URL"] == app.extensions["yuqing.settings"].redis_url
    page = app.test_client().get(answer.location).get_data(as_text=True)
    assert "已开始演练 YQ-2026-0007（特别重大，时限 ×1/360）" in page


def test_the_page_script_gets_the_number_as_json(app, cli):
    answer = app.test_client().post("/console/drill", data={"scenario": "general", "scale": "60"},
                                    headers={"X-Console-Fetch": "1"})
    assert answer.status_code == 200 and answer.get_json()["number"] == "YQ-2026-0007"


@pytest.mark.parametrize("form", [{"scenario": "../../etc/passwd", "scale": "60"}, {"scenario": "major", "scale": "7"},
                                  {"scenario": "major", "scale": "0"}, {"scenario": "major", "scale": "x"}])
def test_an_unknown_scenario_or_scale_is_refused_and_nothing_runs(app, cli, form):
    answer = app.test_client().post("/console/drill", data=form, headers={"X-Console-Fetch": "1"})
    assert answer.status_code == 400 and answer.get_json()["error"] and cli == []


def test_a_refusal_of_the_cli_is_shown(app, cli):
    cli.answer = (1, "", "yuqing: 只有舆情工作台负责人可以开始演练。\n")
    answer = app.test_client().post("/console/drill", data={"scenario": "major", "scale": "60"},
                                    headers={"X-Console-Fetch": "1"})
    assert answer.status_code == 400 and answer.get_json()["error"] == "演练未完成：yuqing: 只有舆情工作台负责人可以开始演练。"


def test_the_console_opens_one_drill_case_through_the_cli(app, redis_client):
    """The real ``yuqing drill start`` (a subprocess): one case, a drill at ×60, its cards' job enqueued."""
    answer = app.test_client().post("/console/drill", data={"scenario": "major", "scale": "60"},
                                    headers={"X-Console-Fetch": "1"})
    assert answer.status_code == 200, answer.get_json()
    with app.extensions["yuqing.database"].session() as session:
        [case] = list_cases(session)
    assert case["number"] == answer.get_json()["number"] and case["drill"] is True
    assert case["title"].startswith("演练")
    jobs = Queue(queues.PREVIEW, connection=redis_client, serializer=JSONSerializer).jobs
    assert [j.func_name for j in jobs] == [queues.ANNOUNCE_DRILL] and list(jobs[0].args) == [case["id"]]


def test_the_drill_module_does_not_import_flask():
    code = "import sys, bot.console.drill; sys.exit(1 if 'flask' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
