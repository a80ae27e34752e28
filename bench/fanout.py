"""The 特别重大 fan-out: one case graded 特别重大 and assigned to many units at once, half of them on
WeCom and half on DingTalk — the sample organisation (examples/org.yaml: its leaders and its desk)
scaled up to ``--units`` units of ``--people`` people in all (a head, two liaisons, members).

First it prints what the design calls for and the floor the platforms' batch and rate limits allow:
the messages (per DingTalk unit one group card; per WeCom unit one group notice and one 1:1 card per
liaison; the leaders' bulletins; plus what the product also sends: a DingTalk liaison's 1:1 card),
the fewest API calls and the least time the limits allow. Then it measures through the product's
real paths — the web app under gunicorn, a real ``yuqing worker``, the emulators in this process
with their platform limits switched on (DingTalk 20 calls/s per API, WeCom app 30 messages/min per
member, WeCom group robot 20/min): the case is opened through ``POST /api/v1/cases``, the desk
(李干事, DingTalk) types ``定级 YQ-… 特别重大 <理由>``, then ``分派 YQ-… <all the unit names>``.
It counts the calls the emulators received (by API and by recipient), the time from each command
being accepted to its last message delivered, and the peak RSS of web and worker.

    .venv/bin/python bench/fanout.py            # 8 units, 80 people
    .venv/bin/python bench/fanout.py --full     # the issue's 40 units, 400 people
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import math
import os
import sqlite3
import sys
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness
from flow import Product, wait

DESK_USER = "0524"  # 李干事, the desk's liaison, on DingTalk
API_TOKEN = "demo-monitoring-token"
LIAISONS = 2
DINGTALK_QPS = 20  # calls a second per app and API (DingTalk's standard limit)
WECOM_MEMBER_PER_MINUTE = 30  # app messages a minute per member (WeCom)
WECOM_ROBOT_PER_MINUTE = 20  # group robot messages a minute per robot (WeCom)
PLACES = [a + b for b in "城关山湖河桥林港" for a in "东西南北中"]


@dataclass
class Unit:
    """A generated unit: where its group is, its liaisons' ids on that platform, its head."""

    id: str
    name: str
    platform: str
    group: str  # WeCom webhook key or DingTalk open conversation id
    liaisons: list[str]
    head: str
    leader: str


@dataclass
class Org:
    """The generated organisation: its file, the environment it needs, its units and its leaders."""

    path: Path
    env: dict
    units: list[Unit]
    leaders: dict[str, tuple[str, str]] = field(default_factory=dict)  # role → (platform, user id)


