"""The web frame: /healthz reports the database and Redis; oversized bodies are refused."""

import pytest
from flask import request

from bot.app import create_app
from bot.config import load
from bot.localredis import free_port


@pytest.fixture
def make_client(sqlite_database):
    def make(redis_url, **env):
        settings = load({"REDIS_URL": redis_url, **env})
        return create_app(settings, database=sqlite_database).test_client()
    return make


def test_healthz_ok_when_database_and_redis_answer(make_client, redis_url):
    response = make_client(redis_url).get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == {"ok": True}
    assert response.get_json()["redis"] == {"ok": True}


def test_healthz_503_when_redis_is_down(make_client):
    response = make_client(f"redis://127.0.0.1:{free_port()}/0").get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded" and body["redis"]["ok"] is False and body["database"]["ok"] is True


def test_oversized_body_is_413(sqlite_database, redis_url):
    app = create_app(load({"REDIS_URL": redis_url, "MAX_BODY_BYTES": "1000"}), database=sqlite_database)
    app.add_url_rule("/echo", "echo", lambda: request.get_data(), methods=["POST"])
    client = app.test_client()
    assert client.post("/echo", data=b"x" * 999).status_code == 200
    response = client.post("/echo", data=b"x" * 5000)
    assert response.status_code == 413 and response.get_json() == {"error": "payload too large"}


def test_metrics_are_prometheus_text(make_client, redis_url):
    response = make_client(redis_url).get("/metrics")
    assert response.status_code == 200 and b"yuqing_redis_up 1" in response.data
