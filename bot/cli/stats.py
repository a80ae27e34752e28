"""``yuqing stats``: a period's figures as xlsx, csv or md (docs/statistics.md)."""

from __future__ import annotations

import click

from bot.cli.support import load_settings, open_database, refuse, write_document
from bot.core.clock import utcnow


@click.command()
@click.option("--period", help="2026-Q4, 2026-12, 2026-W49, 2026, or 本周|上周|本月|上月|本季度|本年")
@click.option("--from", "start", metavar="DAY", help="first day, e.g. 2026-11-01 (with --to, instead of --period)")
@click.option("--to", "end", metavar="DAY", help="last day, inclusive, e.g. 2026-11-30")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "md"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False), help="default: stdout (csv, md); ./<name> (xlsx)")
def stats(period: str | None, start: str | None, end: str | None, fmt: str, output: str | None) -> None:
    """Statistics per unit for a period: cases, 签收, reports (迟报, 漏报), deadlines, scripts, 督办, counties.

    Drills are not counted (docs/statistics.md defines every figure)."""
    from bot.figures import render

    chosen = _stats_period(period, start, end)
    write_document(render(_read_figures(chosen), fmt), output)


def _stats_period(period: str | None, start: str | None, end: str | None):
    """The period asked for: ``--period`` or ``--from``/``--to`` (exactly one form: a usage error otherwise);
    a bad period or day is refused (exit 1) with the Chinese message naming the forms."""
    from bot.core.clock import SHANGHAI
    from bot.domain.stats import between, parse_period

    forms = (period is not None) + (start is not None or end is not None)
    if forms != 1 or period is None and (start is None or end is None):
        raise click.UsageError("give --period, or both --from and --to (one of the two forms)")
    try:
        if period is not None:
            return parse_period(period, utcnow().astimezone(SHANGHAI).date())
        return between(_iso_day(start, "--from"), _iso_day(end, "--to"))
    except ValueError as exc:
        refuse(str(exc))


def _iso_day(value: str, option: str):
    """``2026-11-01`` as a date; raises ValueError naming the option."""
    from datetime import date

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{option} 的日期无效：{value}（应写作 2026-11-01）") from None


def _read_figures(period):
    """The figures of ``period`` from the database (``bot.store.stats.figures``), drills not counted."""
    from bot.store.org_repo import read_organisation
    from bot.store.stats import figures

    database = open_database(load_settings())
    with database.session() as session:  # every duty carries its own deadline: no policy needed
        return figures(session, read_organisation(session), period)
