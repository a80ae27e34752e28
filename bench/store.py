"""The store at size: cases with their timelines on SQLite and PostgreSQL, the product's own queries.

Data: ``--cases`` cases (1 % open, the rest archived), one assignment each, one open duty per open
case, ``--entries`` timeline entries per case, and one case with ``--long`` entries whose chain is
real (the other chains' hashes are filler: only the long case is verified). Generated once per
size into a SQLite file under var/bench/ (reused on the next run); PostgreSQL gets a database of
its own, filled from that file, and dropped at the end.

Measured, ``--repeat`` times each, p95: number lookup (case_views.case_row_by_number), the
open-case board (case_views.list_cases(open_only=True)), the daily digest's query
(worker.digests.contents), and loading + verifying the long case's chain (timeline.verify_case).

    .venv/bin/python bench/store.py                 # 2,000 cases × 20 entries
    .venv/bin/python bench/store.py --full          # the issue's 100,000 cases, 2,000,000 entries
    .venv/bin/python bench/store.py --backends sqlite
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness
from _harness import ms, percentile

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
BATCH = 20_000


def org():
    from bot.org.file import parse_org_file

    return parse_org_file(harness.ROOT / "examples" / "org.yaml")


def case_rows(n: int, units: list[str], person: str):
    """The cases: numbers YQ-2026-NNNNNN, 1 % open (every 100th), opened over the past year."""
    for i in range(1, n + 1):
        opened = NOW - timedelta(minutes=(n - i) * 525_600 / max(n, 1))
        yield {"id": i, "number": f"YQ-2026-{i:06d}", "year": 2026, "serial": i, "title": f"舆情 {i}",
               "grade": 1 + i % 4, "state": "handling" if i % 100 == 0 else "archived",
               "owner_unit": units[i % len(units)], "county": None, "opened_by": person, "opened_at": opened,
               "first_seen_at": opened, "source": "bench", "link": None, "transfer_ref": None,
               "confidential": False, "drill": False}


def timeline_rows(case_id: int, count: int, real: bool):
    """``count`` entries of one case; a real chain when ``real``, else filler hashes."""
    from bot.domain.case.timeline import GENESIS, EntryDraft, entry_hash

    prev, start = GENESIS, NOW - timedelta(days=30)
    for seq in range(1, count + 1):
        draft = EntryDraft("p-li", "liaison", "wecom", "case.report", {"text": f"进展 {seq}"},
                           start + timedelta(seconds=seq))
        digest = entry_hash(seq, draft, prev) if real else hashlib.md5(f"{case_id}.{seq}".encode()).hexdigest() * 2
        yield {"case_id": case_id, "seq": seq, "actor": draft.actor, "role": draft.role, "platform": draft.platform,
               "action": draft.action, "payload": draft.payload, "at": draft.at, "prev": prev, "hash": digest}
        prev = digest


def insert(conn, table, rows) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(table.insert(), batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)


def fill(url: str, args) -> None:
    """Migrate ``url`` and write the organisation and the generated cases into it."""
    from bot.core.clock import utcnow
    from bot.store import Database, upgrade
    from bot.store.cases import AssignmentRow, CaseRow, DutyRow
    from bot.store.org_repo import apply_organisation
    from bot.store.timeline import TimelineRow

    upgrade(url)
    database = Database(url)
    the_org = org()
    with database.session() as session:
        apply_organisation(session, the_org, utcnow())
    units = sorted(the_org.units)
    with database.engine.begin() as conn:
        insert(conn, CaseRow.__table__, case_rows(args.cases, units, "p-li"))
        insert(conn, AssignmentRow.__table__, (
            {"case_id": i, "unit_id": units[i % len(units)], "state": "reported" if i % 100 else "acknowledged",
             "assigned_at": NOW, "assigned_by": "p-li"} for i in range(1, args.cases + 1)))
        insert(conn, DutyRow.__table__, (
            {"case_id": i, "kind": "follow_up", "grade": 2, "owner_unit": units[i % len(units)], "started_at": NOW,
             "due_at": NOW + timedelta(hours=i % 48 - 24), "policy": {}, "reminders": [], "escalations": [],
             "state": "open", "late": False} for i in range(100, args.cases + 1, 100)))
        insert(conn, TimelineRow.__table__, (row for i in range(1, args.cases + 1) for row in timeline_rows(
            i, args.long if i == long_case(args) else args.entries, i == long_case(args))))
    database.dispose()


def long_case(args) -> int:
    return max(1, args.cases // 2 // 100 * 100)  # an open case in the middle


def sqlite_cache(args) -> str:
    """The cached SQLite file of this size (generated on first use)."""
    path = harness.VAR / f"store-{args.cases}x{args.entries}-{args.long}.sqlite"
    if not path.exists():
        t0 = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        fill(f"sqlite:///{tmp}", args)
        tmp.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    from bot.store import upgrade

    upgrade(f"sqlite:///{path}")  # a cache made before a later migration gets it (e.g. 0007's indexes)
    return f"sqlite:///{path}"


def timed(work, repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        t0 = time.perf_counter()
        work(i)
        out.append(time.perf_counter() - t0)
    return out


def measure(url: str, args) -> dict:
    """p95 of each query against the database at ``url`` (fresh session per call, as a job has)."""
    from bot.store import Database
    from bot.store.case_views import case_row_by_number, list_cases
    from bot.store.timeline import verify_case
    from worker.digests import contents

    database, the_org, rng = Database(url), org(), random.Random(7)
    numbers = [f"YQ-2026-{rng.randint(1, args.cases):06d}" for _ in range(args.repeat)]

    def run(fn):
        def work(i):
            with database.session() as session:
                fn(session, i)
        work(0)  # warm: connection and statement caches
        return timed(work, args.repeat)

    out = {
        "number lookup": run(lambda s, i: case_row_by_number(s, numbers[i])),
        "open-case board": run(lambda s, i: list_cases(s, open_only=True)),
        "daily digest query": run(lambda s, i: contents(s, the_org, NOW, 1)),
        f"load + verify {args.long}": run(lambda s, i: verify_case(s, long_case(args))),
    }
    with database.session() as session:
        assert verify_case(session, long_case(args)) is None, "the long case's chain must hold"
    database.dispose()
    return out


def with_postgres(args, source: str, work):
    """Create a database, fill it from the SQLite cache, run ``work(url)``, drop it."""
    import sqlalchemy as sa

    from bot.store.db import make_engine

    name = f"yq_bench_store_{args.cases}x{args.entries}"
    admin = make_engine(PG_ADMIN).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        copy_into(source, url)
        return work(url)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def copy_into(source: str, url: str) -> None:
    """Migrate ``url`` and copy every table of the SQLite ``source`` into it; sequences follow."""
    import sqlalchemy as sa

    from bot.store import upgrade
    from bot.store.db import make_engine
    from bot.store.models import Base

    upgrade(url)
    src, dst, t0 = make_engine(source), make_engine(url), time.perf_counter()
    with src.connect() as s, dst.begin() as d:
        for table in Base.metadata.sorted_tables:
            insert(d, table, (dict(r._mapping) for r in s.execution_options(yield_per=BATCH).execute(table.select())))
            if "id" in table.c and isinstance(table.c.id.type, sa.Integer) and table.c.id.autoincrement:
                d.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
        d.execute(sa.text("ANALYZE"))
    print(f"postgres filled in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    src.dispose()
    dst.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the issue's size: 100,000 cases × 20 entries")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=20, help="timeline entries per case")
    parser.add_argument("--long", type=int, default=500, help="entries of the case loaded and verified")
    parser.add_argument("--repeat", type=int, default=100, help="calls per query")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    if args.full:
        args.cases, args.entries = 100_000, 20
    from sqlalchemy.exc import OperationalError

    harness.VAR.mkdir(parents=True, exist_ok=True)
    source = sqlite_cache(args)
    load_before = os.getloadavg()
    results = {}
    if "sqlite" in args.backends:
        results["SQLite"] = measure(source, args)
    if "postgres" in args.backends:
        try:
            results["PostgreSQL"] = with_postgres(args, source, lambda url: measure(url, args))
        except OperationalError as exc:  # no server at PG_ADMIN: the SQLite figures still stand
            print(f"PostgreSQL skipped: {str(exc).splitlines()[0]}", file=sys.stderr)
    total = args.cases * args.entries + args.long - args.entries
    print(f"store — {args.cases:,} cases, {total:,} timeline entries; {args.repeat} calls each; ms; "
          f"load average (1 min) {load_before[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    names = list(next(iter(results.values())))
    print(f"{'query':<22} " + " ".join(f"{b + ' p50':>15} {b + ' p95':>15}" for b in results))
    for name in names:
        print(f"{name:<22} " + " ".join(f"{ms(percentile(r[name], 50)):>15} {ms(percentile(r[name], 95)):>15}"
                                        for r in results.values()))
    limits = {name: (0.1 if name.startswith("load") else 0.02) for name in names}
    print("ratios (p95 / target): " + "; ".join(
        f"{b} " + ", ".join(f"{n.split()[0]} {percentile(r[n], 95) / limits[n]:.2f}" for n in names)
        for b, r in results.items()))


if __name__ == "__main__":
    main()
