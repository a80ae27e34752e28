"""Who may import whom (shared/docs/style.md), checked as an allow-list per layer (issue 17, item 7).

Every module under ``bot/``, ``handlers/`` and ``worker/`` belongs to one layer. Each of its imports —
module-level or inside a function, ``import x`` or ``from x import y``, relative ones resolved — is
classified as the standard library (``sys.stdlib_module_names``, always allowed), ours (by the layer
of the module it names) or third-party (by name), and must be on its layer's allow-list. Anything the
lists do not name is refused, so a new dependency has to be argued for here.

The checker is shown to refuse samples first (a handler importing SQLAlchemy or ``bot.store``, the
worker importing ``bot.console``, the domain importing Redis), so the walk cannot pass for want of
looking. Imports made from a string (``import_module``, RQ's dotted job names) are not seen.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("bot", "handlers", "worker")  # top-level names of our packages
EVERYTHING = "*"

# module → layer; the longest dotted prefix wins. The table's rows first.
LAYER_OF = {
    "bot.core": "bot.core",
    "bot.domain": "bot.domain",
    "bot.store": "bot.store",
    "handlers": "handlers",
    "bot.platforms": "bot.platforms",
    "bot.web": "web",
    "bot.app": "web",
    "worker": "worker",
    "bot.emulator": "bot.emulator",
    "bot.console": "bot.console",
    "bot.board": "bot.board",  # the signed-in board (issue 26)
    "bot.cli": "bot.cli",
    # named by the table (``bot.web`` may import ``bot.config``) or the layout, without a row of their own
    "bot.config": "config",
    "bot.org": "org",  # the org file's reader: turns the file into bot.core.org values, like a store
    # packages the table does not name, each with a row of its own below (item 6)
    "bot.fetch": "bot.fetch",  # the SSRF-safe fetcher (link previews): a library the worker's job calls
    "bot.schedule": "bot.schedule",  # schedules in Redis (the clock's), read by /metrics, written by the worker
    "bot.archive": "bot.archive",  # a case's dossier as documents (docx, Markdown, JSON): issue 24
    "bot.figures": "bot.figures",  # a period's figures as files (xlsx, CSV, Markdown) and charts: issue 25
}

# The loose modules at the top of bot/ (architecture review 2026-12-07, §4.2), each classified by what
# it is; docs/architecture.md names their homes.
LOOSE = {
    # web-side: run inside the web process, behind bot.app's routes
    "bot.intake_api": "case_api",  # POST /api/v1/cases: the web, plus the one "open case" command
    "bot.files_route": "web",  # /files/<token>
    # shared by the web and the worker
    "bot.inbox": "inbox",  # keep → dedup → enqueue an event: the web's routes, the worker's sweep and connector
    "bot.clock_report": "read-side",  # the clock's report: /metrics, `yuqing clock status`, the worker's clock
    # CLI presenters: what `yuqing …` prints
    "bot.case_text": "bot.cli",  # a case as text for the CLI
    # process runners: start processes; composition roots like the CLI
    "bot.localredis": "runner",  # a local Redis (or fakeredis) for the demo and tests
    "bot.serving": "runner",  # gunicorn around bot.app:create_app()
    "bot.demo": "runner",  # `yuqing demo`: bot, worker, emulators and console in one process
    # process settings read once at start, like bot.config (which the table lets the web import)
    "bot.logconfig": "config",
}
LAYER_OF |= LOOSE
ROOT_PACKAGE = "bot"  # bot/__init__.py: only __version__; importing any bot.x runs it anyway


@dataclass(frozen=True)
class Rule:
    ours: frozenset[str] | str  # layers it may import (its own always), or EVERYTHING
    third: frozenset[str] | str  # third-party names (or dotted prefixes) it may import, or EVERYTHING
    why: str  # the table's row, in short


def rule(ours=(), third=(), why=""):
    return Rule(ours if ours == EVERYTHING else frozenset(ours),
                third if third == EVERYTHING else frozenset(third), why)


ALL_LAYERS = frozenset(LAYER_OF.values())

RULES = {
    "bot.core": rule(why="bot.core: stdlib only — no Flask, RQ, SQLAlchemy, platforms, domain, handlers, worker"),
    "bot.domain": rule(
        {"bot.core"},
        {"chinese_calendar",  # the calendar package (workdays)
         "yaml"},  # yaml_lines.py loads the policy and holiday files keeping each key's line
        "bot.domain: bot.core, stdlib, the calendar package — no Flask, RQ, Redis, SQLAlchemy, platforms, store"),
    "bot.store": rule(
        {"bot.core", "bot.domain"},
        {"sqlalchemy",
         "alembic"},  # its Alembic migrations (style.md's layout); psycopg is loaded by URL, never imported
        "bot.store: bot.core, bot.domain, SQLAlchemy — no Flask, RQ, platforms, handlers, worker"),
    "handlers": rule(
        {"bot.core", "bot.domain"},
        (),  # no calendar package: the domain owns workdays and handlers do not import it
        "handlers: bot.core and bot.domain only; data through the domain's repository interfaces — "
        "no SQLAlchemy, raw sessions, bot.store, Redis, RQ, Flask, platforms"),
    "bot.platforms": rule(
        {"bot.core"},
        {"jinja2", "redis", "requests", "urllib3", "wechatpy", "dingtalk", "cryptography", "websockets",
         "defusedxml"},  # WeCom's callbacks are XML from outside: parsed with defusedxml only
        "bot.platforms: bot.core, Jinja2, Redis, the HTTP client, the platforms' SDKs — "
        "no Flask, RQ, domain, store, handlers, worker"),
    "web": rule(
        {"bot.core", "bot.platforms", "config", "bot.store",
         "inbox", "read-side",  # the accept step; the clock's report for /metrics (both shared with the worker)
         "case_api",  # bot.app registers POST /api/v1/cases
         "bot.board"},  # bot.app registers the board's blueprints when BOARD_SECRET_KEY is set (issue 26)
        {"flask",
         "werkzeug",  # Flask's own toolkit (its HTTP exceptions)
         "redis", "rq",
         "sqlalchemy.exc"},  # to answer 503 when the database is down; bot.store does not wrap its errors
        "bot.web, bot.app: Flask, Redis, RQ, bot.core, bot.platforms, bot.config, bot.store — no handlers, worker"),
    "case_api": rule(
        {"bot.core", "bot.platforms", "config", "bot.store",
         "bot.domain"},  # style.md's web row: "plus the one open case command of POST /api/v1/cases" — its
        # rules (bot.domain.context), grade and link normalising; for bot/intake_api.py only, not bot.web
        {"flask", "redis", "rq"},
        "bot.intake_api: the web's row (Flask, Redis, RQ, bot.core, bot.platforms, bot.config, bot.store) "
        "plus bot.domain for the open case command — no handlers, worker"),
    "inbox": rule(
        {"bot.core", "bot.store"},
        {"redis", "rq",
         "sqlalchemy.exc"},  # a database down while keeping the event: Redis alone carries it
        "bot.inbox (shared by web and worker): bot.core, bot.store, Redis, RQ — no Flask, handlers, worker, domain"),
    "read-side": rule(
        {"bot.core", "bot.domain", "bot.store", "bot.schedule"},
        {"redis", "rq", "sqlalchemy"},
        "bot.clock_report (read-side, shared by web, CLI and worker): bot.core, bot.domain, bot.store, "
        "bot.schedule, Redis, RQ, SQLAlchemy — no Flask, handlers, worker"),
    "bot.schedule": rule(
        {"bot.core"},  # Redis key builders
        {"redis"},
        "bot.schedule: Redis and bot.core only — the SQL store holds no Redis code, and /metrics need not "
        "import the worker"),
    "bot.fetch": rule(
        (),
        {"urllib3"},  # the connection to a checked address; nothing else third-party
        "bot.fetch (the SSRF-safe fetcher, a library): stdlib and urllib3 — no Flask, RQ, Redis, SQLAlchemy, "
        "none of the bot's layers"),
    "worker": rule(
        ALL_LAYERS - {"web", "case_api",  # Flask modules: the worker's must-not
                      "bot.emulator", "bot.console",
                      "bot.board"},  # the signed-in board is a Flask page, and Flask is the worker's must-not
        {"rq", "redis", "sqlalchemy"},
        "worker: RQ, Redis, everything of ours except web, app, emulator, console — no Flask"),
    "bot.emulator": rule(
        (),
        {"flask",
         "werkzeug",  # serves the emulators (werkzeug.serving), under Flask
         "cryptography", "yaml", "websockets",
         "requests"},  # the emulator calls the bot's callback URLs, as the real platforms do
        "bot.emulator: Flask, stdlib, crypto, PyYAML, a WebSocket library — none of the bot's code"),
    "bot.console": rule(
        {"bot.core", "bot.store", "bot.emulator"},
        {"flask", "jinja2",
         "markupsafe",  # Jinja2's escaping, for the chats' rich text
         "sqlalchemy.exc"},  # "tables not migrated yet" instead of a failure; bot.store does not wrap its errors
        "bot.console: Flask, Jinja2, bot.core, bot.store (read-only), bot.emulator — no platforms, handlers, worker"),
    "bot.board": rule(
        {"bot.core", "bot.domain", "bot.store",  # bot.store read-only; its one write is a timeline entry through
         # the domain (bot.domain.case.secrecy: record_export before a download, record_refused): docs/board.md
         "bot.archive",  # the export download (render) and the case page's sections, worded as the file
         "bot.figures"},  # /board/stats: the figures' cells and the weekly chart (issue 25)
        {"flask", "jinja2", "markupsafe", "requests",  # requests: the OAuth code exchange only
         "werkzeug",  # Flask's own toolkit (its HTTP exceptions: 400 on a failed CSRF check, 403, 404)
         "itsdangerous"},  # Flask's signer: the signed session cookie (bot/board/session.py)
        "bot.board: Flask, Jinja2, bot.core, bot.domain, bot.store (read-only), bot.archive (export), bot.figures "
        "(statistics), an HTTP client for OAuth — no platforms, handlers, worker, emulator"),
    "bot.archive": rule(
        {"bot.core", "bot.domain"},  # the domain's readers (response state, supervision, evaluation, labels)
        {"docx"},  # python-docx writes the .docx
        "bot.archive (a dossier as documents): bot.core, bot.domain, python-docx, stdlib — no Flask, RQ, Redis, "
        "SQLAlchemy, bot.store, platforms, handlers, worker"),
    "bot.figures": rule(
        {"bot.core", "bot.domain",  # the figures' types (bot.domain.stats), the grades' labels and colours
         "bot.archive"},  # its Document type and Markdown writer, shared rather than copied
        {"openpyxl",  # writes the .xlsx
         "matplotlib"},  # draws the weekly chart (Agg, object API)
        "bot.figures (figures as files and charts): bot.core, bot.domain, bot.archive, openpyxl, matplotlib, "
        "stdlib — no Flask, RQ, Redis, SQLAlchemy, bot.store, platforms, handlers, worker"),
    "bot.cli": rule(EVERYTHING, EVERYTHING, "bot.cli: everything"),
    "runner": rule(EVERYTHING, EVERYTHING, "process runners: everything, like the CLI"),
    "config": rule({"bot.core"}, (), "settings (bot.config, bot.logconfig): stdlib and bot.core"),
    "org": rule({"bot.core", "bot.domain"}, (), "bot.org: bot.core, bot.domain (YAML through bot.domain.yaml_lines)"),
    "root": rule(why="bot/__init__.py: stdlib only"),
}

# The violations today's tree still has, as (file, imported module): no line numbers, so an edit above
# them does not break the test. Each entry MUST still be a violation — the test fails once it is fixed,
# so the set shrinks as the fixes land and cannot hide a new one. Empty it; never add to it.
KNOWN: set[tuple[str, str]] = set()  # emptied by item 6: each former entry has a home or a row above


# ---------------------------------------------------------------------------------------------- the checker

def module_of(path: str) -> str:
    """``bot/store/db.py`` → ``bot.store.db``; ``bot/store/__init__.py`` → ``bot.store``."""
    parts = list(Path(path).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    """The layer an importable name of ours belongs to, or None if no layer claims it."""
    if module == ROOT_PACKAGE:
        return "root"
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if (layer := LAYER_OF.get(".".join(parts[:n]))) is not None:
            return layer
    return None


def _is_our_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports(source: str, path: str):
    """``(line, module)`` for every import in ``source`` (as if it were the file at ``path``), at any depth.

    Relative imports are resolved; ``from pkg import name`` of ours counts as ``pkg.name`` when that is a
    module (``from bot import config`` imports ``bot.config``)."""
    module = module_of(path)
    package = module if Path(path).name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                where = ".".join([*base, node.module] if node.module else base)
            else:
                where = node.module
            if where.split(".")[0] in OURS:
                subs = [f"{where}.{a.name}" for a in node.names if _is_our_module(f"{where}.{a.name}")]
                if len(subs) < len(node.names):
                    yield node.lineno, where
                for sub in subs:
                    yield node.lineno, sub
            else:
                yield node.lineno, where


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    message: str

    def __str__(self):
        return f"{self.path}:{self.line} imports {self.module}: {self.message}"


def _allowed_third(name: str, allowed) -> bool:
    return allowed == EVERYTHING or any(name == a or name.startswith(a + ".") for a in allowed)


def violations(source: str, path: str) -> list[Violation]:
    """Every import in ``source`` (the file at ``path``, relative to the repository) its layer may not make."""
    own = layer_of(module_of(path))
    if own is None:
        return [Violation(path, 0, "", "this module has no layer: add it to LAYER_OF or LOOSE")]
    rule_ = RULES[own]
    found = []
    for line, name in imports(source, path):
        top = name.split(".")[0]
        if top in sys.stdlib_module_names:
            continue
        if top in OURS:
            target = layer_of(name)
            if target is None:
                found.append(Violation(path, line, name, "it has no layer: add it to LAYER_OF or LOOSE"))
            elif target not in (own, "root") and rule_.ours != EVERYTHING and target not in rule_.ours:
                found.append(Violation(path, line, name, f"{own} may not import {target} ({rule_.why})"))
        elif not _allowed_third(name, rule_.third):
            found.append(Violation(path, line, name, f"{own} may not import {top} ({rule_.why})"))
    return found


def our_files() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for top in OURS for p in (ROOT / top).rglob("*.py")
                  if "__pycache__" not in p.parts)


def tree_violations() -> list[Violation]:
    return [v for path in our_files() for v in violations((ROOT / path).read_text(encoding="utf-8"), path)]


# ---------------------------------------------------------------------------------- the checker refuses samples

REFUSED = [
    # a handler: no SQLAlchemy, no sessions, no bot.store — at any depth, however spelled
    ("handlers/sample.py", "import sqlalchemy\n", "sqlalchemy"),
    ("handlers/sample.py", "from sqlalchemy.orm import Session\n", "sqlalchemy.orm"),
    ("handlers/sample.py", "from bot.store import cases\n", "bot.store.cases"),
    ("handlers/sample.py", "from bot import store\n", "bot.store"),
    ("handlers/sample.py", "def receive(event, ctx):\n    from bot.store.db import Database\n", "bot.store.db"),
    ("handlers/sample.py", "import redis\n", "redis"),
    ("handlers/sample.py", "from bot.platforms.wecom import client\n", "bot.platforms.wecom.client"),
    # the worker: not the console (nor the web, nor Flask)
    ("worker/sample.py", "from bot.console.drill import SCALES\n", "bot.console.drill"),
    ("worker/sample.py", "def job():\n    import bot.console\n", "bot.console"),
    ("worker/sample.py", "from bot import console\n", "bot.console"),
    ("worker/sample.py", "from bot.web import api\n", "bot.web"),
    ("worker/sample.py", "import flask\n", "flask"),
    # the domain: no Redis (nor the store, reached relatively)
    ("bot/domain/sample.py", "import redis\n", "redis"),
    ("bot/domain/sample.py", "from redis.asyncio import Redis\n", "redis.asyncio"),
    ("bot/domain/sample.py", "from ..store import cases\n", "bot.store.cases"),
    ("bot/domain/case/sample.py", "from ...platforms import base\n", "bot.platforms.base"),
    # the rest of the table
    ("bot/core/sample.py", "from bot.domain import grade\n", "bot.domain.grade"),
    ("bot/core/sample.py", "import yaml\n", "yaml"),
    ("bot/store/sample.py", "import flask\n", "flask"),
    ("bot/platforms/sample.py", "from bot.domain.grade import Grade\n", "bot.domain.grade"),
    ("bot/web.py", "from handlers import registry\n", "handlers.registry"),
    ("bot/inbox.py", "from worker import jobs\n", "worker.jobs"),
    ("bot/emulator/sample.py", "from bot.core import Event\n", "bot.core"),
    ("bot/console/sample.py", "from bot.platforms import registry\n", "bot.platforms.registry"),
    ("bot/board/views.py", "from bot.platforms import registry\n", "bot.platforms.registry"),
    ("bot/board/views.py", "from bot.emulator import server\n", "bot.emulator.server"),
    # the fetcher: a library, none of the processes' frameworks
    ("bot/fetch/sample.py", "import flask\n", "flask"),
    ("bot/fetch/sample.py", "from rq import Queue\n", "rq"),
    ("bot/fetch/sample.py", "import sqlalchemy\n", "sqlalchemy"),
    ("bot/fetch/sample.py", "from worker import jobs\n", "worker.jobs"),
    # the Redis schedule: no SQL; the shared web/worker modules: no worker, no Flask
    ("bot/schedule/sample.py", "from bot.store import db\n", "bot.store.db"),
    ("bot/inbox.py", "import flask\n", "flask"),
    ("bot/clock_report.py", "from worker import clock\n", "worker.clock"),
    # only the case API may reach the domain from the web side; the worker may not import the Flask API
    ("bot/web.py", "from bot.domain.grade import Grade\n", "bot.domain.grade"),
    ("worker/sample.py", "from bot.intake_api import api\n", "bot.intake_api"),
    ("bot/sample.py", "import json\n", ""),  # a new loose module must be given a layer
    # the figures' files and charts: plain data in, bytes out — never the store or a process's framework
    ("bot/figures/sample.py", "import sqlalchemy\n", "sqlalchemy"),
    ("bot/figures/sample.py", "from bot.store.stats import figures\n", "bot.store.stats"),
    ("bot/figures/sample.py", "from worker import jobs\n", "worker.jobs"),
    ("bot/figures/sample.py", "import redis\n", "redis"),
]


@pytest.mark.parametrize("path, source, module", REFUSED, ids=[f"{p}:{m or 'unclassified'}" for p, _, m in REFUSED])
def test_the_checker_refuses(path, source, module):
    found = violations(source, path)
    assert [v.module for v in found] == [module], found
    assert str(found[0]).startswith(f"{path}:")


ACCEPTED = [
    ("handlers/sample.py",
     "import json\nfrom bot.core import Event\nfrom bot.domain import grade\nfrom . import registry\n"),
    ("bot/domain/sample.py",
     "import chinese_calendar\nfrom .grade import Grade\nfrom bot.core.errors import ConfigError\n"),
    ("worker/sample.py",
     "import rq\nfrom bot.store import db\nfrom handlers import registry\nfrom bot import config\n"),
    ("bot/web.py", "from flask import Blueprint\nfrom bot.store import db\nfrom bot import __version__\n"),
    ("bot/board/views.py", "from flask import Blueprint\nfrom bot.domain import permissions\n"),
    ("bot/board/views.py", "from bot.archive import render\nfrom itsdangerous import URLSafeSerializer\n"
     "from werkzeug.exceptions import BadRequest\nfrom bot.store.board_views import board_cases\n"),
    ("bot/cli/__init__.py", "import click\nfrom worker import jobs\nfrom bot.emulator import server\n"),
    ("worker/sample.py", "from bot.inbox import requeue\nfrom bot.fetch.preview import fetch_preview\n"),
    ("bot/web.py", "from bot.inbox import take\nfrom bot.clock_report import metrics_text\n"),
    ("bot/intake_api.py", "from flask import Blueprint\nfrom bot.domain.grade import Grade\n"),
    ("bot/schedule/sample.py", "import redis\nfrom bot.core import keys\n"),
    ("bot/fetch/sample.py", "import urllib3\nfrom ipaddress import ip_address\n"),
    ("bot/figures/sample.py", "from openpyxl import Workbook\nfrom matplotlib.figure import Figure\n"
     "from bot.archive import Document\nfrom bot.domain.stats import Figures\n"),
]


@pytest.mark.parametrize("path, source", ACCEPTED, ids=[p for p, _ in ACCEPTED])
def test_the_checker_accepts(path, source):
    assert violations(source, path) == []


def test_every_rule_names_known_layers():
    assert set(RULES) == ALL_LAYERS | {"root"}
    for name, r in RULES.items():
        assert r.ours == EVERYTHING or r.ours <= ALL_LAYERS, name


# ---------------------------------------------------------------------------------------- today's tree

def test_the_walk_sees_the_tree():
    seen = {f: {name for _, name in imports((ROOT / f).read_text(encoding="utf-8"), f)} for f in our_files()}
    assert ALL_LAYERS <= {layer_of(module_of(f)) for f in seen}
    domain = set().union(*(names for f, names in seen.items() if f.startswith("bot/domain/")))
    assert {"chinese_calendar", "bot.core.errors"} <= domain  # what the domain may use, seen
    assert sum(map(len, seen.values())) > 1000


def test_every_module_has_a_layer():
    unplaced = [f for f in our_files() if layer_of(module_of(f)) is None]
    assert not unplaced, f"no layer (add to LAYER_OF or LOOSE): {unplaced}"


def test_every_import_follows_the_table():
    found = tree_violations()
    new = [str(v) for v in found if (v.path, v.module) not in KNOWN]
    fixed = sorted(KNOWN - {(v.path, v.module) for v in found})
    report = (["imports the table does not allow:", *new] if new else []) + \
             (["no longer violations — remove them from KNOWN:", *map(str, fixed)] if fixed else [])
    assert not report, "\n".join(report)
