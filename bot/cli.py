"""The ``yuqing`` command (design.md, "Command line"). Exit 0 on success; otherwise a one-line
reason on stderr and a non-zero code (1: refused input, 2: configuration, 3: not available yet)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from bot import config as config_module
from bot.core.clock import utcnow
from bot.core.errors import ConfigError, YuqingError

NOT_YET = 3


def _settings() -> config_module.Settings:
    return config_module.load()


def _serving_settings() -> config_module.Settings:
    """The settings of a process that talks to the platforms: every configured channel's library must
    import (a ConfigError naming the package otherwise), checked before anything starts."""
    settings = _settings()
    from bot.platforms.registry import check_packages

    check_packages(settings.channels)
    return settings


def _database(settings: config_module.Settings, migrate: bool = True):
    from bot.store import Database, upgrade

    if migrate:
        upgrade(settings.database_url)
    return Database(settings.database_url)


class NotYet(click.ClickException):
    """A command whose issue has not landed yet."""

    exit_code = NOT_YET


def _not_yet(what: str, issue: int) -> None:
    raise NotYet(f"{what} is not available yet (it arrives with issue #{issue})")


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
    settings = _serving_settings()
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
    settings = _serving_settings()
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

    settings = _settings()
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
    settings = _serving_settings()
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

    settings = _settings()
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

    settings = _settings()
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

    settings = _settings()
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
    database = _database(settings)
    with database.session() as session:
        changes = apply_organisation(session, organisation, utcnow())
    click.echo(f"已载入 {len(organisation.people)} 人、{len(organisation.units)} 个单位：{changes.summary()}")


@org.command("show")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def org_show(as_json: bool) -> None:
    """Show the organisation as stored."""
    from bot.org.show import org_as_dict, org_as_text
    from bot.store.org_repo import read_organisation

    database = _database(_settings())
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

    settings = _settings()
    known = None
    if county is not None:  # which ids are county units only the stored org knows
        from bot.domain.context import county_ids
        from bot.store.org_repo import read_organisation

        with _database(settings).session() as session:
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
def case() -> None:
    """Cases: list, show, verify, export, import."""


REVEAL_HELP = "print confidential (涉密) cases in full; each is recorded on its timeline (actor cli:<OS user>)"


@case.command("list")
@click.option("--open", "only_open", is_flag=True, help="only cases not archived")
@click.option("--json", "as_json", is_flag=True)
@click.option("--reveal", is_flag=True, help=REVEAL_HELP)
def case_list(only_open: bool, as_json: bool, reveal: bool) -> None:
    """List cases (a confidential one as number, grade and state unless --reveal)."""
    from bot.case_text import case_line, redacted, secret_line
    from bot.store.case_views import list_cases

    database = _database(_settings())
    with database.session() as session:
        cases = list_cases(session, open_only=only_open)
    secret = [item for item in cases if item["confidential"]]
    if reveal and secret:
        _record_reveals(database, [item["id"] for item in secret])
    hidden = not reveal
    if as_json:
        shown = [redacted(item) if hidden and item["confidential"] else item for item in cases]
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    for item in cases:
        click.echo(secret_line(item) if hidden and item["confidential"] else case_line(item))
    if not cases:
        click.echo("尚无案件 (no cases)")


@case.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True)
@click.option("--reveal", is_flag=True, help=REVEAL_HELP)
def case_show(number: str, as_json: bool, reveal: bool) -> None:
    """Show one case with its timeline (a confidential one as number, grade and state unless --reveal)."""
    from bot.case_text import case_text, redacted, secret_line
    from bot.store.case_views import case_detail

    database = _database(_settings())
    with database.session() as session:
        detail = case_detail(session, number.strip().upper())
    if detail is None:
        click.echo(f"yuqing: 找不到案件 {number} (no such case)", err=True)
        sys.exit(1)
    if detail["confidential"] and not reveal:
        view = redacted(detail)
        click.echo(json.dumps(view, ensure_ascii=False, indent=2) if as_json else secret_line(view))
        return
    if detail["confidential"]:
        _record_reveals(database, [detail["id"]])
        with database.session() as session:  # read again: the timeline shows this reveal too
            detail = case_detail(session, detail["number"])
    click.echo(json.dumps(detail, ensure_ascii=False, indent=2) if as_json else case_text(detail))


def _record_reveals(database, case_ids: list[int]) -> None:
    """One ``case.revealed`` timeline entry per case, actor ``cli:<OS user>`` (before anything is printed). A reveal
    starts no clock, so it runs by the default policy: a broken POLICY_FILE does not keep the operator out."""
    from bot.domain.case.secrecy import record_reveal
    from bot.domain.clock.policy_file import default_policy
    from bot.domain.clock.workdays import WorkCalendar
    from bot.domain.context import Rules
    from bot.store.case_repo import SqlCaseStore
    from bot.store.org_repo import read_organisation

    with database.session() as session:
        rules = Rules(read_organisation(session), default_policy(), WorkCalendar())
    store, user, now = SqlCaseStore(database), _os_user(), utcnow()
    for case_id in case_ids:
        record_reveal(store, rules, case_id, user, now)


def _os_user() -> str:
    """The operating-system user running the command (``unknown`` when the system cannot say)."""
    import getpass

    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError, ImportError):
        return "unknown"


@case.command("verify")
@click.argument("number", required=False)
@click.option("--all", "all_cases", is_flag=True, help="verify every case")
@click.option("--anchors", "anchor_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="also check each case against the latest anchor (ANCHOR_FILE) that lists it")
def case_verify(number: str | None, all_cases: bool, anchor_file: str | None) -> None:
    """Verify a case (or all): its timeline's hash chain (names the first broken link), the rows outside the
    timeline against what it recorded, and with --anchors its chain against the daily anchors."""
    from bot.store.anchors import case_numbers, check_case, one_snapshot

    if bool(number) == all_cases:
        raise click.UsageError("give a case NUMBER or --all (one of the two)")
    anchors = _read_anchors(anchor_file) if anchor_file else None
    database = _database(_settings())
    with database.session() as session:
        one_snapshot(session)
        numbers = case_numbers(session) if all_cases else [number.strip().upper()]
        checks = [check_case(session, n) for n in numbers]
    problems = _verify_report(checks, anchors, all_cases)
    if all_cases and not checks:
        click.echo("尚无案件 (no cases)")
    if problems:
        click.echo(f"yuqing: {len(problems)} 处校验未通过 (first: {problems[0]})", err=True)
        sys.exit(1)


def _read_anchors(path: str) -> list:
    """The anchors of FILE; exit 2 with the reason when it cannot be read."""
    from bot.domain.case.anchors import AnchorFileError, parse_anchors

    try:
        return parse_anchors(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, AnchorFileError) as exc:
        click.echo(f"yuqing: 存证锚点文件无法读取 (cannot read the anchor file) {path}: {exc}", err=True)
        sys.exit(2)


def _verify_report(checks: list, anchors: list | None, all_cases: bool) -> list[str]:
    """Print each case's result (``完好 (ok)`` only when chain, anchors and rows all hold) and each problem on its
    own line; returns the problems."""
    from bot.domain.case import anchors as anchoring

    anchored = anchoring.latest(anchors) if anchors is not None else None
    problems = [f.text for f in anchoring.altered(anchors or [])]
    for check in checks:
        lines = _case_problems(check, anchored)
        if not lines and anchored is None:
            click.echo(f"{check.number}: 完好 (ok)")
        elif not lines:
            note = anchoring.check_case(check.number, check.hashes, anchored.get(check.number)).text
            click.echo(f"{check.number}: 完好 (ok)，{note}")
        problems += lines
    if all_cases and anchored is not None:
        problems += [f"{f.number}: {f.text}" for f in anchoring.missing(anchored, [c.number for c in checks])]
    for line in problems:
        click.echo(line)
    return problems


def _case_problems(check, anchored: dict | None) -> list[str]:
    """One case's problems, each a line naming it: no such case, a broken link, an anchor mismatch, rows."""
    from bot.domain.case.anchors import check_case

    if not check.found:
        return [f"{check.number}: 找不到该案件 (no such case)"]
    out = []
    if check.broken is not None:
        seq = check.broken.seq
        out.append(f"{check.number}: 第 {seq} 条断链 (broken at entry {seq}): {check.broken.reason}")
    if anchored is not None:
        finding = check_case(check.number, check.hashes, anchored.get(check.number))
        if not finding.ok:
            out.append(f"{check.number}: {finding.text}")
    return out + [f"{check.number}: {text}" for text in check.rows]


