"""The whole product for integration tests: emulators, the web app over real HTTP, a real worker.

``Stack`` starts the emulator server, the web app (werkzeug, threaded) and one ``yuqing worker``
subprocess against this test run's Redis and a migrated SQLite database with the sample org loaded.
``wait_for`` polls a condition (for work another process does); nothing else waits.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from werkzeug.serving import make_server

from bot import config as config_module
from bot.app import create_app
from bot.core.clock import utcnow
from bot.demo import DEMO_ENV
from bot.emulator import Directory, EmulatorServer
from bot.org.file import parse_org_file
from bot.store import Database, upgrade
from bot.store.org_repo import apply_organisation
from tests.support.digest_policy import stack_files
from tests.support.workers import spawn_worker, stop_workers

ROOT = config_module.ROOT
SAMPLE_ORG = ROOT / "examples" / "org.yaml"


def wait_for(condition: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    """Poll ``condition`` until it returns something truthy; raises AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


class Stack:
    """Emulators + web + worker, configured for both platforms with the demo credentials."""

    def __init__(self, redis_url: str, folder: Path, extra_env: dict[str, str] | None = None,
                 database_url: str | None = None, org_file: Path = SAMPLE_ORG, emulator_extras=()) -> None:
        """``org_file``: another org file than the sample; ``emulator_extras``: other platforms' emulators
        served beside WeCom's and DingTalk's (their ``base_url_variables`` point at the emulator)."""
        self.folder = folder
        self.env = {**os.environ, **DEMO_ENV, **(extra_env or {})}
        self.env.update(stack_files(folder, self.env))  # digests off, or due at start (tests/support/digest_policy.py)
        self.env.update(REDIS_URL=redis_url, DATABASE_URL=database_url or f"sqlite:///{folder / 'stack.db'}",
                        ORG_FILE=str(org_file), LOG_LEVEL="INFO")
        self.env.setdefault("ANCHOR_FILE", str(folder / "anchors.txt"))  # the daily digest's anchors (issue 24)
        self.emulator = EmulatorServer(self.env, Directory.from_org_file(org_file, self.env),
                                       extras=emulator_extras).start()
        extra_bases = [name for extra in emulator_extras for name in getattr(extra, "base_url_variables", ())]
        for name in ("WECOM_API_BASE", "DINGTALK_OAPI_BASE", "DINGTALK_API_BASE", *extra_bases):
            self.env[name] = self.emulator.url
        if self.env.get("WECOM_AIBOT_SECRET"):  # the smart bot's long connection (extra_env)
            self.env["WECOM_AIBOT_WS_URL"] = self.emulator.wecom.ws_url
        self._web = make_server("127.0.0.1", 0, None, threaded=True)
        self.url = f"http://127.0.0.1:{self._web.server_port}"
        self.env["PUBLIC_BASE_URL"] = self.url
        self.emulator.set_bot_url(self.url)
        self.settings = config_module.load(self.env)
        upgrade(self.settings.database_url)
        self.database = Database(self.settings.database_url)
        with self.database.session() as session:
            apply_organisation(session, parse_org_file(org_file), utcnow())
        self._web.app = create_app(self.settings, database=self.database)
        threading.Thread(target=self._web.serve_forever, name="stack-web", daemon=True).start()
        self.worker = spawn_worker(self.env, folder / "worker.log")

    def worker_log(self) -> str:
        """What the worker printed so far (for assertion messages)."""
        return (self.folder / "worker.log").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the worker, the web server and the emulators."""
        stop_workers([self.worker], timeout=0.3)  # the test is over: no job's end nor RQ's idle dequeue (~3 s) is waited for
        self._web.shutdown()
        self.emulator.stop()
        self.database.dispose()


def running_stack(redis_service, tmp_path_factory, name: str) -> Iterator[Stack]:
    """A module's Stack over the run's Redis (emptied first), in a fresh folder named ``name``; stopped after."""
    redis_service.reset()
    running = Stack(redis_service.url, tmp_path_factory.mktemp(name))
    yield running
    running.stop()