def write_org(path: Path, units: int, people: int) -> Org:
    """The sample organisation's leaders, desk and admin, plus ``units`` generated units sharing
    ``people`` people (a head, liaisons, members), even units on WeCom, odd ones on DingTalk."""
    sample = yaml.safe_load((harness.ROOT / "examples" / "org.yaml").read_text(encoding="utf-8"))
    keep = {"p-zhao", "p-qian", "p-wu", "p-zheng", "p-wang", "p-sun", "p-li", "p-chen", "p-ops"}
    persons = [p for p in sample["people"] if p["id"] in keep]
    desk = next(u for u in sample["units"] if u.get("desk"))
    in_charge = ["p-wu", "p-zheng", "p-wang", "p-qian"]
    per_unit = max(LIAISONS + 1, people // units)
    env, made, out_units = {"WECOM_HOOK_DESK": "fanout-hook-desk"}, [], [desk]
    for i in range(units):
        platform = "wecom" if i % 2 == 0 else "dingtalk"
        name = (PLACES[i] if i < len(PLACES) else f"第{i + 1}") + "市场监督管理所"
        ids = []
        for j in range(per_unit):
            pid = f"p-f{i:02d}-{j:02d}"
            role = "所长" if j == 0 else "联络员" if j <= LIAISONS else "干事"
            person = {"id": pid, "name": f"{name[:2]}{role}{j:02d}"}
            person[platform] = f"f{i:02d}u{j:02d}" if platform == "wecom" else f"9{i:03d}{j:02d}"
            persons.append(person)
            ids.append((pid, person[platform]))
        if platform == "wecom":
            var, group = f"WECOM_HOOK_F{i:02d}", f"fanout-hook-{i:02d}"
            env[var] = group
            groups = {"wecom": {"webhook_key": f"${{{var}}}", "aibot_chatid": f"wrFan{i:02d}"}}
        else:
            group = f"cidFan{i:02d}=="
            groups = {"dingtalk": {"open_conversation_id": group}}
        leader = in_charge[i % len(in_charge)]
        out_units.append({"id": f"u-f{i:02d}", "name": name, "kind": "affiliate", "head": ids[0][0],
                          "liaisons": [pid for pid, _ in ids[1:LIAISONS + 1]],
                          "members": [pid for pid, _ in ids[LIAISONS + 1:]], "leader_in_charge": leader,
                          "groups": groups})
        made.append(Unit(f"u-f{i:02d}", name, platform, group, [uid for _, uid in ids[1:LIAISONS + 1]],
                         ids[0][1], leader))
    data = {"bureau": sample["bureau"], "people": persons, "units": out_units}
    path.write_text("# Generated by bench/fanout.py (the sample organisation scaled up)\n"
                    + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    by_id = {p["id"]: p for p in persons}

    def reach(pid: str) -> tuple[str, str]:
        p = by_id[pid]
        platform = p.get("prefer") or ("wecom" if p.get("wecom") else "dingtalk")
        return platform, str(p[platform])

    leaders = {"main_leader": reach("p-zhao"), "publicity_leader": reach("p-qian")}
    return Org(path, env, made, leaders)


# --- what the design calls for, and the floor -----------------------------------------------------

@dataclass
class Floor:
    """Messages by kind, and the fewest calls (per API) and least time the platforms allow."""

    messages: list[tuple[str, int]]
    calls: Counter
    seconds: float
    product_calls: Counter  # one call per message, as the product's outbox addresses them


def floor(org: Org) -> Floor:
    """The design's messages and their floor.

    * DingTalk unit: the group's interactive card; the same card 1:1 to each liaison (requirements §2;
      the issue counts only the group card). ``createAndDeliver`` takes several spaces in one call
      (``dtv1.card//IM_GROUP.<cid>;IM_ROBOT.<userid>…``, one card instance that every holder sees
      change), so the floor is **one call per unit**.
    * WeCom unit: the group robot's notice (one ``webhook/send``, one per robot: under 20/min) and
      one app card per liaison (``message/send``; one call each — each copy needs its own single-use
      ``response_code`` to be updated after 签收).
    * Leaders (graded before the units are assigned: the main and the publicity leader): the main
      leader's bulletin with 签收, the others' without buttons (WeCom: one call each; DingTalk
      button-less: ``batchSend``, 20 people a call).
    * Time: DingTalk allows 20 calls a second per API: n ``createAndDeliver`` calls need
      ceil(n/20) − 1 s; WeCom's limits (30/min per member, 20/min per robot) are not reached by one
      message per member or robot.
    """
    dt = [u for u in org.units if u.platform == "dingtalk"]
    wc = [u for u in org.units if u.platform == "wecom"]
    dt_liaisons = sum(len(u.liaisons) for u in dt)
    wc_liaisons = sum(len(u.liaisons) for u in wc)
    leaders = list(org.leaders.values())
    messages = [("DingTalk group cards", len(dt)), ("DingTalk liaisons' 1:1 cards", dt_liaisons),
                ("WeCom group notices", len(wc)), ("WeCom liaisons' 1:1 cards", wc_liaisons),
                ("leaders' bulletins", len(leaders))]
    calls, product = Counter(), Counter()
    calls["createAndDeliver"] += len(dt)
    product["createAndDeliver"] += len(dt) + dt_liaisons
    calls["webhook/send"] += len(wc)
    product["webhook/send"] += len(wc)
    calls["message/send"] += wc_liaisons
    product["message/send"] += wc_liaisons
    main_platform = org.leaders["main_leader"][0]
    others = [p for p, _ in leaders[1:]]
    for c in (calls, product):
        c["message/send" if main_platform == "wecom" else "createAndDeliver"] += 1
        c["message/send"] += others.count("wecom")
        c["batchSend"] += math.ceil(others.count("dingtalk") / 20)
    seconds = max(0, math.ceil(calls["createAndDeliver"] / DINGTALK_QPS) - 1)
    return Floor(messages, +calls, seconds, +product)


# --- what the emulators receive --------------------------------------------------------------------

AUTH = ("gettoken", "accessToken")


class CallLog:
    """WSGI middleware around the emulators: every platform API call with its time, status and body."""

    def __init__(self, app) -> None:
        self.app, self.calls, self._lock = app, [], threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_emulator"):
            return self.app(environ, start_response)
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size) if size else b""
        environ["wsgi.input"] = io.BytesIO(body)
        status = []

        def start(code, headers, exc_info=None):
            status.append(int(code.split()[0]))
            return start_response(code, headers, exc_info)

        answer = b"".join(self.app(environ, start))
        with self._lock:
            self.calls.append({"t": time.perf_counter(), "method": environ["REQUEST_METHOD"], "path": path,
                               "query": environ.get("QUERY_STRING", ""), "status": status[0] if status else 0,
                               "body": body, "answer": answer})
        return [answer]

    def since(self, t0: float) -> list[dict]:
        with self._lock:
            return [c for c in self.calls if c["t"] >= t0]


def api_name(call: dict) -> str:
    """A short name for a call's API: the last path segment, ``PUT card`` for a card update."""
    if call["method"] == "PUT":
        return "PUT card/instances"
    parts = call["path"].rstrip("/").split("/")
    return "/".join(parts[-2:]) if parts[-1] in ("send", "batchSend") else parts[-1]


def refused(call: dict) -> bool:
    """The platform refused the call (HTTP error, or a WeCom/DingTalk ``errcode`` other than 0)."""
    if call["status"] >= 400:
        return True
    try:
        return int(json.loads(call["answer"] or b"{}").get("errcode", 0)) != 0
    except (ValueError, AttributeError):
        return False


def recipients(call: dict) -> list[str]:
    """Who a send call addresses: group keys / conversation ids and user ids."""
    try:
        body = json.loads(call["body"] or b"{}")
    except ValueError:
        body = {}
    query = parse_qs(call["query"])
    path = call["path"]
    if path.endswith("webhook/send"):
        return query.get("key", [])
    if path.endswith("message/send"):
        return str(body.get("touser", "")).split("|")
    if path.endswith("createAndDeliver"):
        spaces = str(body.get("openSpaceId", "")).removeprefix("dtv1.card//").split(";")
        return [s.split(".", 1)[1] for s in spaces if "." in s]
    if path.endswith("batchSend"):
        return list(body.get("userIds") or [])
    if path.endswith("groupMessages/send"):
        return [body.get("openConversationId", "")]
    return []


def classify(org: Org, call: dict) -> str:
    """Which part of the fan-out a call belongs to."""
    who = set(recipients(call))
    groups = {u.group for u in org.units}
    liaisons = {x for u in org.units for x in u.liaisons}
    if who & groups:
        return "unit groups"
    if who & liaisons:
        return "unit liaisons"
    if who & {uid for _, uid in org.leaders.values()}:
        return "leaders"
    return "the desk and others"


# --- the run -----------------------------------------------------------------------------------------

def outbox_busy(database_url: str) -> int:
    """Outbox rows not yet sent or failed."""
    path = database_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
        return db.execute("select count(*) from outbox where state in ('pending', 'sending')").fetchone()[0]


def missing(product: Product, org: Org, number: str, phase: str) -> list[str]:
    """Who has not received their message of ``phase`` yet (``grade``: the bulletins; ``assign``: the
    warnings); empty when everything arrived."""
    wecom, dt = product.emulator.wecom, product.emulator.dingtalk
    chats = {("wecom", "user"): wecom.messages_for_user, ("wecom", "group"): wecom.messages_for_group,
             ("dingtalk", "user"): dt.messages_for_user, ("dingtalk", "group"): dt.messages_for_group}
    if phase == "grade":
        wanted = [(p, "user", uid) for p, uid in org.leaders.values()]
    else:
        wanted = [(u.platform, kind, who) for u in org.units
                  for kind, who in [("group", u.group), *(("user", x) for x in u.liaisons)]]
    def shows(m) -> bool:  # a DingTalk card's text is in its instance, not in the message record
        track = getattr(m, "out_track_id", None)
        return number in str(m) or bool(track) and number in str(dt.card(track))

    return [f"{p}:{who}" for p, kind, who in wanted if not any(shows(m) for m in chats[(p, kind)](who))]


def open_case(product: Product) -> str:
    """Open the case through the intake API, as a monitoring system would; its number."""
    body = json.dumps({"external_id": f"fanout-{time.time_ns()}", "title": "某地发生重大食品安全事件引发广泛关注",
                       "source": "监测系统"}).encode()
    req = urllib.request.Request(product.env["PUBLIC_BASE_URL"] + "/api/v1/cases", data=body, method="POST",
                                 headers={"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["number"]


@dataclass
class Phase:
    """One command's fan-out: calls received, seconds from accepted to the last delivery."""

    name: str
    calls: list[dict]
    seconds: float
    complete: bool
    first: float = 0.0  # seconds from accepted to the first message received (the event handled by then)


def command(product: Product, log: CallLog, org: Org, number: str, text: str, phase: str, timeout: float) -> Phase:
    """The desk types ``text``; wait until the phase's messages arrived and the outbox is empty."""
    product.emulator.dingtalk.say_to_bot(DESK_USER, text)
    accepted = time.perf_counter()
    # the outbox first: reading the emulators' records takes the GIL from the emulators serving the worker
    ok = wait(lambda: outbox_busy(product.database_url) == 0 and not missing(product, org, number, phase),
              0.1, timeout)
    if not ok:
        print(f"{phase}: timed out; missing {missing(product, org, number, phase)[:10]}, "
              f"{outbox_busy(product.database_url)} outbox rows unsent", flush=True)
    time.sleep(0.5)  # anything still on its way is counted too
    calls = [c for c in log.since(accepted) if not any(a in c["path"] for a in AUTH)]
    sends = [c["t"] for c in calls if not refused(c)]
    return Phase(phase, calls, (max(sends) - accepted) if sends else 0.0, ok, (min(sends) - accepted) if sends else 0.0)


def run(args, org: Org) -> dict:
    log_holder = {}

    def limits(emulator) -> None:
        emulator.dingtalk.qps_limit = DINGTALK_QPS
        emulator.wecom.messaging.per_member_per_minute = WECOM_MEMBER_PER_MINUTE
        emulator.wecom.robots.webhook_per_minute = WECOM_ROBOT_PER_MINUTE
        log_holder["log"] = CallLog(emulator.app.wsgi_app)
        emulator.app.wsgi_app = log_holder["log"]

    redis = harness.private_redis()
    product = None
    try:
        product = Product(redis.url, harness.VAR, name="fanout", org_file=org.path, extra_env=org.env,
                          before_start=limits)
        log = log_holder["log"]
        rss_web, rss_worker = harness.RssWatch(product.web.pid), harness.RssWatch(product.worker.pid)
        number = open_case(product)  # the desk's card (and the tokens fetched): not counted
        wait(lambda: outbox_busy(product.database_url) == 0 and
             any(number in str(m) for m in product.emulator.dingtalk.messages_for_user(DESK_USER)), 0.05, 60)
        grade = command(product, log, org, number, f"定级 {number} 特别重大 性质：重大食品安全事件；影响范围：全市；关注度高",
                        "grade", args.timeout)
        names = " ".join(u.name for u in org.units)
        assign = command(product, log, org, number, f"分派 {number} {names}", "assign", args.timeout)
        return {"org": org, "grade": grade, "assign": assign, "rss_web": rss_web.stop(),
                "rss_worker": rss_worker.stop(), "number": number}
    finally:
        if product is not None:
            product.stop()
        redis.stop()


def report(args, fl: Floor, res: dict) -> None:
    org = res["org"]
    phases = [res["grade"], res["assign"]]
    calls = [c for p in phases for c in p.calls]
    got = Counter(api_name(c) for c in calls)
    bad = Counter(api_name(c) for c in calls if refused(c))
    by_part = Counter(classify(org, c) for c in calls)
    print("measured (from each command accepted; token calls not counted)")
    print(f"{'API':<28} {'calls':>6} {'refused':>8} {'floor':>6}")
    for name in sorted(set(got) | set(fl.calls)):
        print(f"{name:<28} {got[name]:>6} {bad[name]:>8} {fl.calls.get(name, 0):>6}")
    print("by recipient: " + ", ".join(f"{k} {v}" for k, v in sorted(by_part.items())))
    for p in phases:
        print(f"{p.name:<8} calls {len(p.calls):>4}, last delivery {p.seconds:6.2f} s after the command was accepted"
              f" (first {p.first:.2f} s: the event handled; then {p.seconds - p.first:.2f} s of sending)"
              f"{'' if p.complete else ' (INCOMPLETE: timed out)'}")
    print(f"peak RSS: web {res['rss_web']:.0f} MB, worker {res['rss_worker']:.0f} MB (target ≤ 150 MB each)")
    print("load average (1 min, 2 cores shared): {:.1f} at the start, {:.1f} at the end".format(*res["load"]))
    fanout = sum(1 for c in calls if classify(org, c) != "the desk and others")
    floor_calls = sum(fl.calls.values())
    print(f"ratios: calls {fanout}/{floor_calls} = {fanout / floor_calls:.2f} of the floor (target 1.00; "
          f"the product's one-call-per-message floor {sum(fl.product_calls.values())}); "
          f"time {res['assign'].seconds:.2f} s vs floor {fl.seconds:.0f} s: {res['assign'].seconds - fl.seconds:+.2f} s "
          f"(target ≤ +2 s); RSS web {res['rss_web'] / 150:.2f}, worker {res['rss_worker'] / 150:.2f} of 150 MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the issue's size: 40 units, 400 people")
    parser.add_argument("--units", type=int, default=8, help="units assigned (half WeCom, half DingTalk)")
    parser.add_argument("--people", type=int, default=80, help="people in those units (head, 2 liaisons, members)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for each phase")
    args = parser.parse_args(argv)
    if args.full:
        args.units, args.people = 40, 400
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    harness.VAR.mkdir(parents=True, exist_ok=True)
    org = write_org(harness.VAR / "fanout-org.yaml", args.units, args.people)
    fl = floor(org)
    print(f"特别重大 fan-out — {args.units} units ({args.units - args.units // 2} WeCom, {args.units // 2} DingTalk), "
          f"{args.people} people, {LIAISONS} liaisons each; the design calls for:")
    for kind, n in fl.messages:
        print(f"  {kind:<32} {n:>4}")
    print(f"floor: {sum(fl.calls.values())} API calls (" + ", ".join(f"{k} {v}" for k, v in sorted(fl.calls.items()))
          + f"), {fl.seconds:.0f} s from the limits (DingTalk {DINGTALK_QPS} calls/s per API; WeCom "
          f"{WECOM_MEMBER_PER_MINUTE}/min per member, {WECOM_ROBOT_PER_MINUTE}/min per robot)")
    print(f"one call per message (the product's outbox): {sum(fl.product_calls.values())} calls ("
          + ", ".join(f"{k} {v}" for k, v in sorted(fl.product_calls.items()))
          + f"), {max(0, math.ceil(fl.product_calls['createAndDeliver'] / DINGTALK_QPS) - 1)} s")
    sys.stdout.flush()
    load = os.getloadavg()[0]
    res = run(args, org)
    res["load"] = (load, os.getloadavg()[0])
    report(args, fl, res)


if __name__ == "__main__":
    main()