@case.command("export")
@click.argument("number")
@click.option("--format", "fmt", type=click.Choice(["docx", "md", "json"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False), help="default: stdout (json, md); ./<name> (docx)")
@click.option("--reveal", is_flag=True, help="export a confidential (涉密) case; recorded on its timeline")
def case_export(number: str, fmt: str, output: str | None, reveal: bool) -> None:
    """Export a case for the paper file (every export is recorded on its timeline first, so the file holds it)."""
    from bot.store.dossier import read_dossier

    database = _database(_settings())
    wanted = number.strip().upper()
    with database.session() as session:
        found = read_dossier(session, wanted)
    if found is None:
        _refuse(f"找不到案件 {number} (no such case)")
    if found["case"]["confidential"] and not reveal:
        _refuse(f"{wanted} 为涉密案件，导出需加 --reveal（导出将记入时间线）")
    _record_export(database, found["case"]["id"], fmt)
    with database.session() as session:  # read after the entry: the file holds its own export
        dossier = read_dossier(session, wanted, now=utcnow())
    _write_document(_render(dossier, fmt), output)


def _record_export(database, case_id: int, fmt: str) -> None:
    """One ``case.exported`` entry, actor ``cli:<OS user>`` (by the default policy, as a reveal)."""
    from bot.domain.case.secrecy import record_export
    from bot.domain.clock.policy_file import default_policy
    from bot.domain.clock.workdays import WorkCalendar
    from bot.domain.context import Rules
    from bot.store.case_repo import SqlCaseStore
    from bot.store.org_repo import read_organisation

    with database.session() as session:
        rules = Rules(read_organisation(session), default_policy(), WorkCalendar())
    record_export(SqlCaseStore(database), rules, case_id, f"cli:{_os_user()}", "cli", fmt, utcnow())


def _render(dossier: dict, fmt: str):
    """The document of ``dossier`` (``bot.archive.render``: name, mime, content)."""
    from bot.archive import render

    return render(dossier, fmt)


def _write_document(document, output: str | None) -> None:
    """To ``output``; else text to stdout, a binary file to ./<name> (never to a terminal), its path printed."""
    if output is None and document.mime.startswith(("text/", "application/json")):
        click.echo(document.content.decode("utf-8"), nl=not document.content.endswith(b"\n"))
        return
    target = Path(output) if output else Path.cwd() / document.name
    target.write_bytes(document.content)
    click.echo(f"已导出 {target}")


@case.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def case_import(file: str) -> None:
    """Import a case exported with --format json (ids kept; refused when the database already has them)."""
    from bot.store.case_import import ImportRefused, import_dossier

    try:
        dossier = json.loads(Path(file).read_text(encoding="utf-8"))
    except OSError as exc:
        _refuse(f"无法读取 {file}：{exc.strerror or exc}")
    except UnicodeDecodeError:
        _refuse(f"{file} 不是 UTF-8 文本")
    except json.JSONDecodeError as exc:
        _refuse(f"{file} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}")
    from sqlalchemy.exc import DBAPIError

    database = _database(_settings())
    try:
        with database.session() as session:
            imported = import_dossier(session, dossier)
    except ImportRefused as exc:
        _refuse(str(exc))
    except DBAPIError as exc:  # a value the file has that the database will not take
        _refuse(f"导入失败，未做任何更改：{str(getattr(exc, 'orig', exc)).splitlines()[0]}")
    click.echo(f"已导入 {imported}（{len(dossier['timeline'])} 条时间线，校验完好）")


@cli.group()
def clock() -> None:
    """The deadline clock."""


@clock.command("status")
@click.option("--json", "as_json", is_flag=True)
def clock_status(as_json: bool) -> None:
    """Pending firings (database and Redis side by side), overdue duties, the reconciler's last run."""
    import redis

    from bot.clock_report import status, status_lines

    settings = _settings()
    report = status(_database(settings), redis.Redis.from_url(settings.redis_url), utcnow())
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else "\n".join(status_lines(report)))


