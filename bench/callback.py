"""Ack latency of callbacks through gunicorn: the product against a verify-decrypt-answer baseline.

Requests (half encrypted WeCom app texts, half signed DingTalk robot messages) are sealed ahead of
time with the emulators' own helpers, then sent from loopback at a sustained rate and as a burst,
first to the baseline (bench/_baseline_app.py), then to ``bot.app:create_app()`` — both under the
same gunicorn settings as ``yuqing serve``, against a private redis-server. Prints p50/p99/max of
each phase for both apps, and last one line of ratios.

    .venv/bin/python bench/callback.py            # small: 50/s for 5 s, burst 200 in 1 s
    .venv/bin/python bench/callback.py --full     # the issue's: 100/s for 30 s, burst 1,000 in 1 s
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness
from _harness import Prepared, ms, percentile


def wecom_request(env: dict, userid: str, text: str, now: int) -> Prepared:
    """An encrypted, signed WeCom app text callback (bot/emulator/wecom/callbacks.py)."""
    from bot.emulator.wecom import callbacks
    from bot.emulator.wecom.crypto import CallbackCipher

    cipher = CallbackCipher(env["WECOM_TOKEN"], env["WECOM_AES_KEY"], env["WECOM_CORP_ID"])
    fields = [("MsgType", "text"), ("Content", text), ("MsgId", int(callbacks.app_message_id()))]
    plain = callbacks.app_xml(env["WECOM_CORP_ID"], env["WECOM_AGENT_ID"], userid, now, fields)
    sealed = callbacks.seal_app(cipher, plain, env["WECOM_CORP_ID"], env["WECOM_AGENT_ID"], now)
    return Prepared("POST", sealed.url("/wecom/callback"), {"Content-Type": sealed.content_type}, sealed.body)


def dingtalk_request(env: dict, userid: str, text: str, now_ms: int) -> Prepared:
    """A signed DingTalk robot message (1:1), shaped as bot/emulator/dingtalk/actor.py sends it."""
    from bot.emulator.dingtalk.actor import oto_conversation_id
    from bot.emulator.dingtalk.signing import robot_sign

    body = {"msgId": "msg" + secrets.token_urlsafe(16), "createAt": now_ms, "conversationType": "1",
            "conversationId": oto_conversation_id(env["DINGTALK_APP_KEY"], userid),
            "senderStaffId": userid, "senderNick": userid, "robotCode": env["DINGTALK_ROBOT_CODE"],
            "sessionWebhook": "http://127.0.0.1:9/robot/sendBySession?session=bench",
            "sessionWebhookExpiredTime": now_ms + 3600_000, "msgtype": "text", "text": {"content": text}}
    headers = {"Content-Type": "application/json", "timestamp": str(now_ms),
               "sign": robot_sign(str(now_ms), env["DINGTALK_APP_SECRET"])}
    return Prepared("POST", "/dingtalk/robot", headers, json.dumps(body, ensure_ascii=False).encode())


def prepare(env: dict, count: int) -> list[Prepared]:
    """``count`` distinct requests, alternating WeCom and DingTalk."""
    now = time.time()
    return [wecom_request(env, "zhangsan", "帮助", int(now)) if i % 2 == 0
            else dingtalk_request(env, "lisi", "帮助", int(now * 1000)) for i in range(count)]


def measure(app: str, env: dict, args, log: Path, pythonpath: str = "") -> dict:
    """Sustained phase then burst phase against one app; its latency lists and failures."""
    port = harness.free_port()
    proc = harness.start_gunicorn(app, env, port, log, workers=args.workers, pythonpath=pythonpath)
    try:
        warm = harness.run_load(port, prepare(env, 40), rate=40)
        sustained = harness.run_load(port, prepare(env, int(args.rate * args.seconds)), rate=args.rate,
                                     limit=args.seconds + 30)
        time.sleep(1)
        burst = harness.run_load(port, prepare(env, args.burst), rate=args.burst / args.burst_seconds,
                                 threads=args.burst_threads, limit=args.burst_seconds + 30)
        rss = harness.peak_rss_mb(proc.pid)
    finally:
        harness.stop_process(proc)
    return {"sustained": sustained, "burst": burst, "warm_failures": len(warm.failures), "rss": rss}


def row(name: str, phase: str, res) -> str:
    lat = res.latencies
    return (f"{name:<9} {phase:<10} {len(lat):>6} {len(res.failures):>5} {ms(percentile(lat, 50)):>8} "
            f"{ms(percentile(lat, 99)):>8} {ms(max(lat) if lat else 0):>8}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the issue's sizes: 100/s × 30 s, burst 1,000")
    parser.add_argument("--rate", type=float, default=50.0, help="sustained requests per second")
    parser.add_argument("--seconds", type=float, default=5.0, help="sustained phase length")
    parser.add_argument("--burst", type=int, default=200, help="requests in the burst")
    parser.add_argument("--burst-seconds", type=float, default=1.0, help="the burst's length")
    parser.add_argument("--burst-threads", type=int, default=100, help="client connections in the burst")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (yuqing serve's default)")
    args = parser.parse_args(argv)
    if args.full:
        args.rate, args.seconds, args.burst = 100.0, 30.0, 1000
    from bot.store import upgrade

    harness.VAR.mkdir(parents=True, exist_ok=True)
    redis = harness.private_redis()
    try:
        db = harness.VAR / "callback.db"
        for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            stale.unlink(missing_ok=True)
        env = harness.base_env(redis.url, f"sqlite:///{db}")
        upgrade(env["DATABASE_URL"])  # the product keeps each accepted event in it (bot/store/accepted.py)
        log = harness.VAR / "callback-gunicorn.log"
        load = [os.getloadavg()[0]]
        base = measure("_baseline_app:create_app()", env, args, log, pythonpath=str(harness.ROOT / "bench"))
        prod = measure("bot.app:create_app()", env, args, log)
        load.append(os.getloadavg()[0])
    finally:
        redis.stop()
    print(f"callback ack latency — sustained {args.rate:g}/s × {args.seconds:g} s, burst {args.burst} in "
          f"{args.burst_seconds:g} s; gunicorn gthread {args.workers}×8; times in ms from scheduled send")
    print(f"{'app':<9} {'phase':<10} {'n':>6} {'fail':>5} {'p50':>8} {'p99':>8} {'max':>8}")
    for name, res in (("baseline", base), ("product", prod)):
        print(row(name, "sustained", res["sustained"]))
        print(row(name, "burst", res["burst"]))
    print(f"peak RSS of a gunicorn process: baseline {base['rss']:.0f} MB, product {prod['rss']:.0f} MB; "
          f"load average (1 min, 2 cores shared) {load[0]:.1f} at the start, {load[1]:.1f} at the end")
    ratios = []
    for phase in ("sustained", "burst"):
        b, p = base[phase].latencies, prod[phase].latencies
        for label, q in (("p50", 50), ("p99", 99)):
            ratios.append(f"{phase} {label} {percentile(p, q) / max(percentile(b, q), 1e-9):.2f}")
    worst = max(prod["burst"].latencies or [0])
    print("ratios (product/baseline): " + ", ".join(ratios) + f"; burst max {ms(worst)} ms (target < 1000)")


if __name__ == "__main__":
    main()
