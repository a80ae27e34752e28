"""Every job's dotted name lives in bot/core/queues.py, and each names a function of worker.jobs."""

import inspect
from pathlib import Path

import worker.jobs
from bot.core import queues

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ("bot", "worker", "handlers")
PREFIX = "worker.jobs."


def job_constants() -> dict[str, str]:
    """The module's constants that hold a job's dotted name."""
    return {name: value for name, value in vars(queues).items()
            if name.isupper() and isinstance(value, str) and value.startswith(PREFIX)}


def spellings(root: Path) -> list[str]:
    """``path:line`` of every line outside bot/core/queues.py that spells a job's dotted name."""
    found = []
    for top in SCANNED:
        for path in sorted((root / top).rglob("*.py")):
            if path.relative_to(root).as_posix() == "bot/core/queues.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if PREFIX in line:
                    found.append(f"{path.relative_to(root).as_posix()}:{number}")
    return found


def test_every_job_name_resolves_to_a_function_of_worker_jobs():
    names = job_constants()
    assert set(names.values()) == set(queues.JOBS) and len(queues.JOBS) == len(set(queues.JOBS))
    for constant, dotted in names.items():
        target = getattr(worker.jobs, dotted.removeprefix(PREFIX), None)
        assert callable(target), f"queues.{constant} = {dotted!r} names nothing callable in worker.jobs"


def test_every_function_of_worker_jobs_has_a_name_in_queues():
    functions = {name for name, f in vars(worker.jobs).items()
                 if inspect.isfunction(f) and f.__module__ == "worker.jobs" and not name.startswith("_")}
    assert {PREFIX + name for name in functions} == set(queues.JOBS)


def test_no_module_but_queues_spells_a_job_name():
    assert spellings(ROOT) == []


def test_the_scan_finds_a_spelled_job_name(tmp_path):
    (tmp_path / "worker").mkdir()
    (tmp_path / "worker" / "sneaky.py").write_text('JOB = "worker.jobs.deliver"\n', encoding="utf-8")
    (tmp_path / "bot" / "core").mkdir(parents=True)
    (tmp_path / "bot" / "core" / "queues.py").write_text('DELIVER = "worker.jobs.deliver"\n', encoding="utf-8")
    assert spellings(tmp_path) == ["worker/sneaky.py:1"]