@cli.command()
@click.option("--period", required=True, help="e.g. 2026-11, 2026-Q4, 2026")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "md"]), required=True)
def stats(period: str, fmt: str) -> None:
    """Statistics per unit: cases, lateness, reports."""
    _not_yet("yuqing stats", 25)


@cli.group()
def drill() -> None:
    """Drills (演练): made-up cases that run the real flow, kept out of statistics."""


SCALE_HELP = "divide every clock of the drill by N (default 60: four hours become four minutes)"


@drill.command("start")
@click.option("--scale", type=float, metavar="N", help=SCALE_HELP)
@click.option("--speed", type=float, metavar="N", help="the same as --scale")
@click.option("--scenario", "scenario_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="a scenario file (docs/drills.md); default examples/drills/major.yaml")
@click.option("--grade", metavar="GRADE", help="open at this grade instead of the scenario's: 一般|敏感|重大|特别重大 "
              "(or general|sensitive|major|especially_major)")
@click.option("--units", multiple=True, metavar="ID", help="warn these units instead of the scenario's (unit ids; "
              "repeat the option or separate them with commas)")
def drill_start(scale: float | None, speed: float | None, scenario_file: str | None, grade: str | None,
                units: tuple[str, ...]) -> None:
    """Open a drill case from a scenario and send its cards (the worker sends them)."""
    from bot.domain.context import load_rules
    from bot.domain.drill.scenario import ScenarioError, load_scenario
    from bot.domain.drill.start import DEFAULT_SCALE, check_units, grade_of, recipients, shipped_scenario, start_drill
    from bot.domain.errors import DomainError
    from bot.domain.records import Actor
    from bot.store.case_repo import LostRace, SessionCaseStore
    from bot.store.org_repo import read_organisation

    if scale is not None and speed is not None and scale != speed:
        raise click.UsageError("--speed is an alias of --scale: give one of them (or the same N)")
    factor = scale if scale is not None else speed if speed is not None else DEFAULT_SCALE
    settings = _settings()
    database = _database(settings)
    with database.session() as session:
        organisation = read_organisation(session)
    if organisation.desk_unit() is None:
        _refuse("组织架构中没有市局舆情工作台 (no desk unit: load the org file first, yuqing org load FILE)")
    path = Path(scenario_file) if scenario_file else shipped_scenario()
    try:
        scenario = load_scenario(path, organisation)
    except ScenarioError as exc:
        _refuse(f"演练场景有 {len(exc.errors)} 处错误 (scenario refused): {'; '.join(str(exc).splitlines())}")
    wanted = [u.strip() for item in units for u in item.split(",") if u.strip()] or None
    try:
        chosen = grade_of(grade) if grade is not None else None
        if wanted is not None:
            check_units(organisation, wanted)
        rules = load_rules(organisation, settings.get("POLICY_FILE") or None, settings.get("HOLIDAY_FILE") or None)
        actor = Actor(f"cli:{_os_user()}", "cli")
        for attempt in range(1, 4):  # one transaction: the case opens with its units and scenario, or not at all
            try:
                with database.session() as session:
                    started = start_drill(SessionCaseStore(session), rules, actor, utcnow(), scenario, scale=factor,
                                          grade=chosen, units=wanted, source=scenario.source or path.name)
                break
            except LostRace:
                if attempt == 3:
                    raise
    except DomainError as exc:
        _refuse(exc.message)
    case = started.case
    who = recipients(organisation, [o.assignment.unit_id for o in started.assigned], scenario.people, case.grade)
    click.echo(f"已开始演练 {case.number}：{case.title}")
    click.echo(f"等级：{case.grade.label}；时间倍率 ×{factor:g}（每个时限按 1/{factor:g} 计算）；"
               f"场景：{path}（脚本 {len(scenario.steps)} 步）")
    click.echo("收到卡片的单位和人员 (who receives cards):")
    for line in who.lines():
        click.echo(f"  {line}")
    try:
        _enqueue_drill(settings, case.id)
    except Exception as exc:  # noqa: BLE001 - Redis down or misconfigured: the case is open, say what is missing
        _refuse(f"{case.number} 已开始，但卡片未能交给 worker 发送 (cards not enqueued: {type(exc).__name__}: {exc})")
    click.echo(f"卡片已交给 worker 发送（yuqing worker 须在运行）。演练报告：yuqing drill report {case.number}")


def _enqueue_drill(settings: config_module.Settings, case_id: int) -> None:
    """Enqueue the job that sends a drill's cards (``worker/drill_jobs.py``), by its dotted name."""
    import redis
    from rq import Queue
    from rq.serializers import JSONSerializer

    from bot.core import queues

    connection = redis.Redis.from_url(settings.redis_url)
    Queue(queues.PREVIEW, connection=connection, serializer=JSONSerializer).enqueue(
        queues.ANNOUNCE_DRILL, case_id, job_id=f"drill-announce-{case_id}", result_ttl=3600)


@drill.command("report")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True)
def drill_report_command(number: str, as_json: bool) -> None:
    """A drill's report: each step against its scaled deadline, who acted, what was late or missed."""
    from bot.domain.drill.report import drill_report
    from bot.store.case_repo import SessionCaseStore
    from bot.store.org_repo import read_organisation

    database = _database(_settings())
    with database.session() as session:
        organisation = read_organisation(session)
        found = SessionCaseStore(session).run(lambda repo: _drill_of(repo, number.strip().upper()))
    if found is None:
        _refuse(f"找不到案件 {number} (no such case)")
    case, timeline, duties = found
    if not case.drill:
        _refuse(f"{case.number} 不是演练案件 (not a drill)")
    report = drill_report(timeline, duties, case, organisation, utcnow())
    click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2) if as_json else report.as_text())


def _drill_of(repo, number: str):
    """(case, timeline, duties) of the case ``number``, or None."""
    case = repo.case_by_number(number)
    return None if case is None else (case, repo.timeline(case.id), repo.duties(case.id))


def _refuse(reason: str) -> NoReturn:
    """One line on stderr, exit 1 (refused input)."""
    click.echo(f"yuqing: {reason}", err=True)
    sys.exit(1)


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


if __name__ == "__main__":  # pragma: no cover
    main()
