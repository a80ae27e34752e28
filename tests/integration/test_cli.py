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


@pytest.mark.parametrize("args, issue", [
    (["drill", "start"], "#23"),
    (["case", "export", "YQ-2026-0001", "--format", "md"], "#24"),
    (["stats", "--period", "2026-11", "--format", "csv"], "#25"),
])
def test_commands_of_later_issues_say_so(runner, args, issue):
    result = runner.invoke(cli, args)
    assert result.exit_code == 3
    assert "not available yet" in result.output and f"issue {issue}" in result.output


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
