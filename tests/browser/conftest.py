"""Browser tests: Playwright (sync API) driving Debian's chromium against a demo-like stack.

The stack is the integration tests' (emulators, the web app over real HTTP, a real worker) with
the console installed, as ``yuqing demo`` does. No browser is downloaded: chromium comes from apt
(``apt-get install -y chromium``); ``CHROMIUM`` may point elsewhere. Without playwright or
chromium the tests skip with the reason — and fail instead when CI=true or YUQING_TEST_STRICT=1.
Screenshots are kept under ``var/test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from bot.console import install
from tests.support.services import strict

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _missing() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright; no browser download needed)"
    if _chromium() is None:
        return "chromium is not installed (apt-get install -y chromium, or set CHROMIUM)"
    return ""


@pytest.fixture(scope="session")
def chromium():
    """A headless chromium for the whole session (Playwright gives it a fresh temporary profile)."""
    reason = _missing()
    if reason:
        if strict():
            pytest.fail(f"strict mode: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium):
    """A fresh browser context (no cookies, no cache) for one test."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def stack(redis_url, tmp_path):
    """The product as ``yuqing demo`` runs it: emulators, web, a real worker, and the console."""
    from tests.integration.stack import Stack

    running = Stack(redis_url, tmp_path)
    install(running._web.app, running.emulator.url)
    yield running
    running.stop()


@pytest.fixture
def console_url(stack):
    """The console's address (the demo's layout: console and callbacks on one app)."""
    return stack.url + "/"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the item, so fixtures can keep evidence of a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def failed(request) -> bool:
    """Whether the test of ``request`` failed in its call phase."""
    report = getattr(request.node, "report_call", None)
    return bool(report and report.failed)


@pytest.fixture
def artifacts(request) -> Path:
    """The folder for this test's screenshots."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def console(request, browser, console_url, artifacts, stack):
    """The console open in a fresh tab, acting as the default person (the desk's 李干事); on a
    failure the page, its HTML and the worker's log are kept with the screenshots."""
    from tests.browser.console_page import ConsolePage

    page = browser.new_page()
    network: list[str] = []
    started = time.monotonic()
    page.on("requestfinished", lambda r: network.append(f"{time.monotonic() - started:7.2f} done {r.method} {r.url}"))
    page.on("requestfailed", lambda r: network.append(f"{time.monotonic() - started:7.2f} FAILED {r.url} {r.failure}"))
    page.on("console", lambda m: network.append(f"{time.monotonic() - started:7.2f} console {m.type}: {m.text}"))
    yield ConsolePage(page, console_url, artifacts).open()
    if failed(request):
        (artifacts / "network.log").write_text("\n".join(network), encoding="utf-8")
        report = request.node.report_call
        sections = "\n\n".join(f"--- {name}\n{text}" for name, text in report.sections)
        (artifacts / "failure.txt").write_text(f"{report.longreprtext}\n\n{sections}", encoding="utf-8")
        page.screenshot(path=str(artifacts / "failure.png"), full_page=True)
        (artifacts / "failure.html").write_text(page.content(), encoding="utf-8")
        (artifacts / "worker.log").write_text(stack.worker_log(), encoding="utf-8")
    page.close()
