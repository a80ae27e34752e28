"""The ``yuqing`` command (design.md, "Command line"). Exit 0 on success; otherwise a one-line
reason on stderr and a non-zero code (1: refused input, 2: configuration).

The root group and the commands that run or set up the product live here; the case, drill and statistics
commands in their own modules (``cases``, ``drills``, ``stats``), what they share in ``support``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot import config as config_module
from bot.cli.support import load_settings, open_database, serving_settings
from bot.core.clock import utcnow
from bot.core.errors import ConfigError, YuqingError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="yuqing-bot")
def cli() -> None:
    """舆情助手 yuqing-bot: the public-opinion desk bot for WeCom and DingTalk."""
    try:
        from dotenv import load_dotenv
    except ImportError:  # pragma: no cover - python-dotenv is a dependency
        return
    load_dotenv(Path.cwd() / ".env", override=False)


# --- running ----------------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes")
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn (local only)")
def serve(host: str, port: int, workers: int, dev: bool) -> None:
    """Serve the web app (callbacks, intake API, /healthz)."""
    settings = serving_settings()
    from bot.app import create_app
    from bot.serving import run_gunicorn

    if dev:
        create_app(settings).run(host=host, port=port)
    else:
        run_gunicorn(host, port, workers)


@cli.command()
@click.option("--burst", is_flag=True, help="stop when the queues are empty")
def worker(burst: bool) -> None:
    """Run an RQ worker with its scheduler on every queue of the project."""
    settings = serving_settings()
    from bot.logconfig import configure_logging
    from worker.runner import run_worker

    configure_logging(settings.get("LOG_LEVEL", "INFO"))
    run_worker(settings, burst=burst)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=0, show_default=True, type=int, help="0 picks a free port")
def demo(host: str, port: int) -> None:
    """Everything on one machine: embedded defaults, the sample organisation, emulators, a page."""
    from bot.demo import run_demo

    run_demo(host, port)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8900, show_default=True, type=int)
@click.option("--org", "org_file", type=click.Path(exists=True, dir_okay=False), help="default: ORG_FILE or the sample")
@click.option("--bot-url", default="", help="where callbacks go (default PUBLIC_BASE_URL)")
def emulator(host: str, port: int, org_file: str | None, bot_url: str) -> None:
    """Both platform emulators alone on one address (WeCom under /cgi-bin/, DingTalk at its paths)."""
    import os

    from bot.emulator import Directory, EmulatorServer

    settings = load_settings()
    org_path = org_file or settings.get("ORG_FILE") or str(config_module.ROOT / "examples" / "org.yaml")
    server = EmulatorServer(os.environ, Directory.from_org_file(org_path), host, port,
                            bot_url=bot_url or settings.get("PUBLIC_BASE_URL"))
    click.echo(server.url)
    server.serve_forever()


@cli.command("wecom-connect")
@click.option("--lease", default=15.0, show_default=True, type=float,
              help="seconds a dead connector keeps the connection from a waiting one")
@click.option("--heartbeat", default=30.0, show_default=True, type=float, help="seconds between pings")
def wecom_connect(lease: float, heartbeat: float) -> None:
    """Hold the WeCom smart bot's long connection (push cards into groups); one at a time, others wait."""
    settings = serving_settings()
    from bot.logconfig import configure_logging
    from worker.wecom_connect import run_connector

    configure_logging(settings.get("LOG_LEVEL", "INFO"))
    run_connector(settings, lease=lease, heartbeat=heartbeat)


@cli.group()
def dingtalk() -> None:
    """DingTalk set-up commands."""


@dingtalk.command("register-callback")
def dingtalk_register_callback() -> None:
    """Register /dingtalk/card as the card callback route (DINGTALK_CARD_ROUTE_KEY)."""
    from bot.platforms.dingtalk.routes import register_card_callback

    settings = load_settings()
    if not settings.has("dingtalk"):
        raise ConfigError("DingTalk is not configured (DINGTALK_APP_KEY, DINGTALK_APP_SECRET, … see README)")
    route = register_card_callback({**settings.values, "PUBLIC_BASE_URL": settings.get("PUBLIC_BASE_URL")})
    click.echo(f"卡片回调已注册 (card callback registered): {route['callbackRouteKey']} → {route['callbackUrl']}")


# --- database and organisation ----------------------------------------------------------------


