"""``yuqing demo``: the whole product on one machine with embedded defaults.

Starts (or finds) Redis, migrates a SQLite database under ``var/``, loads the sample organisation,
starts both emulators, the web app with the console, and a worker with its scheduler; prints the
console's address; Ctrl-C stops everything and leaves no process behind.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
from pathlib import Path

from werkzeug.serving import make_server

from bot import config as config_module
from bot.localredis import LocalRedis, find_or_start

log = logging.getLogger(__name__)

# Demo credentials: the emulators accept exactly these; they are not secrets of any real bureau.
DEMO_ENV = {
    "WECOM_CORP_ID": "wwdemo0000000000",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "demo-wecom-secret",
    "WECOM_TOKEN": "demotoken",
    "WECOM_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "WECOM_AIBOT_TOKEN": "demoaibottoken",
    "WECOM_AIBOT_AES_KEY": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq",
    "DINGTALK_APP_KEY": "dingdemoappkey",
    "DINGTALK_APP_SECRET": "demo-dingtalk-app-secret",
    "DINGTALK_ROBOT_CODE": "dingdemoappkey",
    "DINGTALK_CARD_TEMPLATE_ID": "yuqing-generic.schema",
    "DINGTALK_CARD_ROUTE_KEY": "yuqing-card",
    "DINGTALK_CARD_CALLBACK_SECRET": "demo-card-callback-secret",
    "DINGTALK_AGENT_ID": "3000001",
    "API_TOKENS": "demo-monitoring-token=u-desk",
    **{f"WECOM_HOOK_{name}": f"demo-hook-{name.lower()}" for name in
       ("DESK", "FOOD", "DRUG", "QUALITY", "CONSUMER", "REG", "COMPLAINTS", "COUNTY_B")},
}


# The smart bot in long-connection mode (issue 12): on when WECOM_AIBOT_ID or WECOM_AIBOT_SECRET is set
# before `yuqing demo`; then the callback mode's variables are left out and a connector is started.
DEMO_WS_ENV = {"WECOM_AIBOT_ID": "aibot-yuqing-demo", "WECOM_AIBOT_SECRET": "demo-aibot-secret"}
CALLBACK_MODE = ("WECOM_AIBOT_TOKEN", "WECOM_AIBOT_AES_KEY")


def aibot_longconn() -> bool:
    """Whether the demo runs the smart bot over its long connection (see DEMO_WS_ENV)."""
    return bool(os.environ.get("WECOM_AIBOT_ID") or os.environ.get("WECOM_AIBOT_SECRET"))


def demo_env() -> dict[str, str]:
    """The demo's defaults: DEMO_ENV, or with the long connection instead of the callback mode."""
    if not aibot_longconn():
        return dict(DEMO_ENV)
    return {**{k: v for k, v in DEMO_ENV.items() if k not in CALLBACK_MODE}, **DEMO_WS_ENV}


# The board's operator (BOARD_TOKENS): the desk's liaison, who forwards links and keeps the cases.
BOARD_OPERATOR = "p-li"


def board_env(environ) -> dict[str, str]:
    """The board's settings for a demo run: a fresh secret key and one operator token, unless already set."""
    found = {}
    if not environ.get("BOARD_SECRET_KEY"):
        found["BOARD_SECRET_KEY"] = secrets.token_urlsafe(32)
    if not environ.get("BOARD_TOKENS"):
        found["BOARD_TOKENS"] = f"demo-{secrets.token_urlsafe(12)}={BOARD_OPERATOR}"
    return found


def _idp_env(emulator_url: str, corp_id: str) -> dict[str, str]:
    """The identity providers of the board's sign-in: the emulators (they play WeCom's and DingTalk's login)."""
    return {"WECOM_OPEN_BASE": emulator_url, "WECOM_LOGIN_BASE": emulator_url, "DINGTALK_LOGIN_BASE": emulator_url,
            "DINGTALK_JSAPI_URL": f"{emulator_url}/dingtalk-jsapi.js", "DINGTALK_CORP_ID": corp_id}


