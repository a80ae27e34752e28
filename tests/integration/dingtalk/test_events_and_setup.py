"""The encrypted event subscription answers the encrypted "success"; register-callback registers our route."""

from __future__ import annotations

import subprocess
import sys

import redis
import requests

from bot.config import ROOT
from bot.platforms.dingtalk.routes import register_card_callback


def test_check_url_is_answered_with_the_encrypted_success_under_either_signature_name(events_stack):
    dt = events_stack.emulator.dingtalk
    for name in ("msg_signature", "signature"):
        delivery = dt.check_url(signature_param=name)
        assert delivery.answered, delivery.attempts


def test_an_event_is_acknowledged_and_enqueues_nothing(events_stack):
    dt = events_stack.emulator.dingtalk
    delivery = dt.push_event({"EventType": "user_add_org", "UserId": ["0523"], "CorpId": dt.corp_id})
    assert delivery.answered and len(delivery.attempts) == 1
    conn = redis.Redis.from_url(events_stack.settings.redis_url)
    assert not list(conn.scan_iter("yq:dedup:*"))


def test_an_event_with_a_wrong_signature_is_403(events_stack):
    resp = requests.post(events_stack.url + "/dingtalk/events", json={"encrypt": "abc"}, timeout=5,
                         params={"msg_signature": "0" * 40, "timestamp": "1", "nonce": "n"})
    assert resp.status_code == 403


def test_register_callback_points_the_route_key_at_our_card_route(stack):
    dt = stack.emulator.dingtalk
    env = {**stack.env, "PUBLIC_BASE_URL": "https://bot.example.org/"}
    route = register_card_callback(env)
    assert route == {"callbackRouteKey": "yuqing-card", "callbackUrl": "https://bot.example.org/dingtalk/card"}
    assert dt.card_route("yuqing-card") == {"callbackUrl": "https://bot.example.org/dingtalk/card",
                                            "apiSecret": stack.env["DINGTALK_CARD_CALLBACK_SECRET"]}


def test_the_register_callback_command_succeeds_against_the_emulator(stack):
    done = subprocess.run([sys.executable, "-m", "bot.cli", "dingtalk", "register-callback"], env=stack.env,
                          cwd=str(ROOT), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"{stack.url}/dingtalk/card" in done.stdout
    assert stack.emulator.dingtalk.card_route("yuqing-card")["callbackUrl"] == f"{stack.url}/dingtalk/card"


def test_the_register_callback_command_without_dingtalk_is_a_configuration_error(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "dingtalk", "register-callback"], env=env,
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "DingTalk is not configured" in done.stderr