@cli.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the latest schema."""
    from bot.store import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    click.echo("数据库已是最新结构 (database is at the latest revision)")


@cli.group()
def org() -> None:
    """The organisation file: load and show."""


@org.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
def org_load(file: str) -> None:
    """Validate FILE whole, then make the store match it (twice changes nothing)."""
    from bot.org.file import OrgFileError, env_references, parse_org_file
    from bot.store.org_repo import apply_organisation

    settings = load_settings()
    try:
        organisation = parse_org_file(file)
    except OrgFileError as exc:
        click.echo(f"组织架构文件有 {len(exc.errors)} 处错误，未做任何更改 (refused, nothing changed):", err=True)
        click.echo(str(exc), err=True)
        sys.exit(1)
    import os

    unset = [name for name in env_references(organisation) if not os.environ.get(name)]
    if unset:
        click.echo(f"注意：环境变量 {', '.join(unset)} 未设置，用到它们的群机器人在设置前无法发送 (warning: not set)", err=True)
    database = open_database(settings)
    with database.session() as session:
        changes = apply_organisation(session, organisation, utcnow())
    click.echo(f"已载入 {len(organisation.people)} 人、{len(organisation.units)} 个单位：{changes.summary()}")


@org.command("show")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def org_show(as_json: bool) -> None:
    """Show the organisation as stored."""
    from bot.org.show import org_as_dict, org_as_text
    from bot.store.org_repo import read_organisation

    database = open_database(load_settings())
    with database.session() as session:
        organisation = read_organisation(session)
    if as_json:
        click.echo(json.dumps(org_as_dict(organisation), ensure_ascii=False, indent=2))
    else:
        click.echo(org_as_text(organisation))


# --- later issues -----------------------------------------------------------------------------


@cli.group()
def policy() -> None:
    """The policy file (clocks and reminders)."""


@policy.command("show")
@click.option("--json", "as_json", is_flag=True)
@click.option("--county", "county", metavar="ID", help="the merged policy of one county bureau (its unit id): "
              "the city's with the file's counties.ID block over it")
def policy_show(as_json: bool, county: str | None) -> None:
    """Print the policy in force (with --county: a county bureau's merged policy)."""
    from bot.domain.clock.policy_file import PolicyFileError, load_policy

    settings = load_settings()
    known = None
    if county is not None:  # which ids are county units only the stored org knows
        from bot.domain.context import county_ids
        from bot.store.org_repo import read_organisation

        with open_database(settings).session() as session:
            known = county_ids(read_organisation(session))
        if county not in known:
            click.echo(f"yuqing: 没有这个县局 {county} (no county unit {county!r} in the org; its counties: "
                       f"{', '.join(sorted(known)) or 'none — load the org file first (yuqing org load FILE)'})",
                       err=True)
            sys.exit(1)
    try:
        policy_in_force = load_policy(settings.get("POLICY_FILE"), known)
    except PolicyFileError as exc:
        click.echo(f"策略文件有 {len(exc.errors)} 处错误 (policy file refused):", err=True)
        click.echo(str(exc), err=True)
        sys.exit(2)
    if county is not None:
        policy_in_force = policy_in_force.for_county(county)
    if as_json:
        click.echo(json.dumps(policy_in_force.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(policy_in_force.as_text())


@cli.group()
def clock() -> None:
    """The deadline clock."""


@clock.command("status")
@click.option("--json", "as_json", is_flag=True)
def clock_status(as_json: bool) -> None:
    """Pending firings (database and Redis side by side), overdue duties, the reconciler's last run."""
    import redis

    from bot.clock_report import status, status_lines

    settings = load_settings()
    report = status(open_database(settings), redis.Redis.from_url(settings.redis_url), utcnow())
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else "\n".join(status_lines(report)))


# each module's command registers on the root once the root is defined (the names leave the modules' own free:
# ``bot.cli.stats`` stays the module)
from bot.cli.cases import case as case_group  # noqa: E402
from bot.cli.drills import drill as drill_group  # noqa: E402
from bot.cli.stats import stats as stats_command  # noqa: E402

cli.add_command(case_group)
cli.add_command(drill_group)
cli.add_command(stats_command)


def main() -> None:
    """Console-script entry point: configuration errors become one line on stderr, exit 2."""
    try:
        cli.main(prog_name="yuqing", standalone_mode=True)
    except ConfigError as exc:
        click.echo(f"yuqing: configuration error: {exc}", err=True)
        sys.exit(2)
    except YuqingError as exc:
        click.echo(f"yuqing: {exc}", err=True)
        sys.exit(1)

