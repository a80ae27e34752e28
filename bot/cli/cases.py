"""``yuqing case …``: list, show, verify (chain, anchors, rows), export and import (docs/archive.md, docs/secrecy.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli.support import load_settings, open_database, os_user, refuse, write_document
from bot.core.clock import utcnow


@click.group()
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

    database = open_database(load_settings())
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

    database = open_database(load_settings())
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
    from bot.store.case_repo import SqlCaseStore

    rules, store, user, now = _cli_rules(database), SqlCaseStore(database), os_user(), utcnow()
    for case_id in case_ids:
        record_reveal(store, rules, case_id, user, now)


def _cli_rules(database):
    """The rules a command-line record runs by: the stored org and the default policy (it starts no clock)."""
    from bot.domain.clock.policy_file import default_policy
    from bot.domain.clock.workdays import WorkCalendar
    from bot.domain.context import Rules
    from bot.store.org_repo import read_organisation

    with database.session() as session:
        return Rules(read_organisation(session), default_policy(), WorkCalendar())


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
    database = open_database(load_settings())
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
        finding = None
        if anchored is not None and check.found:
            finding = anchoring.check_case(check.number, check.hashes, anchored.get(check.number))
        lines = _case_problems(check, finding)
        if not lines:
            click.echo(f"{check.number}: 完好 (ok)" + (f"，{finding.text}" if finding is not None else ""))
        problems += lines
    if all_cases and anchored is not None:
        problems += [f"{f.number}: {f.text}" for f in anchoring.missing(anchored, [c.number for c in checks])]
    for line in problems:
        click.echo(line)
    return problems


def _case_problems(check, finding) -> list[str]:
    """One case's problems, each a line naming it: no such case, a broken link, an anchor mismatch (``finding``,
    None without anchors), rows."""
    if not check.found:
        return [f"{check.number}: 找不到该案件 (no such case)"]
    out = []
    if check.broken is not None:
        seq = check.broken.seq
        out.append(f"{check.number}: 第 {seq} 条断链 (broken at entry {seq}): {check.broken.reason}")
    if finding is not None and not finding.ok:
        out.append(f"{check.number}: {finding.text}")
    return out + [f"{check.number}: {text}" for text in check.rows]


@case.command("export")
@click.argument("number")
@click.option("--format", "fmt", type=click.Choice(["docx", "md", "json"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False), help="default: stdout (json, md); ./<name> (docx)")
@click.option("--reveal", is_flag=True, help="export a confidential (涉密) case; recorded on its timeline")
def case_export(number: str, fmt: str, output: str | None, reveal: bool) -> None:
    """Export a case for the paper file (every export is recorded on its timeline first, so the file holds it)."""
    from bot.store.case_repo import SqlCaseRepository
    from bot.store.dossier import read_dossier

    database = open_database(load_settings())
    wanted = number.strip().upper()
    with database.session() as session:  # the case row only: the dossier is read once, after the entry
        found = SqlCaseRepository(session).case_by_number(wanted)
    if found is None:
        refuse(f"找不到案件 {number} (no such case)")
    if found.confidential and not reveal:
        refuse(f"{wanted} 为涉密案件，导出需加 --reveal（导出将记入时间线）")
    _record_export(database, found.id, fmt)
    with database.session() as session:  # read after the entry: the file holds its own export
        dossier = read_dossier(session, wanted, now=utcnow())
    write_document(_render(dossier, fmt), output)


def _record_export(database, case_id: int, fmt: str) -> None:
    """One ``case.exported`` entry, actor ``cli:<OS user>`` (by the default policy, as a reveal)."""
    from bot.domain.case.secrecy import record_export
    from bot.store.case_repo import SqlCaseStore

    record_export(SqlCaseStore(database), _cli_rules(database), case_id, f"cli:{os_user()}", "cli", fmt, utcnow())


def _render(dossier: dict, fmt: str):
    """The document of ``dossier`` (``bot.archive.render``: name, mime, content)."""
    from bot.archive import render

    return render(dossier, fmt)


@case.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def case_import(file: str) -> None:
    """Import a case exported with --format json (ids kept; refused when the database already has them)."""
    from bot.store.case_import import ImportRefused, import_dossier

    try:
        dossier = json.loads(Path(file).read_text(encoding="utf-8"))
    except OSError as exc:
        refuse(f"无法读取 {file}：{exc.strerror or exc}")
    except UnicodeDecodeError:
        refuse(f"{file} 不是 UTF-8 文本")
    except json.JSONDecodeError as exc:
        refuse(f"{file} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}")
    from sqlalchemy.exc import DBAPIError

    database = open_database(load_settings())
    try:
        with database.session() as session:
            imported = import_dossier(session, dossier)
    except ImportRefused as exc:
        refuse(str(exc))
    except DBAPIError as exc:  # a value the file has that the database will not take
        refuse(f"导入失败，未做任何更改：{str(getattr(exc, 'orig', exc)).splitlines()[0]}")
    click.echo(f"已导入 {imported}（{len(dossier['timeline'])} 条时间线，校验完好）")