def _prepare_env(redis_url: str, emulator_url: str, web_url: str, ws_url: str = "",
                 dingtalk_corp_id: str = "") -> dict[str, str]:
    env = {**demo_env(), **os.environ}
    env.update(board_env(env))
    if aibot_longconn():
        env["WECOM_AIBOT_WS_URL"] = ws_url
    env.update(
        REDIS_URL=redis_url,
        DATABASE_URL=f"sqlite:///{config_module.ROOT / 'var' / 'demo.db'}",
        ANCHOR_FILE=str(config_module.ROOT / "var" / "demo-anchors.txt"),  # beside demo.db, never mixed with real ones
        ORG_FILE=str(config_module.ROOT / "examples" / "org.yaml"),
        WECOM_API_BASE=emulator_url, DINGTALK_OAPI_BASE=emulator_url, DINGTALK_API_BASE=emulator_url,
        PUBLIC_BASE_URL=web_url, RECONCILE_INTERVAL=env.get("RECONCILE_INTERVAL", "10"),
        WORKER_TTL="30", MAINTENANCE_INTERVAL="30",
    )
    env.update(_idp_env(emulator_url, env.get("DINGTALK_CORP_ID") or dingtalk_corp_id))
    for name, value in env.items():
        os.environ[name] = value
    return env


def _load_org(settings) -> None:
    from bot.core.clock import utcnow
    from bot.org.file import parse_org_file
    from bot.store import Database, upgrade
    from bot.store.org_repo import apply_organisation

    upgrade(settings.database_url)
    database = Database(settings.database_url)
    with database.session() as session:
        apply_organisation(session, parse_org_file(settings.get("ORG_FILE")), utcnow())
    database.dispose()


def _start_worker(env: dict[str, str], command: str = "worker") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", command], env=env, cwd=str(config_module.ROOT))


def run_demo(host: str = "127.0.0.1", port: int = 0) -> None:
    """Run everything until Ctrl-C (SIGINT) or SIGTERM."""
    from bot.app import create_app
    from bot.console import install as install_console
    from bot.emulator import Directory, EmulatorServer
    from bot.logconfig import configure_logging

    configure_logging("INFO")
    Path(config_module.ROOT / "var").mkdir(exist_ok=True)
    local: LocalRedis = find_or_start(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    stoppers = [local.stop]
    worker = connector = None
    try:
        for name, value in demo_env().items():
            os.environ.setdefault(name, value)
        emulator = EmulatorServer(os.environ, Directory.from_org_file(config_module.ROOT / "examples" / "org.yaml"), host)
        emulator.start()
        stoppers.insert(0, emulator.stop)
        web_server = make_server(host, port, None, threaded=True)
        web_url = f"http://{host}:{web_server.server_port}"
        env = _prepare_env(local.url, emulator.url, web_url, emulator.wecom.ws_url, emulator.dingtalk.corp_id)
        emulator.set_bot_url(web_url)
        settings = config_module.load(env)
        _load_org(settings)
        app = create_app(settings)
        install_console(app, emulator.url)
        app.extensions["yuqing.demo"] = {"控制台": web_url + "/", "案件看板": web_url + "/board",
                                         "模拟器": emulator.url,
                                         "Redis": f"{local.kind} ({local.url})", "数据库": settings.database_url}
        web_server.app = app
        threading.Thread(target=web_server.serve_forever, name="web", daemon=True).start()
        stoppers.insert(0, web_server.shutdown)
        worker = _start_worker(env)
        if aibot_longconn():
            connector = _start_worker(env, "wecom-connect")
        print(f"\n舆情助手演示已启动 / yuqing demo is running\n  控制台 console: {web_url}/\n"
              f"  案件看板 board: {web_url}/board (operator token 值班令牌: {_operator_token(settings)})\n"
              f"  模拟器 emulator: {emulator.url}\n  Redis: {local.kind}\n按 Ctrl-C 停止 / Ctrl-C stops everything\n",
              flush=True)
        _wait_for_signal(worker)
    finally:
        _stop_worker(connector)
        _stop_worker(worker)
        for stop in stoppers:
            try:
                stop()
            except Exception:  # noqa: BLE001 - keep stopping the rest, whatever one part does
                log.exception("while stopping the demo")


def _operator_token(settings) -> str:
    """The operator's board token to print at start: only one the demo made (``demo-…``), never one set by hand."""
    return next((token for token, person in settings.board_tokens.items()
                 if person == BOARD_OPERATOR and token.startswith("demo-")), "BOARD_TOKENS 已自行设置")


def _wait_for_signal(worker: subprocess.Popen) -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(1):
        if worker.poll() is not None:
            log.error("the worker stopped (exit %s); stopping the demo", worker.returncode)
            return


def _stop_worker(worker: subprocess.Popen | None) -> None:
    if worker is None or worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
