"""The `yuqing` command: help everywhere, org load/show, refusals with reasons and exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "org.yaml"


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def all_commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from all_commands(command, (*prefix, name))


def test_help_everywhere(runner):
    commands = list(all_commands(cli))
    assert ("case", "verify") in commands and ("org", "show") in commands and ("dingtalk", "register-callback") in commands
    for path in [(), *commands]:
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def test_org_load_and_show(runner):
    first = runner.invoke(cli, ["org", "load", str(SAMPLE)])
    assert first.exit_code == 0, first.output
    assert "已载入 39 人、16 个单位" in first.output
    second = runner.invoke(cli, ["org", "load", str(SAMPLE)])
    assert "组织架构无变化" in second.output
    shown = runner.invoke(cli, ["org", "show", "--json"])
    data = json.loads(shown.output)
    assert data["bureau"]["name"] == "示例市市场监督管理局"
    desk = next(u for u in data["units"] if u["desk"])
    assert desk["groups"]["wecom_webhook_key"] == "${WECOM_HOOK_DESK}"
    text = runner.invoke(cli, ["org", "show"]).output
    assert "综合应急和新闻宣传科（办公室）" in text


def test_a_broken_org_file_is_refused_whole(runner, tmp_path):
    runner.invoke(cli, ["org", "load", str(SAMPLE)])
    broken = SAMPLE.read_text(encoding="utf-8").replace("head: p-zhou", "head: p-nobody").replace("name: 吴副局长,", "name: 吴副局长, roles: [king],")
    bad = tmp_path / "bad.yaml"
    bad.write_text(broken, encoding="utf-8")
    result = runner.invoke(cli, ["org", "load", str(bad)])
    assert result.exit_code == 1
    assert "未做任何更改" in result.output
    assert f"{bad}:" in result.output and "p-nobody" in result.output and "king" in result.output
    shown = json.loads(runner.invoke(cli, ["org", "show", "--json"]).output)
    food = next(u for u in shown["units"] if u["id"] == "u-food")
    assert food["head"] == "p-zhou"


def test_clock_status_reads_the_database_and_redis(runner, monkeypatch, redis_url):
    monkeypatch.setenv("REDIS_URL", redis_url)
    runner.invoke(cli, ["org", "load", str(SAMPLE)])
    result = runner.invoke(cli, ["clock", "status"])
    assert result.exit_code == 0, result.output
    assert "next firings" in result.output and "last reconcile" in result.output
    shown = json.loads(runner.invoke(cli, ["clock", "status", "--json"]).output)
    assert shown["firings"] == [] and shown["failed_deliveries"] == 0


def test_console_script_reports_configuration_errors_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECOM_", "DINGTALK_"))}
    env.update(WECOM_CORP_ID="ww1", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "org", "show"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "WECOM_SECRET" in lines[0]


def test_serving_a_channel_whose_library_is_missing_is_a_configuration_error_naming_the_package(tmp_path):
    """WeCom configured but wechatpy not importable: `yuqing serve` exits 2 with one line naming the package,
    instead of serving with the WeCom routes answering 404."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECOM_", "DINGTALK_"))}
    env.update(WECOM_CORP_ID="ww1", WECOM_AGENT_ID="1000002", WECOM_SECRET="s", WECOM_TOKEN="t", WECOM_AES_KEY="k" * 43,
               DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    script = ("import sys; sys.modules['wechatpy'] = None; from bot.cli import main; "
              "sys.argv = ['yuqing', 'serve', '--port', '0', '--workers', '1']; main()")
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "configuration error" in lines[0] and "package wechatpy" in lines[0]


# --- 涉密 (issue 21): the command line redacts confidential cases unless --reveal ----------------------------------

SECRET_TITLE, SECRET_LINK = "某涉密事项的标题", "https://weibo.com/1/SeCrEt"


@pytest.fixture
def secret_runner(sqlite_database, monkeypatch):
    """Two cases: YQ-2026-0001 plain, YQ-2026-0002 confidential (major, assigned to u-food)."""
    from bot.domain.case import commands as cases
    from bot.domain.case.secrecy import mark_confidential
    from bot.domain.clock.policy_file import default_policy
    from bot.domain.clock.workdays import WorkCalendar
    from bot.domain.context import Rules
    from bot.domain.grade import Grade
    from bot.domain.records import Actor
    from bot.domain.unit import commands as units
    from bot.store.case_repo import SqlCaseStore
    from bot.store.org_repo import apply_organisation
    from tests.store.test_case_cli import NOW
    from tests.unit.domain.sample_org import make_org

    monkeypatch.setenv("DATABASE_URL", sqlite_database.url)
    for name in ("POLICY_FILE", "HOLIDAY_FILE", "ORG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "operator")
    with sqlite_database.session() as session:
        apply_organisation(session, make_org(), NOW)
    store, rules = SqlCaseStore(sqlite_database), Rules(make_org(), default_policy(), WorkCalendar())
    cases.open_case(store, rules, Actor("p-li"), NOW, title="公开的事", source="weibo")
    secret = cases.open_case(store, rules, Actor("p-li"), NOW, title=SECRET_TITLE, link=SECRET_LINK, source="weibo",
                             grade=Grade.MAJOR).case
    units.assign_unit(store, rules, secret.id, Actor("p-li"), NOW, "u-food")
    mark_confidential(store, rules, secret.id, Actor("p-li"), NOW, "涉及未公开的执法行动")
    return CliRunner()


def _leaks(text: str) -> list[str]:
    return [word for word in (SECRET_TITLE, SECRET_LINK, "weibo", "u-food", "p-li", "涉及未公开") if word in text]


def _timeline(runner, number="YQ-2026-0002"):
    return json.loads(runner.invoke(cli, ["case", "show", number, "--json", "--reveal"]).output)["timeline"]


def test_case_list_shows_a_confidential_case_as_number_grade_and_state(secret_runner):
    result = secret_runner.invoke(cli, ["case", "list"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "YQ-2026-0002  已立案  重大舆情  涉密（内容不显示，使用 --reveal 查看）"
    assert "公开的事" in result.output and not _leaks(result.output)
    listed = json.loads(secret_runner.invoke(cli, ["case", "list", "--json"]).output)
    assert listed[0] == {"number": "YQ-2026-0002", "grade": 3, "state": "opened", "confidential": True}
    assert listed[1]["title"] == "公开的事"


def test_case_show_redacts_a_confidential_case_and_records_nothing(secret_runner):
    text = secret_runner.invoke(cli, ["case", "show", "yq-2026-0002"])
    assert text.exit_code == 0 and text.output.strip() == "YQ-2026-0002  已立案  重大舆情  涉密（内容不显示，使用 --reveal 查看）"
    data = json.loads(secret_runner.invoke(cli, ["case", "show", "YQ-2026-0002", "--json"]).output)
    assert data == {"number": "YQ-2026-0002", "grade": 3, "state": "opened", "confidential": True}
    assert not _leaks(text.output + json.dumps(data, ensure_ascii=False))
    plain = secret_runner.invoke(cli, ["case", "show", "YQ-2026-0001"]).output
    assert "公开的事" in plain and "case.revealed" not in plain
    assert [e["action"] for e in _timeline(secret_runner)].count("case.revealed") == 1  # only the check's own


def test_reveal_prints_in_full_and_appends_one_entry_per_case(secret_runner):
    shown = secret_runner.invoke(cli, ["case", "show", "YQ-2026-0002", "--reveal"])
    assert shown.exit_code == 0, shown.output
    assert SECRET_TITLE in shown.output and SECRET_LINK in shown.output and "【涉密】" in shown.output
    assert "case.revealed  cli:operator" in shown.output  # the printed timeline ends with this very reveal
    listed = secret_runner.invoke(cli, ["case", "list", "--reveal"])
    assert SECRET_TITLE in listed.output and "涉密（内容不显示" not in listed.output
    as_json = json.loads(secret_runner.invoke(cli, ["case", "list", "--json", "--reveal"]).output)
    assert as_json[0]["title"] == SECRET_TITLE
    entries = _timeline(secret_runner)
    reveals = [e for e in entries if e["action"] == "case.revealed"]
    assert len(reveals) == 4 and {e["actor"] for e in reveals} == {"cli:operator"}
    plain = secret_runner.invoke(cli, ["case", "show", "YQ-2026-0001", "--json", "--reveal"])
    assert "case.revealed" not in plain.output  # nothing to reveal on a plain case, nothing recorded
    verified = secret_runner.invoke(cli, ["case", "verify", "--all"])
    assert verified.exit_code == 0 and verified.output.count("完好") == 2, verified.output


def test_a_reveal_without_a_known_os_user_is_recorded_as_unknown(secret_runner, monkeypatch):
    def nobody():
        raise OSError("no user name for uid 12345")

    monkeypatch.setattr("getpass.getuser", nobody)
    assert secret_runner.invoke(cli, ["case", "show", "YQ-2026-0002", "--reveal"]).exit_code == 0
    monkeypatch.setattr("getpass.getuser", lambda: "operator")
    assert [e["actor"] for e in _timeline(secret_runner) if e["action"] == "case.revealed"] == [
        "cli:unknown", "cli:operator"]


# --- county rules (issue 22, item 6): `yuqing policy show --county ID` -----------------------------------------

COUNTY_POLICY = """\
counties:
  u-county-a:
    duties:
      public_response: {major: 24h, especially_major: 12h}
    reminders: [0.5, 1.0]
"""


@pytest.fixture
def county_runner(sqlite_database, monkeypatch, tmp_path):
    """The sample org stored; POLICY_FILE with a block for u-county-a."""
    from bot.store.org_repo import apply_organisation
    from tests.store.test_case_cli import NOW
    from tests.unit.domain.sample_org import make_org

    monkeypatch.setenv("DATABASE_URL", sqlite_database.url)
    for name in ("HOLIDAY_FILE", "ORG_FILE"):
        monkeypatch.delenv(name, raising=False)
    policy = tmp_path / "policy.yaml"
    policy.write_text(COUNTY_POLICY, encoding="utf-8")
    monkeypatch.setenv("POLICY_FILE", str(policy))
    with sqlite_database.session() as session:
        apply_organisation(session, make_org(), NOW)
    return CliRunner()


def test_policy_show_county_prints_the_merged_policy(county_runner):
    text = county_runner.invoke(cli, ["policy", "show", "--county", "u-county-a"])
    assert text.exit_code == 0, text.output
    assert "县局 (county): u-county-a" in text.output
    assert "公开回应 (public_response): 重大舆情 24h, 特别重大舆情 12h" in text.output    # the county's
    assert "初报 (initial_report): 一般舆情 2wd, 敏感舆情 24h, 重大舆情 2h" in text.output  # the city's, kept
    assert "提醒 (reminders): 50%, 100%" in text.output
    data = json.loads(county_runner.invoke(cli, ["policy", "show", "--county", "u-county-a", "--json"]).output)
    assert data["county"] == "u-county-a" and data["reminders"] == [0.5, 1.0]
    assert data["duties"]["public_response"] == {"major": "24h", "especially_major": "12h"}
    assert data["duties"]["acknowledge"]["major"] == "30min"
    city = json.loads(county_runner.invoke(cli, ["policy", "show", "--json"]).output)
    assert city["duties"]["public_response"] == {"major": "48h", "especially_major": "24h"}
    assert city["counties"] == ["u-county-a"] and "county" not in city
    assert "县局规则 (counties): u-county-a" in county_runner.invoke(cli, ["policy", "show"]).output


def test_policy_show_county_refuses_an_unknown_county(county_runner):
    for unknown in ("u-county-z", "u-food"):  # no such unit; a unit but not a county
        result = county_runner.invoke(cli, ["policy", "show", "--county", unknown])
        assert result.exit_code == 1
        assert f"没有这个县局 {unknown}" in result.output and "its counties: u-county-a" in result.output
        assert "{" not in result.output  # no policy printed


def test_policy_show_county_refuses_a_file_naming_a_county_the_org_lacks(county_runner, tmp_path, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text(COUNTY_POLICY + "  u-county-z:\n    reminders: [1.0]\n"
                   "  u-county-a2:\n    duties: {authoritative_release: {especially_major: 5h}}\n", encoding="utf-8")
    monkeypatch.setenv("POLICY_FILE", str(bad))
    result = county_runner.invoke(cli, ["policy", "show", "--county", "u-county-a"])
    assert result.exit_code == 2
    assert "bad.yaml:6: counties: 'u-county-z' is not a county unit of the org" in result.output
    assert "bad.yaml:8: counties: 'u-county-a2' is not a county unit" in result.output
    # without --county the org is not read: the blocks are checked, so the cap still holds
    plain = county_runner.invoke(cli, ["policy", "show"])
    assert plain.exit_code == 2 and "bad.yaml:9: counties.u-county-a2: duty authoritative_release" in plain.output


def test_a_county_without_a_block_shows_the_citys_values(county_runner, monkeypatch):
    monkeypatch.delenv("POLICY_FILE")  # the shipped defaults: no counties block
    result = county_runner.invoke(cli, ["policy", "show", "--county", "u-county-a", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["county"] == "u-county-a" and data["duties"]["public_response"] == {"major": "48h",
                                                                                    "especially_major": "24h"}
