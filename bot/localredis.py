"""A Redis for one machine: the configured one if it answers, else a private ``redis-server``,
else the embedded fake server (fakeredis's TCP server with its Lua extra). Used by the demo and tests."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Callable

import redis

log = logging.getLogger(__name__)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    """Whether a Redis server answers PING at ``url``."""
    try:
        conn = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(conn.ping())
        finally:
            conn.close()
    except (redis.RedisError, ValueError):
        return False


@dataclass
class LocalRedis:
    """A Redis to use: its ``url``, what ``kind`` it is (configured, private, fake), and how to stop it."""

    url: str
    kind: str
    stop: Callable[[], None] = lambda: None


def start_private(port: int | None = None) -> LocalRedis:
    """Start ``redis-server`` on a free port with no persistence; raises FileNotFoundError without the binary."""
    binary = shutil.which("redis-server")
    if not binary:
        raise FileNotFoundError("redis-server is not installed")
    port = port or free_port()
    folder = tempfile.mkdtemp(prefix="yq-redis-")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if answers(url):
            return LocalRedis(url, "private", stop)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    stop()
    raise RuntimeError(f"redis-server did not start on port {port}")


def start_fake(port: int | None = None) -> LocalRedis:
    """Serve fakeredis over TCP from a thread (no real Redis needed; slower, for laptops only)."""
    from fakeredis import TcpFakeServer

    port = port or free_port()
    server = TcpFakeServer(("127.0.0.1", port), server_type="redis")
    thread = threading.Thread(target=server.serve_forever, name="fake-redis", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return LocalRedis(f"redis://127.0.0.1:{port}/0", "fake", stop)


def find_or_start(url: str) -> LocalRedis:
    """The Redis at ``url`` if it answers, else a private server, else the fake one (with a warning)."""
    if url and answers(url):
        return LocalRedis(url, "configured")
    try:
        return start_private()
    except FileNotFoundError:
        log.warning("没有可用的 Redis：使用内置的 fakeredis（仅供演示） / no Redis found: using embedded fakeredis")
        return start_fake()
