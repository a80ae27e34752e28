"""``yuqing drill …``: start a drill and report it (docs/drills.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot import config as config_module
from bot.cli.support import load_settings, open_database, os_user, refuse
from bot.core.clock import utcnow


@click.group()
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
    settings = load_settings()
    database = open_database(settings)
    with database.session() as session:
        organisation = read_organisation(session)
    if organisation.desk_unit() is None:
        refuse("组织架构中没有市局舆情工作台 (no desk unit: load the org file first, yuqing org load FILE)")
    path = Path(scenario_file) if scenario_file else shipped_scenario()
    try:
        scenario = load_scenario(path, organisation)
    except ScenarioError as exc:
        refuse(f"演练场景有 {len(exc.errors)} 处错误 (scenario refused): {'; '.join(str(exc).splitlines())}")
    wanted = [u.strip() for item in units for u in item.split(",") if u.strip()] or None
    try:
        chosen = grade_of(grade) if grade is not None else None
        if wanted is not None:
            check_units(organisation, wanted)
        rules = load_rules(organisation, settings.get("POLICY_FILE") or None, settings.get("HOLIDAY_FILE") or None)
        actor = Actor(f"cli:{os_user()}", "cli")
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
        refuse(exc.message)
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
        refuse(f"{case.number} 已开始，但卡片未能交给 worker 发送 (cards not enqueued: {type(exc).__name__}: {exc})")
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

    database = open_database(load_settings())
    with database.session() as session:
        organisation = read_organisation(session)
        found = SessionCaseStore(session).run(lambda repo: _drill_of(repo, number.strip().upper()))
    if found is None:
        refuse(f"找不到案件 {number} (no such case)")
    case, timeline, duties = found
    if not case.drill:
        refuse(f"{case.number} 不是演练案件 (not a drill)")
    report = drill_report(timeline, duties, case, organisation, utcnow())
    click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2) if as_json else report.as_text())


def _drill_of(repo, number: str):
    """(case, timeline, duties) of the case ``number``, or None."""
    case = repo.case_by_number(number)
    return None if case is None else (case, repo.timeline(case.id), repo.duties(case.id))
